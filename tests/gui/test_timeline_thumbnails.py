"""The timeline decodes thumbnails after its paint, a few per pass, never inside `paintEvent`."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from PySide6.QtGui import QColor, QPixmapCache

from imageai.gui.video.timeline_strip import STRIP_HEIGHT, TimelineStrip
from tests.gui.conftest import REFERENCE_COLORS, give_references

if TYPE_CHECKING:
    from collections.abc import Callable

    from pytestqt.qtbot import QtBot

    from imageai.services.video_workspace import VideoWorkspace

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


def _strip_with_references(
    qtbot: QtBot, make_workspace: Callable[..., VideoWorkspace]
) -> TimelineStrip:
    ws = make_workspace(scenes=3)
    give_references(ws, (160, 90), "s")
    strip = TimelineStrip()
    qtbot.add_widget(strip)
    strip.setModel(ws.storyboard)
    strip.resize(600, strip.height())
    strip.show()
    qtbot.wait_exposed(strip)
    return strip


def test_a_paint_decodes_no_thumbnail_and_they_appear_after_it(
    qtbot: QtBot, make_workspace: Callable[..., VideoWorkspace]
) -> None:
    strip = _strip_with_references(qtbot, make_workspace)
    qtbot.wait_until(lambda: len(strip.painted_rows) == 3 and not strip.pending_thumbnails)
    QPixmapCache.clear()
    first = strip.viewport().grab().toImage()  # a paint, now, with nothing decoded
    assert len(strip.pending_thumbnails) == 2  # the file that does not decode was tried once
    block = strip.blocks[0]
    assert first.pixelColor(block.x + block.width // 2, STRIP_HEIGHT // 3) != QColor(
        REFERENCE_COLORS[0]
    )
    qtbot.wait_until(lambda: not strip.pending_thumbnails)
    picture = strip.viewport().grab().toImage()
    y = STRIP_HEIGHT // 3
    for block, color in zip(strip.blocks[:2], REFERENCE_COLORS[:2], strict=True):
        assert picture.pixelColor(block.x + block.width // 2, y) == QColor(color)
    # The file that does not decode stays a placeholder and is not tried on each paint.
    strip.viewport().grab()
    assert strip.pending_thumbnails == {}
