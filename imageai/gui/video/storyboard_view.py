"""`StoryboardView`: the scene cards (thumbnail, number, excerpt, duration, badge, state, cost)."""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QRectF, QSize, Qt
from PySide6.QtGui import (
    QAction,
    QColor,
    QContextMenuEvent,
    QFont,
    QFontMetrics,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
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

from imageai.gui.contrast import readable_on
from imageai.gui.deferred_thumbnails import paint_cover, shared_decoder
from imageai.services.cost_summary import price_text
from imageai.services.storyboard_model import SceneRole

if TYPE_CHECKING:
    from imageai.core.pricing import SceneCost

CARD_HEIGHT = 92
THUMB = QSize(128, 72)
#: A narrow card (a 1024-wide window) gets a smaller thumbnail, so text, badge and price fit.
SMALL_THUMB = QSize(96, 54)
NARROW_CARD = 340
PROVIDER_COLORS = {"animatic": "#6b7280", "omni": "#7c3aed", "sora": "#0f766e", "veo": "#1d4ed8"}
#: The state text of a scene changed since its chosen take.
CHANGED_COLOR = "#d97706"
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
EMPTY_HINT = (
    "No scenes yet.\n\nAdd a scene (Ctrl+Shift+N, or “Add scene” in the toolbar) and describe "
    "the shot, or import a script with File > Import script… (one scene per paragraph)."
)


def card_background(palette: QPalette, *, selected: bool) -> QColor:
    """A card's fill: the base colour, or a tint of the selection colour when selected."""
    if not selected:
        return palette.base().color()
    highlight = palette.highlight().color()
    dark = palette.base().color().lightness() < 128
    return highlight.darker(160) if dark else highlight.lighter(170)


def state_text_color(state: str, background: QColor, *, changed: bool) -> QColor:
    """The state's colour, lightened or darkened until it reads on ``background`` (the green
    "done" was ~2:1 on a selected card in the dark theme)."""
    wanted = QColor(CHANGED_COLOR if changed else STATE_COLORS.get(state, "#6b7280"))
    return readable_on(wanted, background)


class CardRects(NamedTuple):
    """Where each part of a card goes; nothing overlaps and all of it is inside the card."""

    thumb: QRect
    header: QRect
    badge: QRect
    body: QRect
    state: QRect
    price: QRect


def card_rects(
    rect: QRect, bold: QFontMetrics, plain: QFontMetrics, badge: str, price: str
) -> CardRects:
    """Lay a card out in ``rect``: the price and the badge keep their full width, the header
    and state give way (they are elided to what is left)."""
    thumb_size = THUMB if rect.width() >= NARROW_CARD else SMALL_THUMB
    thumb = QRect(
        rect.left() + 8,
        rect.top() + (rect.height() - thumb_size.height()) // 2,
        thumb_size.width(),
        thumb_size.height(),
    )
    left = thumb.right() + 10
    text = QRect(left, rect.top() + 6, max(0, rect.right() - 8 - left), rect.height() - 12)
    line = QRect(text.left(), text.top(), text.width(), 18)
    badge_width = min(bold.horizontalAdvance(badge) + 16, text.width() // 2)
    badge_rect = QRect(line.right() - badge_width + 1, line.top() + 1, badge_width, 16)
    header = QRect(line.left(), line.top(), max(0, badge_rect.left() - 6 - line.left()), 18)
    footer = QRect(text.left(), text.bottom() - 15, text.width(), 16)
    price_width = min(plain.horizontalAdvance(price) + 2, footer.width())
    price_rect = QRect(footer.right() - price_width + 1, footer.top(), price_width, 16)
    state = QRect(footer.left(), footer.top(), max(0, price_rect.left() - 8 - footer.left()), 16)
    body_height = min(plain.lineSpacing() * 2, max(0, footer.top() - line.bottom() - 4))
    body = QRect(text.left(), line.bottom() + 3, text.width(), body_height)
    return CardRects(thumb, header, badge_rect, body, state, price_rect)


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
        highlight = palette.highlight().color()
        base = card_background(palette, selected=selected)
        border = highlight if selected else palette.mid().color()
        painter.setPen(QPen(border, 1.2))
        painter.setBrush(base)
        painter.drawRoundedRect(rect, 6, 6)
        bold = QFont(option.font)
        bold.setBold(True)
        rects = card_rects(
            rect,
            QFontMetrics(bold),
            QFontMetrics(option.font),
            str(index.data(SceneRole.PROVIDER_NAME)),
            _price_text(index),
        )
        self._paint_thumbnail(painter, rects.thumb, index.data(SceneRole.THUMBNAIL), palette)
        painter.setFont(option.font)
        self._paint_text(painter, rects, index, palette.text().color(), bold, base)
        painter.restore()

    @staticmethod
    def _paint_thumbnail(
        painter: QPainter, rect: QRect, path: str | None, palette: QPalette
    ) -> None:
        # Never decoded here (a 1080p reference took 52-56 ms inside the paint): the decoder
        # works on its own thread and the view repaints when it has the picture.
        ratio = max(1.0, painter.device().devicePixelRatioF())
        pixmap, waiting = shared_decoder().pixmap(path, rect.size() * ratio)
        if pixmap is None:
            painter.fillRect(rect, palette.alternateBase())
            if not waiting:
                painter.setPen(palette.placeholderText().color())
                painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, "no image")
            return
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        paint_cover(painter, QRectF(rect), pixmap)

    @staticmethod
    def _paint_text(
        painter: QPainter,
        rects: CardRects,
        index: _Index,
        color: QColor,
        bold: QFont,
        background: QColor | None = None,
    ) -> None:
        plain = QFont(painter.font())
        metrics = QFontMetrics(plain)
        bold_metrics = QFontMetrics(bold)
        left = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        provider = str(index.data(SceneRole.PROVIDER))
        badge_text = str(index.data(SceneRole.PROVIDER_NAME))
        state = str(index.data(SceneRole.STATE))
        header = f"Scene {index.data(SceneRole.NUMBER)}  ·  {index.data(SceneRole.SECONDS)} s"
        painter.setFont(bold)
        painter.setPen(color)
        elide = Qt.TextElideMode.ElideRight
        painter.drawText(
            rects.header, left, bold_metrics.elidedText(header, elide, rects.header.width())
        )
        painter.setBrush(QColor(PROVIDER_COLORS.get(provider, "#6b7280")))
        painter.setPen(Qt.PenStyle.NoPen)
        painter.drawRoundedRect(rects.badge, 8, 8)
        painter.setPen(QColor("white"))
        painter.drawText(
            rects.badge,
            Qt.AlignmentFlag.AlignCenter,
            bold_metrics.elidedText(badge_text, elide, rects.badge.width() - 8),
        )
        painter.setFont(plain)
        status = index.data(SceneRole.TAKE_STATUS)
        # A scene changed since its take renders again: amber, like a scene waiting to render.
        changed = status is not None and status.changed
        card = background if background is not None else QColor("white")
        painter.setPen(state_text_color(state, card, changed=changed))
        state_text = str(index.data(SceneRole.STATE_TEXT) or state.replace("_", " "))
        painter.drawText(
            rects.state, left, metrics.elidedText(state_text, elide, rects.state.width())
        )
        painter.setPen(color)
        painter.drawText(
            rects.price,
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
            _price_text(index),
        )
        excerpt = index.data(SceneRole.EXCERPT)
        painter.setPen(color if excerpt else QColor("#9ca3af"))
        # Two lines at most, so the footer stays readable.
        body = rects.body
        text = excerpt or "No prompt yet: write one in the scene editor."
        text = metrics.elidedText(text, elide, int(body.width() * 1.7))
        painter.setClipRect(body)
        painter.drawText(
            body,
            int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
            | int(Qt.TextFlag.TextWordWrap),
            text,
        )


def _price_text(index: _Index) -> str:
    # One cost summary words every price (card, timeline block, cost line, confirm dialog).
    cost: SceneCost | None = index.data(SceneRole.COST)
    return price_text(cost, index.data(SceneRole.SCENE))


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
        shared_decoder().decoded.connect(self.viewport().update)

    def empty_hint(self) -> str:
        """What to do first, shown in place of the cards while there are none."""
        return EMPTY_HINT if self.model() is None or self.model().rowCount() == 0 else ""

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        hint = self.empty_hint()
        if hint:
            painter = QPainter(self.viewport())
            painter.setPen(self.palette().placeholderText().color())
            painter.drawText(
                self.viewport().rect().adjusted(24, 24, -24, -24),
                int(Qt.AlignmentFlag.AlignCenter) | int(Qt.TextFlag.TextWordWrap),
                hint,
            )
            painter.end()

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
