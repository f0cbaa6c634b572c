"""Storyboard cards never decode a picture inside their paint: the decoder's thread does."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

import pytest
from PySide6.QtGui import QColor

from imageai.gui.deferred_thumbnails import shared_decoder
from imageai.gui.video.storyboard_view import StoryboardView
from tests.gui.conftest import REFERENCE_COLORS, give_references, record_decode_threads

if TYPE_CHECKING:
    from collections.abc import Callable

    from pytestqt.qtbot import QtBot

    from imageai.services.video_workspace import VideoWorkspace

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


def _cards_with_references(
    qtbot: QtBot, make_workspace: Callable[..., VideoWorkspace]
) -> StoryboardView:
    ws = make_workspace(scenes=3)
    give_references(ws, (320, 180), "card")
    view = StoryboardView()
    qtbot.add_widget(view)
    view.setModel(ws.storyboard)
    view.resize(420, 400)
    return view


def _thumb_color(view: StoryboardView, row: int) -> QColor:
    rect = view.visualRect(view.model().index(row, 0))
    # The thumbnail sits at the card's left, vertically centred (card_rects).
    return view.viewport().grab().toImage().pixelColor(rect.left() + 40, rect.center().y())


def test_a_card_paint_decodes_nothing_and_the_picture_follows(
    qtbot: QtBot, make_workspace: Callable[..., VideoWorkspace], monkeypatch: pytest.MonkeyPatch
) -> None:
    view = _cards_with_references(qtbot, make_workspace)
    decoded_on = record_decode_threads(monkeypatch)
    decoder = shared_decoder()
    view.show()
    qtbot.wait_exposed(view)
    first = _thumb_color(view, 0)  # painted before any decode was delivered
    assert first != QColor(REFERENCE_COLORS[0])
    qtbot.wait_until(lambda: not decoder.pending, timeout=5000)
    qtbot.wait_until(lambda: _thumb_color(view, 0) == QColor(REFERENCE_COLORS[0]), timeout=5000)
    assert _thumb_color(view, 1) == QColor(REFERENCE_COLORS[1])
    assert decoded_on and threading.current_thread().name not in decoded_on
    # The file that does not decode is tried once, not on every paint.
    tries = len(decoded_on)
    view.viewport().grab()
    view.viewport().grab()
    decoder.wait()
    assert len(decoded_on) == tries
