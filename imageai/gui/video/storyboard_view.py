"""`StoryboardView`: the scene cards (thumbnail, number, excerpt, duration, badge, state, cost)."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import (
    QAction,
    QColor,
    QContextMenuEvent,
    QFont,
    QImageReader,
    QPainter,
    QPen,
    QPixmap,
    QPixmapCache,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QListView,
    QMenu,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from imageai.services.storyboard_model import SceneRole

if TYPE_CHECKING:
    from imageai.core.pricing import SceneCost

CARD_HEIGHT = 92
THUMB = QSize(128, 72)
PROVIDER_COLORS = {"animatic": "#6b7280", "omni": "#7c3aed", "sora": "#0f766e", "veo": "#1d4ed8"}
STATE_COLORS = {
    "done": "#15803d",
    "failed": "#b91c1c",
    "outcome_unknown": "#b45309",
    "cancelled": "#6b7280",
    "rendering": "#c2410c",
    "downloading": "#c2410c",
    "queued": "#7c3aed",
    "pending": "#6b7280",
}
_Index = QModelIndex | QPersistentModelIndex


def load_thumbnail(path: str | None) -> QPixmap | None:
    """A small pixmap for ``path``, cached by path and modification time."""
    if not path:
        return None
    try:
        stamp = os.stat(path).st_mtime_ns
    except OSError:
        return None
    key = f"imageai-thumb:{path}:{stamp}"
    pixmap = QPixmap()
    if QPixmapCache.find(key, pixmap):
        return pixmap
    reader = QImageReader(path)
    size = reader.size()
    if size.isValid():
        # Decode at display size: a 4k reference image must not stall the GUI thread.
        reader.setScaledSize(size.scaled(THUMB * 2, Qt.AspectRatioMode.KeepAspectRatioByExpanding))
    image = reader.read()
    if image.isNull():
        return None
    pixmap = QPixmap.fromImage(image)
    QPixmapCache.insert(key, pixmap)
    return pixmap


class SceneCardDelegate(QStyledItemDelegate):
    """Paints one scene as a card; no editing in place (the scene editor does that)."""

    def sizeHint(self, option: QStyleOptionViewItem, index: _Index) -> QSize:
        return QSize(option.rect.width() or 360, CARD_HEIGHT)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = option.rect.adjusted(4, 3, -4, -3)
        palette = option.palette
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        base = palette.highlight().color().lighter(170) if selected else palette.base().color()
        painter.setPen(QPen(palette.highlight().color() if selected else QColor("#d1d5db"), 1.2))
        painter.setBrush(base)
        painter.drawRoundedRect(rect, 6, 6)
        thumb_rect = QRect(
            rect.left() + 8,
            rect.top() + (rect.height() - THUMB.height()) // 2,
            THUMB.width(),
            THUMB.height(),
        )
        self._paint_thumbnail(painter, thumb_rect, index.data(SceneRole.THUMBNAIL))
        text_left = thumb_rect.right() + 12
        text_rect = QRect(
            text_left, rect.top() + 6, rect.right() - text_left - 8, rect.height() - 12
        )
        self._paint_text(painter, text_rect, index, palette.text().color())
        painter.restore()

    @staticmethod
    def _paint_thumbnail(painter: QPainter, rect: QRect, path: str | None) -> None:
        pixmap = load_thumbnail(path)
        if pixmap is None:
            painter.fillRect(rect, QColor("#e5e7eb"))
            painter.setPen(QColor("#6b7280"))
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, "no image")
            return
        scaled = pixmap.scaled(
            rect.size(),
            Qt.AspectRatioMode.KeepAspectRatioByExpanding,
            Qt.TransformationMode.SmoothTransformation,
        )
        source = QRect(
            (scaled.width() - rect.width()) // 2,
            (scaled.height() - rect.height()) // 2,
            rect.width(),
            rect.height(),
        )
        painter.drawPixmap(rect, scaled, source)

    @staticmethod
    def _paint_text(painter: QPainter, rect: QRect, index: _Index, color: QColor) -> None:
        metrics = painter.fontMetrics()
        bold = QFont(painter.font())
        bold.setBold(True)
        provider = str(index.data(SceneRole.PROVIDER))
        badge_text = str(index.data(SceneRole.PROVIDER_NAME))
        state = str(index.data(SceneRole.STATE))
        cost: SceneCost | None = index.data(SceneRole.COST)
        line = QRect(rect.left(), rect.top(), rect.width(), 18)
        header = f"Scene {index.data(SceneRole.NUMBER)}  ·  {index.data(SceneRole.SECONDS)} s"
        painter.setFont(bold)
        painter.setPen(color)
        painter.drawText(line, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, header)
        badge_width = painter.fontMetrics().horizontalAdvance(badge_text) + 16
        badge = QRect(line.right() - badge_width, line.top() + 1, badge_width, 16)
        painter.setBrush(QColor(PROVIDER_COLORS.get(provider, "#6b7280")))
        painter.setPen(Qt.PenStyle.NoPen)
        painter.drawRoundedRect(badge, 8, 8)
        painter.setPen(QColor("white"))
        painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, badge_text)
        painter.setFont(QFont(bold.family(), bold.pointSize()))
        footer = QRect(rect.left(), rect.bottom() - 16, rect.width(), 16)
        painter.setPen(QColor(STATE_COLORS.get(state, "#6b7280")))
        painter.drawText(
            footer,
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            state.replace("_", " "),
        )
        painter.setPen(QColor("#374151"))
        scene = index.data(SceneRole.SCENE)
        if cost is not None and cost.already_rendered:
            price = f"billed ${scene.billed_usd:.2f}" if scene is not None else ""
        else:
            price = "" if cost is None else f"est. ${cost.usd:.2f}"
        painter.drawText(footer, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, price)
        excerpt = index.data(SceneRole.EXCERPT)
        painter.setPen(color if excerpt else QColor("#9ca3af"))
        # Two lines at most, so the footer stays readable.
        body = QRect(rect.left(), line.bottom() + 3, rect.width(), metrics.lineSpacing() * 2)
        text = excerpt or "No prompt yet: write one in the scene editor."
        text = metrics.elidedText(text, Qt.TextElideMode.ElideRight, int(body.width() * 1.7))
        painter.setClipRect(body)
        painter.drawText(
            body,
            int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
            | int(Qt.TextFlag.TextWordWrap),
            text,
        )


class StoryboardView(QListView):
    """Scene cards with multi-select and drag-and-drop reordering (moves go through undo)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("storyboardView")
        self.setItemDelegate(SceneCardDelegate(self))
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setDragEnabled(True)
        self.setAcceptDrops(True)
        self.setDropIndicatorShown(True)
        self.setUniformItemSizes(True)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setMinimumWidth(360)
        #: The right-click menu's actions (None: a separator); the panel sets them.
        self.context_actions: list[QAction | None] = []

    def context_menu(self) -> QMenu:
        menu = QMenu(self)
        menu.setToolTipsVisible(True)  # a disabled action's tooltip says why
        for action in self.context_actions:
            if action is None:
                menu.addSeparator()
            else:
                menu.addAction(action)
        return menu

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        index = self.indexAt(event.pos())
        if index.isValid() and not self.selectionModel().isSelected(index):
            self.select_ids([index.data(SceneRole.ID)])
        menu = self.context_menu()
        menu.exec(event.globalPos())
        menu.deleteLater()

    def selected_ids(self) -> list[str]:
        rows = sorted(i.row() for i in self.selectionModel().selectedRows())
        model = self.model()
        return [model.index(r, 0).data(SceneRole.ID) for r in rows]

    def select_ids(self, scene_ids: list[str]) -> None:
        model = self.model()
        selection = self.selectionModel()
        selection.clearSelection()
        first = None
        for row in range(model.rowCount()):
            index = model.index(row, 0)
            if index.data(SceneRole.ID) in scene_ids:
                selection.select(index, selection.SelectionFlag.Select)
                first = first or index
        if first is not None:
            selection.setCurrentIndex(first, selection.SelectionFlag.NoUpdate)
            self.scrollTo(first)
