"""A playing cut's playhead repaints the strip under the line, not every block in view."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from PySide6.QtGui import QColor, QStandardItem, QStandardItemModel

from imageai.gui.video.timeline_strip import TimelineStrip
from imageai.services.cut_playlist import playhead_x
from imageai.services.storyboard_model import SceneRole

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


def test_a_playhead_move_inside_a_block_repaints_only_that_block(qtbot: QtBot) -> None:
    model = QStandardItemModel()
    for _ in range(12):
        item = QStandardItem()
        item.setData(4.0, SceneRole.SECONDS)
        model.appendRow(item)
    strip = TimelineStrip()
    qtbot.add_widget(strip)
    strip.setModel(model)
    strip.resize(900, strip.height())
    strip.show()
    qtbot.wait_exposed(strip)
    qtbot.wait_until(lambda: len(strip.painted_rows) > 3)

    strip.painted_rows = range(0)
    strip.set_playhead(2, 0.1)  # the cut moved to scene 3: its block is highlighted
    qtbot.wait_until(lambda: len(strip.painted_rows) > 3)
    strip.painted_rows = range(0)
    strip.set_playhead(2, 0.5)
    qtbot.wait_until(lambda: len(strip.painted_rows) > 0)
    assert strip.painted_rows == range(2, 3)

    # The line is drawn where it now is, and gone from where it was.
    picture = strip.viewport().grab().toImage()
    y = strip.viewport().height() // 2
    assert picture.pixelColor(playhead_x(strip.blocks, 2, 0.5), y) == QColor("#dc2626")
    assert picture.pixelColor(playhead_x(strip.blocks, 2, 0.1), y) != QColor("#dc2626")
