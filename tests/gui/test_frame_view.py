"""The player's picture: frames converted and scaled off the GUI thread, latest frame first."""

from __future__ import annotations

import gc
import threading
import weakref
from typing import TYPE_CHECKING

import pytest
import shiboken6
from PySide6.QtCore import QEvent, QSize
from PySide6.QtGui import QColor, QImage
from PySide6.QtMultimedia import QVideoFrame
from PySide6.QtWidgets import QApplication

from imageai.gui.video import frame_view
from imageai.gui.video.frame_view import DISPLAY_FORMAT, FrameView, converter_pool

if TYPE_CHECKING:
    from collections.abc import Iterator

    from pytestqt.qtbot import QtBot


def _frame(color: str) -> QVideoFrame:
    image = QImage(1280, 720, QImage.Format.Format_RGB32)
    image.fill(QColor(color))
    return QVideoFrame(image)


class Converter:
    """Wraps `frame_view.convert`: records each call's thread and frame colour, and can hold
    a conversion until the test lets it go."""

    def __init__(self) -> None:
        self.threads: list[threading.Thread] = []
        self.colors: list[str] = []
        self.gate = threading.Event()
        self.gate.set()
        self.entered = threading.Event()
        self._real = frame_view.convert

    def __call__(self, frame: QVideoFrame, bounds: QSize) -> QImage:
        self.threads.append(threading.current_thread())
        self.colors.append(frame.toImage().pixelColor(0, 0).name())
        self.entered.set()
        assert self.gate.wait(10)
        return self._real(frame, bounds)


@pytest.fixture
def converter(monkeypatch: pytest.MonkeyPatch) -> Iterator[Converter]:
    spy = Converter()
    monkeypatch.setattr(frame_view, "convert", spy)
    yield spy
    spy.gate.set()
    converter_pool().waitForDone(10_000)


@pytest.fixture
def view(qtbot: QtBot) -> FrameView:
    shown = FrameView()
    qtbot.add_widget(shown)
    shown.resize(320, 240)
    shown.show()
    qtbot.wait_exposed(shown)
    return shown


def _hold_a_conversion(qtbot: QtBot, view: FrameView, converter: Converter) -> None:
    """A red frame sent and its conversion started, held until ``converter.gate`` is set."""
    converter.gate.clear()
    view.sink.setVideoFrame(_frame("#ff0000"))
    qtbot.wait_until(converter.entered.is_set)


def _color(image: QImage) -> str:
    return image.pixelColor(image.width() // 2, image.height() // 2).name()


def test_a_frame_is_converted_off_the_gui_thread_to_fit_the_view(
    qtbot: QtBot, view: FrameView, converter: Converter
) -> None:
    view.sink.setVideoFrame(_frame("#ff0000"))
    qtbot.wait_until(lambda: not view.image().isNull())
    assert converter.threads and threading.main_thread() not in converter.threads
    image = view.image()
    # 1280x720 into 320x240: the width fits, the aspect is kept, painted 1:1 as converted.
    assert image.deviceIndependentSize().toSize() == QSize(320, 180)
    assert image.format() == DISPLAY_FORMAT
    assert _color(image) == "#ff0000"
    painted = view.grab().toImage()
    assert _color(painted) == "#ff0000"
    assert painted.pixelColor(160, 5).name() == "#000000"  # letterboxed above the picture


def test_frames_arriving_during_a_conversion_replace_each_other(
    qtbot: QtBot, view: FrameView, converter: Converter
) -> None:
    _hold_a_conversion(qtbot, view, converter)
    for color in ("#00ff00", "#0000ff", "#ffff00"):
        view.sink.setVideoFrame(_frame(color))
    QApplication.processEvents()
    converter.gate.set()
    qtbot.wait_until(lambda: converter.colors[-1:] == ["#ffff00"])
    converter_pool().waitForDone(10_000)
    QApplication.processEvents()
    # A slow machine drops the frames it could not show; it never queues them.
    assert converter.colors == ["#ff0000", "#ffff00"]
    assert _color(view.image()) == "#ffff00"


def test_a_conversion_begun_for_the_clip_before_is_not_shown(
    qtbot: QtBot, view: FrameView, converter: Converter
) -> None:
    _hold_a_conversion(qtbot, view, converter)
    view.clear()  # another clip is loading
    converter.gate.set()
    converter_pool().waitForDone(10_000)
    qtbot.wait(20)
    assert view.image().isNull()
    view.sink.setVideoFrame(_frame("#00ff00"))
    qtbot.wait_until(lambda: not view.image().isNull())
    assert _color(view.image()) == "#00ff00"


def test_a_stopped_player_leaves_black_not_its_last_frame(
    qtbot: QtBot, view: FrameView, converter: Converter
) -> None:
    view.sink.setVideoFrame(_frame("#ff0000"))
    qtbot.wait_until(lambda: not view.image().isNull())
    view.sink.setVideoFrame(QVideoFrame())  # what the sink is given when the player stops
    qtbot.wait_until(lambda: view.image().isNull())
    assert _color(view.grab().toImage()) == "#000000"


def test_a_paused_frame_is_converted_again_at_the_views_new_size(
    qtbot: QtBot, view: FrameView, converter: Converter
) -> None:
    view.sink.setVideoFrame(_frame("#ff0000"))
    qtbot.wait_until(lambda: not view.image().isNull())
    view.resize(640, 480)  # no next frame comes: the player is paused
    qtbot.wait_until(lambda: view.image().deviceIndependentSize().toSize() == QSize(640, 360))
    assert converter.colors == ["#ff0000", "#ff0000"]


def test_a_move_to_a_screen_of_another_pixel_ratio_converts_the_paused_frame_again(
    qtbot: QtBot, view: FrameView, converter: Converter
) -> None:
    view.sink.setVideoFrame(_frame("#ff0000"))
    qtbot.wait_until(lambda: not view.image().isNull())
    QApplication.sendEvent(view, QEvent(QEvent.Type.DevicePixelRatioChange))
    qtbot.wait_until(lambda: len(converter.colors) == 2)


def test_the_converter_sets_the_pixel_ratio_before_the_gui_thread_gets_the_image(
    qtbot: QtBot,
) -> None:
    got: list[QImage] = []
    frame_view._relay().converted.connect(lambda _token, _gen, image: got.append(image))
    frame_view._convert_and_send(_frame("#ff0000"), 2.0, QSize(320, 240), 0, 0)
    qtbot.wait_until(lambda: bool(got))
    # A HiDPI screen: 640x360 device pixels for 320x180 of the view. Set on the GUI thread,
    # where the image is shared, it copied every frame (5 ms for 1080p).
    assert got[0].size() == QSize(640, 360)
    assert got[0].devicePixelRatio() == 2.0
    assert got[0].deviceIndependentSize().toSize() == QSize(320, 180)


def test_a_hidden_view_converts_only_its_latest_frame_once_shown(
    qtbot: QtBot, converter: Converter
) -> None:
    hidden = FrameView()
    qtbot.add_widget(hidden)
    hidden.resize(160, 90)
    for color in ("#ff0000", "#00ff00"):
        hidden.sink.setVideoFrame(_frame(color))
    qtbot.wait(20)
    assert converter.colors == []  # nothing is converted for a view no one sees
    hidden.show()
    qtbot.wait_until(lambda: not hidden.image().isNull())
    assert converter.colors == ["#00ff00"]


def test_a_view_closed_and_forgotten_mid_conversion_leaves_nothing_behind(
    qtbot: QtBot, converter: Converter
) -> None:
    closing = FrameView()
    closing.resize(160, 90)
    closing.show()
    qtbot.wait_exposed(closing)
    _hold_a_conversion(qtbot, closing, converter)
    gone = weakref.ref(closing)
    closing.deleteLater()
    del closing
    qtbot.wait_until(lambda: gone() is None or not shiboken6.isValid(gone()))
    gc.collect()
    # The conversion in flight holds no part of the view: it cannot delete the view's
    # objects on the converter thread, nor run a slot on the deleted view.
    assert gone() is None
    converter.gate.set()
    assert converter_pool().waitForDone(10_000)
    qtbot.wait(20)  # a slot run on the deleted view would raise here (pytest-qt reports it)
    assert shiboken6.isValid(frame_view._relay())
