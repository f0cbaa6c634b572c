"""A changed row re-times only that row's block: a render's events do not re-read 500 scenes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel

from imageai.gui.video.timeline_strip import PX_PER_SECOND, TimelineStrip
from imageai.services.storyboard_model import SceneRole

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot


class _CountingModel(QStandardItemModel):
    """Rows with a length in seconds; counts the rows whose length a view read."""

    def __init__(self, seconds: list[float]) -> None:
        super().__init__()
        for value in seconds:
            item = QStandardItem()
            item.setData(value, SceneRole.SECONDS)
            self.appendRow(item)
        self.reads: list[int] = []

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == SceneRole.SECONDS:
            self.reads.append(index.row())
        return super().data(index, role)


def test_one_changed_row_is_retimed_alone_and_moves_the_blocks_after_it(qtbot: QtBot) -> None:
    model = _CountingModel([4.0] * 500)
    strip = TimelineStrip()
    qtbot.add_widget(strip)
    strip.setModel(model)
    assert len(model.reads) == 500 and strip.blocks[-1].x > strip.blocks[0].x
    model.reads.clear()
    old = list(strip.blocks)

    model.item(10).setData(8.0, SceneRole.SECONDS)  # emits dataChanged for row 10
    assert model.reads == [10]
    grown = strip.blocks[10].width - old[10].width
    assert grown >= 4 * PX_PER_SECOND - 2
    assert strip.blocks[9] == old[9]
    assert strip.blocks[-1].x - old[-1].x == grown  # every later block moved along

    model.reads.clear()
    # A change to other roles only (dataChanged names them) re-reads no length at all.
    model.item(20).setData("x", Qt.ItemDataRole.DisplayRole)
    assert model.reads == []


def test_a_row_added_lays_every_block_out_again(qtbot: QtBot) -> None:
    model = _CountingModel([2.0] * 3)
    strip = TimelineStrip()
    qtbot.add_widget(strip)
    strip.setModel(model)
    item = QStandardItem()
    item.setData(5.0, SceneRole.SECONDS)
    model.appendRow(item)
    assert len(strip.blocks) == 4
    assert strip.blocks[3].width > strip.blocks[2].width
