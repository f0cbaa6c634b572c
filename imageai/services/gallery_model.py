"""`GalleryModel`: the gallery folder as a Qt list model with thumbnails, filter and delete."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QImage, QImageReader, QPainter, QPixmap

if TYPE_CHECKING:
    from collections.abc import Iterable
    from pathlib import Path

    from imageai.core.gallery_store import GalleryEntry, GalleryStore

TIMES = "\N{MULTIPLICATION SIGN}"
ENTRY_ROLE = Qt.ItemDataRole.UserRole + 1
PATH_ROLE = Qt.ItemDataRole.UserRole + 2
#: Characters of the prompt in a caption's first line.
CAPTION_CHARS = 32
_Index = QModelIndex | QPersistentModelIndex


def captions(entries: Iterable[GalleryEntry]) -> dict[Path, str]:
    """A caption for each entry, no two alike (see `GalleryModel.caption`)."""
    base: dict[Path, str] = {}
    groups: dict[str, list[GalleryEntry]] = {}
    for entry in entries:
        text = " ".join(entry.meta.prompt.split())
        text = text if len(text) <= CAPTION_CHARS else text[: CAPTION_CHARS - 1] + "…"
        when = entry.meta.created.astimezone().strftime("%H:%M")
        base[entry.path] = f"{text}\n{when}"
        groups.setdefault(base[entry.path], []).append(entry)
    for caption, same in groups.items():
        if len(same) > 1:
            same.sort(key=lambda e: (e.meta.created, e.path.name))
            for number, entry in enumerate(same, 1):
                base[entry.path] = f"{caption} · {number} of {len(same)}"
    return base


def load_thumbnail(path: Path, edge: int) -> QImage:
    """A ``edge``-bounded thumbnail, decoded at reduced size where the format allows."""
    reader = QImageReader(str(path))
    reader.setAutoTransform(True)
    size = reader.size()
    if size.isValid() and (size.width() > edge or size.height() > edge):
        reader.setScaledSize(size.scaled(edge, edge, Qt.AspectRatioMode.KeepAspectRatio))
    image = reader.read()
    return image if not image.isNull() else QImage()


def square_thumbnail(image: QImage, edge: int) -> QPixmap:
    """``image`` centred on a transparent ``edge`` square, so every grid cell lines up."""
    canvas = QPixmap(edge, edge)
    canvas.fill(Qt.GlobalColor.transparent)
    if not image.isNull():
        painter = QPainter(canvas)
        painter.drawImage((edge - image.width()) // 2, (edge - image.height()) // 2, image)
        painter.end()
    return canvas


class GalleryModel(QAbstractListModel):
    """Gallery entries, newest first, optionally filtered by prompt words.

    Signals:
        count_changed(int): rows shown after a refresh, filter, add or delete.
    """

    count_changed = Signal(int)

    def __init__(self, store: GalleryStore, thumb_edge: int = 160, parent: QObject | None = None):
        super().__init__(parent)
        self._store = store
        self._edge = thumb_edge
        self._filter = ""
        self._entries: list[GalleryEntry] = []
        self._thumbs: dict[Path, QPixmap] = {}
        self._captions: dict[Path, str] | None = None

    @property
    def store(self) -> GalleryStore:
        return self._store

    @property
    def filter_text(self) -> str:
        return self._filter

    def refresh(self) -> None:
        """Re-read the folder (applying the current filter)."""
        self.beginResetModel()
        self._entries = self._store.search(self._filter)
        self._captions = None
        self._thumbs = {p: t for p, t in self._thumbs.items() if p.exists()}
        self.endResetModel()
        self.count_changed.emit(len(self._entries))

    def set_filter(self, text: str) -> None:
        self._filter = text.strip()
        self.refresh()

    def add_paths(self, paths: Iterable[Path]) -> None:
        """Show newly written images at the top (those that match the filter)."""
        words = self._filter.lower().split()
        new = []
        for path in paths:
            entry = self._store.load(path)
            if entry and all(w in entry.meta.prompt.lower() for w in words):
                new.append(entry)
        if not new:
            return
        self.beginInsertRows(QModelIndex(), 0, len(new) - 1)
        self._entries[0:0] = new
        self._captions = None
        self.endInsertRows()
        self.count_changed.emit(len(self._entries))

    def entry(self, row: int) -> GalleryEntry | None:
        return self._entries[row] if 0 <= row < len(self._entries) else None

    def row_of(self, path: Path) -> int:
        for row, entry in enumerate(self._entries):
            if entry.path == path:
                return row
        return -1

    def delete(self, row: int) -> None:
        """Delete the image and its sidecar from disk and from the model."""
        entry = self.entry(row)
        if entry is None:
            return
        self._store.delete(entry)
        self.beginRemoveRows(QModelIndex(), row, row)
        del self._entries[row]
        self._captions = None
        self._thumbs.pop(entry.path, None)
        self.endRemoveRows()
        self.count_changed.emit(len(self._entries))

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._entries)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        entry = self.entry(index.row()) if index.isValid() else None
        if entry is None:
            return None
        meta = entry.meta
        if role == Qt.ItemDataRole.DisplayRole:
            return self.caption(entry)
        if role == Qt.ItemDataRole.DecorationRole:
            return self._thumbnail(entry.path)
        if role == Qt.ItemDataRole.ToolTipRole:
            when = meta.created.astimezone().strftime("%Y-%m-%d %H:%M")
            return (
                f"{meta.prompt}\n\n{meta.model} ({meta.provider}) · {meta.width}{TIMES}{meta.height}"
                f" · {meta.quality or '-'} · ${meta.cost_usd:.3f} · {when}"
            )
        if role == ENTRY_ROLE:
            return entry
        if role == PATH_ROLE:
            return str(entry.path)
        return None

    def caption(self, entry: GalleryEntry) -> str:
        """The prompt's start, then the time it was made; images that would read the same
        (one prompt, several images in the same minute) are numbered in the order made."""
        if self._captions is None:
            self._captions = captions(self._entries)
        return self._captions.get(entry.path, "")

    def _thumbnail(self, path: Path) -> QPixmap:
        thumb = self._thumbs.get(path)
        if thumb is None:
            thumb = square_thumbnail(load_thumbnail(path, self._edge), self._edge)
            self._thumbs[path] = thumb
        return thumb

    def thumb_size(self) -> QSize:
        return QSize(self._edge, self._edge)
