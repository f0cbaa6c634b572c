"""`TakesModel`: one scene's takes (its render and remixes) side by side, with thumbnails."""

from __future__ import annotations

from enum import IntEnum
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject, QPersistentModelIndex, Qt, Slot
from PySide6.QtGui import QFont, QImage

from imageai.core.takes import current_take, list_takes

if TYPE_CHECKING:
    from imageai.core.models import Take
    from imageai.services.project_document import ProjectDocument

_Index = QModelIndex | QPersistentModelIndex
THUMB_WIDTH = 160
THUMB_HEIGHT = 90


class TakeRole(IntEnum):
    NUMBER = Qt.ItemDataRole.UserRole + 1
    CURRENT = NUMBER + 1
    TAKE = NUMBER + 2


class TakesModel(QAbstractListModel):
    """Follows the `ProjectDocument`; shows the takes of the scene set with `set_scene`."""

    def __init__(self, document: ProjectDocument, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._doc = document
        self._scene_id: str | None = None
        self._takes: tuple[Take, ...] = ()
        self._current: int | None = None
        self._images: dict[str, QImage] = {}
        document.project_changed.connect(self._on_document_project_changed)

    def set_scene(self, scene_id: str | None) -> None:
        self._scene_id = scene_id
        self._refresh(reset=True)

    @property
    def current(self) -> int | None:
        """The 1-based number of the take the scene shows, or None."""
        return self._current

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._takes)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._takes):
            return None
        take = self._takes[index.row()]
        number = index.row() + 1
        current = number == self._current
        if role == Qt.ItemDataRole.DisplayRole:
            origin = "remix" if take.remixed_from_job_id else "render"
            return f"Take {number} · {origin}" + (" · in use" if current else "")
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{take.prompt or '(no prompt)'}\n${take.billed_usd:.2f} · {take.job_id}"
        if role == Qt.ItemDataRole.DecorationRole:
            return self._thumbnail(take)
        if role == Qt.ItemDataRole.FontRole and current:
            font = QFont()
            font.setBold(True)
            return font
        values = {TakeRole.NUMBER: number, TakeRole.CURRENT: current, TakeRole.TAKE: take}
        return values.get(role)  # type: ignore[call-overload]

    def _thumbnail(self, take: Take) -> QImage | None:
        folder = self._doc.folder
        if take.thumbnail_path is None or folder is None:
            return None
        path = str(folder / take.thumbnail_path)
        if path not in self._images:
            image = QImage(path)
            self._images[path] = (
                image.scaled(
                    THUMB_WIDTH,
                    THUMB_HEIGHT,
                    Qt.AspectRatioMode.KeepAspectRatio,
                    Qt.TransformationMode.SmoothTransformation,
                )
                if not image.isNull()
                else image
            )
        image = self._images[path]
        return None if image.isNull() else image

    @Slot()
    def _on_document_project_changed(self) -> None:
        self._refresh(reset=False)

    def _refresh(self, *, reset: bool) -> None:
        takes: tuple[Take, ...] = ()
        current = None
        if self._scene_id is not None:
            try:
                scene = self._doc.project.scene(self._scene_id)
            except KeyError:
                scene = None
            if scene is not None:
                takes, current = list_takes(scene), current_take(scene)
        if not reset and takes == self._takes and current == self._current:
            return
        self.beginResetModel()
        self._takes, self._current = takes, current
        self.endResetModel()
