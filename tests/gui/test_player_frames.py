"""The embedded player's frames reach the window through `FrameView`, converted off the GUI
thread, and stopping a playing clip never waits on Python code in the player's own threads."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from typing import TYPE_CHECKING

import pytest

from imageai.core.media import ffmpeg_exe
from imageai.gui.video import frame_view
from imageai.gui.video.frame_view import FrameView
from imageai.gui.video.workspace_panel import VideoWorkspacePanel
from tests.gui.conftest import wait_threads_done

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from PySide6.QtCore import QSize
    from PySide6.QtGui import QImage
    from PySide6.QtMultimedia import QVideoFrame
    from pytestqt.qtbot import QtBot

    from imageai.services.video_workspace import VideoWorkspace

pytestmark = pytest.mark.qt_log_ignore(
    "PulseAudioService", "No audio device detected", "does not support propagateSizeHints"
)


def test_a_playing_take_is_painted_from_frames_converted_off_the_gui_thread(
    qtbot: QtBot, make_workspace: Callable[..., VideoWorkspace], monkeypatch: pytest.MonkeyPatch
) -> None:
    threads: list[threading.Thread] = []
    real = frame_view.convert

    def spy(frame: QVideoFrame, bounds: QSize) -> QImage:
        threads.append(threading.current_thread())
        return real(frame, bounds)

    monkeypatch.setattr(frame_view, "convert", spy)
    ws = make_workspace(scenes=1)
    with qtbot.wait_signal(ws.render_finished, timeout=60_000):
        ws.render(None)
    wait_threads_done(qtbot)
    panel = VideoWorkspacePanel(ws)
    qtbot.add_widget(panel)
    panel.resize(1200, 900)
    panel.show()
    qtbot.wait_exposed(panel)
    panel.storyboard_view.select_ids([ws.document.project.scenes[0].id])
    player = panel.viewer.player
    assert isinstance(player.video, FrameView)
    player.toggle_play()
    qtbot.wait_until(lambda: not player.video.image().isNull(), timeout=30_000)
    media = player.media_player()
    assert media is not None
    media.pause()
    assert threads and threading.main_thread() not in threads
    shown = player.video.image().deviceIndependentSize().toSize()
    view = player.video.size()
    # Scaled to the view on the converter thread: it fills one side and keeps the aspect.
    assert shown.width() == view.width() or shown.height() == view.height()
    assert shown.width() <= view.width() and shown.height() <= view.height()


def _test_pattern(folder: Path, size: str, *, fps: int, seconds: int) -> Path:
    """ffmpeg's moving test pattern as an H.264 clip, as a take is."""
    clip = folder / "take.mp4"
    source = f"testsrc=size={size}:rate={fps}:duration={seconds}"
    subprocess.run(
        [ffmpeg_exe(), "-loglevel", "error", "-f", "lavfi", "-i", source,
         "-pix_fmt", "yuv420p", str(clip)],
        check=True, timeout=60,
    )  # fmt: skip
    return clip


#: Plays a clip and stops it mid-playback, again and again, as an artist clicking through
#: takes does; prints how many frames reached the view. A player thread that waited for the
#: GIL while the GUI thread, holding it, waited in stop() for that thread, hangs here.
STOP_WHILE_PLAYING = """
import sys, time
from pathlib import Path
from PySide6.QtWidgets import QApplication
from imageai.app import prepare_qt_environment
prepare_qt_environment()
app = QApplication([])
from imageai.services.emit_refcount import keep_singletons_alive
keep_singletons_alive()  # as the app's main() does
from imageai.gui.video.player_widget import PlayerWidget
player = PlayerWidget(use_multimedia=True)
player.resize(640, 480)
player.show()
clip = Path(sys.argv[1])
frames = 0
for _ in range(12):
    player.show_clip("scene", clip, None)
    player.toggle_play()
    end = time.monotonic() + 0.15
    while time.monotonic() < end:
        app.processEvents()
        frames += not player.video.image().isNull()
    player.media_player().stop()
player.show_clip(None, None, None)
print(frames)
"""


def test_stopping_a_playing_clip_again_and_again_never_hangs(tmp_path: Path) -> None:
    clip = _test_pattern(tmp_path, "1280x720", fps=30, seconds=3)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", QT_LOGGING_RULES="qt.multimedia.*=false")
    done = subprocess.run(
        [sys.executable, "-c", STOP_WHILE_PLAYING, str(clip)],
        env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    assert int(done.stdout) > 0  # frames were shown: the clips really played


def _one_second_clip(folder: Path) -> Path:
    """A 1 s, 24 fps test pattern (a frame every 41.7 ms)."""
    return _test_pattern(folder, "640x360", fps=24, seconds=1)


def test_each_frame_step_paints_the_frame_stepped_to(qtbot: QtBot, tmp_path: Path) -> None:
    from imageai.gui.video.player_widget import PlayerWidget

    clip = _one_second_clip(tmp_path)
    player = PlayerWidget(use_multimedia=True)
    qtbot.add_widget(player)
    player.resize(640, 480)
    player.show()
    qtbot.wait_exposed(player)
    player.show_clip("scene", clip, None)
    media = player.media_player()
    assert media is not None
    qtbot.wait_until(lambda: media.duration() > 0, timeout=10_000)  # loaded
    shown: list[int] = []
    for step in range(1, 4):
        player.step_forward()
        # The paused player hands the stepped frame to the view, converted off the GUI thread.
        qtbot.wait_until(lambda: media.position() >= step * 41, timeout=10_000)  # noqa: B023
        qtbot.wait_until(
            lambda: (
                not player.video.image().isNull() and player.video.image().cacheKey() not in shown
            ),
            timeout=10_000,
        )
        shown.append(player.video.image().cacheKey())
    assert len(set(shown)) == 3


def test_a_frame_step_pressed_while_the_clip_loads_is_made_once_it_has(
    qtbot: QtBot, tmp_path: Path
) -> None:
    from imageai.gui.video.player_widget import PlayerWidget

    clip = _one_second_clip(tmp_path)
    player = PlayerWidget(use_multimedia=True)
    qtbot.add_widget(player)
    player.show()
    player.show_clip("scene", clip, None)
    media = player.media_player()
    assert media is not None
    # Right arrow twice at once, as the scene is chosen: the clip's length is not known yet.
    player.step_forward()
    player.step_forward()
    qtbot.wait_until(lambda: media.position() >= 2 * 41, timeout=10_000)
    assert media.position() < 3 * 41  # two frames, not more
