"""`TimelineStrip`: the cut as blocks as wide as their scenes are long, with a playhead."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QItemSelectionModel, QRect, QRectF, QSize, Qt, Slot
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPen
from PySide6.QtWidgets import QAbstractScrollArea, QWidget

from imageai.gui.deferred_thumbnails import paint_cover, shared_decoder, thumbnail_key
from imageai.gui.video.storyboard_view import STATE_COLORS
from imageai.services.cost_summary import price_text
from imageai.services.cut_playlist import (
    Block,
    block_layout,
    playhead_x,
    row_at,
    total_width,
    visible_rows,
)
from imageai.services.storyboard_model import SceneRole

if TYPE_CHECKING:
    from PySide6.QtCore import QAbstractItemModel, QModelIndex
    from PySide6.QtGui import QMouseEvent, QPaintEvent, QResizeEvent, QWheelEvent

PX_PER_SECOND = 30
STRIP_HEIGHT = 96
FOOTER = 18


class TimelineStrip(QAbstractScrollArea):
    """A custom-painted strip: only the blocks in view are painted, so 500 scenes scroll as
    smoothly as 5. It shares the storyboard's model and selection model: a click on a block
    selects that scene exactly as a click on its card does."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("timelineStrip")
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.setFixedHeight(STRIP_HEIGHT + self.horizontalScrollBar().sizeHint().height() + 4)
        self._model: QAbstractItemModel | None = None
        self._selection: QItemSelectionModel | None = None
        self.blocks: list[Block] = []
        #: Each row's length in seconds, as the blocks were laid out from.
        self._seconds: list[float] = []
        #: (row, 0..1) of the cut's playhead, or None when the cut is not playing.
        self.playhead: tuple[int, float] | None = None
        #: Rows painted by the last paint: only those in view (checked by the tests).
        self.painted_rows: range = range(0)
        #: Thumbnails the last paints found undecoded (path: size), waiting for the decoder;
        #: a file that does not decode is tried once and painted as a placeholder.
        self.pending_thumbnails: dict[str, QSize] = {}
        shared_decoder().decoded.connect(self._on_decoded)

    def sizeHint(self) -> QSize:
        return QSize(600, self.height())

    # ---- model and selection -----------------------------------------------------------------

    def setModel(self, model: QAbstractItemModel) -> None:
        self._model = model
        for signal in (
            model.modelReset,
            model.rowsInserted,
            model.rowsRemoved,
            model.rowsMoved,
            model.layoutChanged,
        ):
            signal.connect(self.relayout)
        model.dataChanged.connect(self._on_model_data_changed)
        self.relayout()

    def setSelectionModel(self, selection: QItemSelectionModel) -> None:
        self._selection = selection
        selection.selectionChanged.connect(self.viewport().update)
        selection.currentChanged.connect(self._on_selection_current_changed)

    def relayout(self) -> None:
        model = self._model
        rows = model.rowCount() if model is not None else 0
        self._seconds = [self._seconds_of(r) for r in range(rows)]
        self._lay_out()

    def _seconds_of(self, row: int) -> float:
        assert self._model is not None
        return float(self._model.index(row, 0).data(SceneRole.SECONDS) or 0)

    def _lay_out(self) -> None:
        self.blocks = block_layout(self._seconds, PX_PER_SECOND)
        self._update_scrollbar()
        self.viewport().update()

    def _on_model_data_changed(
        self, top: QModelIndex, bottom: QModelIndex, roles: list[int] | None = None
    ) -> None:
        """Re-time only the rows that changed, and only when their length may have: a render's
        state and cost changes repaint; they re-read no scene's seconds (500 rows: ~5-15 ms)."""
        model = self._model
        if model is None or len(self._seconds) != model.rowCount():
            self.relayout()
            return
        if roles and SceneRole.SECONDS not in roles:
            self.viewport().update()
            return
        changed = False
        for row in range(max(top.row(), 0), min(bottom.row(), len(self._seconds) - 1) + 1):
            seconds = self._seconds_of(row)
            changed = changed or seconds != self._seconds[row]
            self._seconds[row] = seconds
        if changed:
            self._lay_out()
        else:
            self.viewport().update()

    def _update_scrollbar(self) -> None:
        bar = self.horizontalScrollBar()
        bar.setRange(0, max(0, total_width(self.blocks) - self.viewport().width()))
        bar.setPageStep(self.viewport().width())
        bar.setSingleStep(PX_PER_SECOND * 2)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._update_scrollbar()

    def ensure_visible(self, row: int) -> None:
        if not 0 <= row < len(self.blocks):
            return
        block, bar = self.blocks[row], self.horizontalScrollBar()
        width = self.viewport().width()
        if block.x < bar.value():
            bar.setValue(block.x - 4)
        elif block.x + block.width > bar.value() + width:
            bar.setValue(block.x + block.width - width + 4)

    def _on_selection_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            self.ensure_visible(current.row())

    def set_playhead(self, row: int, fraction: float) -> None:
        old, self.playhead = self.playhead, (row, fraction)
        offset = self.horizontalScrollBar().value()
        self.ensure_visible(row)
        if old is None or old[0] != row or offset != self.horizontalScrollBar().value():
            self.viewport().update()  # another block is highlighted, or the strip scrolled
            return
        # The player moves it ~20 times a second: repaint the line's old and new place (and
        # the block under them), not every block in view.
        for where in (old, self.playhead):
            if where[0] < len(self.blocks):
                x = playhead_x(self.blocks, *where) - offset
                self.viewport().update(QRect(x - 2, 0, 5, self.viewport().height()))

    def clear_playhead(self) -> None:
        self.playhead = None
        self.viewport().update()

    # ---- input -------------------------------------------------------------------------------

    def row_at_pos(self, x: int) -> int | None:
        return row_at(self.blocks, x + self.horizontalScrollBar().value())

    def mousePressEvent(self, event: QMouseEvent) -> None:
        row = self.row_at_pos(int(event.position().x()))
        if row is None or self._model is None or self._selection is None:
            super().mousePressEvent(event)
            return
        index = self._model.index(row, 0)
        flags = QItemSelectionModel.SelectionFlag
        toggle = event.modifiers() & Qt.KeyboardModifier.ControlModifier
        command = flags.Toggle if toggle else flags.ClearAndSelect
        self._selection.setCurrentIndex(index, command | flags.Rows)

    def wheelEvent(self, event: QWheelEvent) -> None:
        # A plain wheel scrolls along the strip: it has nothing to scroll vertically.
        delta = event.angleDelta()
        step = delta.x() or delta.y()
        bar = self.horizontalScrollBar()
        bar.setValue(bar.value() - step)
        event.accept()

    # ---- painting ----------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self.viewport())
        offset = self.horizontalScrollBar().value()
        area = event.rect()  # the part asked for (a playhead move repaints a narrow strip)
        left = offset + max(area.left(), 0)
        right = offset + min(area.right() + 1, self.viewport().width())
        self.painted_rows = visible_rows(self.blocks, left, right)
        model = self._model
        if model is not None:
            for row in self.painted_rows:
                self._paint_block(painter, row, model.index(row, 0), offset)
        if self.playhead is not None and self.playhead[0] < len(self.blocks):
            x = playhead_x(self.blocks, *self.playhead) - offset
            painter.setPen(QPen(QColor("#dc2626"), 2))
            painter.drawLine(x, 0, x, self.viewport().height())
        painter.end()

    def _paint_block(self, painter: QPainter, row: int, index: QModelIndex, offset: int) -> None:
        block = self.blocks[row]
        rect = QRect(block.x - offset, 4, block.width, STRIP_HEIGHT - 8)
        palette = self.palette()
        selected = self._selection is not None and self._selection.isSelected(index)
        playing = self.playhead is not None and self.playhead[0] == row
        picture = rect.adjusted(1, 1, -1, -FOOTER)
        self._paint_thumbnail(painter, picture, index.data(SceneRole.THUMBNAIL))
        state = str(index.data(SceneRole.STATE))
        painter.fillRect(
            QRect(rect.left(), picture.bottom() + 1, rect.width(), 3),
            QColor(STATE_COLORS.get(state, "#6b7280")),
        )
        footer = QRect(rect.left() + 4, picture.bottom() + 4, rect.width() - 8, FOOTER - 4)
        font = QFont(self.font())
        font.setPointSizeF(max(7.0, font.pointSizeF() - 1))
        painter.setFont(font)
        painter.setPen(palette.text().color())
        price = price_text(index.data(SceneRole.COST), index.data(SceneRole.SCENE))
        label = f"{index.data(SceneRole.NUMBER)}  {price}"
        elided = QFontMetrics(font).elidedText(label, Qt.TextElideMode.ElideRight, footer.width())
        painter.drawText(footer, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, elided)
        border = palette.highlight().color() if selected or playing else palette.mid().color()
        painter.setPen(QPen(border, 3 if selected else 1))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(rect.adjusted(0, 0, -1, -1))

    def _paint_thumbnail(self, painter: QPainter, rect: QRect, path: str | None) -> None:
        # Not decoded here (opening a project decoded them all in one paint: 47 ms), nor in
        # a later pass on this thread (one 1080p reference alone takes 35-55 ms): the shared
        # decoder's thread does it and `_on_decoded` repaints.
        pixmap, waiting = shared_decoder().pixmap(path, rect.size())
        if waiting and path:
            self.pending_thumbnails[path] = rect.size()
        if pixmap is None:
            painter.fillRect(rect, self.palette().alternateBase())
            return
        paint_cover(painter, QRectF(rect), pixmap)

    @Slot()
    def _on_decoded(self) -> None:
        decoder = shared_decoder()
        for path, size in list(self.pending_thumbnails.items()):
            key = thumbnail_key(path, size)
            if key is None or key not in decoder.pending:
                del self.pending_thumbnails[path]
        self.viewport().update()
