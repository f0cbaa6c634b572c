"""The embedded player and the timeline: the selected take with a poster and a seek bar, frame
steps at the clip's own rate, "Play cut" from clip to clip, and blocks that select scenes."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtMultimedia import QMediaPlayer

from imageai.core.media import probe
from imageai.core.models import Project, Scene
from imageai.gui.video.timeline_strip import PX_PER_SECOND
from imageai.gui.video.workspace_panel import VideoWorkspacePanel
from tests.gui.conftest import wait_threads_done

if TYPE_CHECKING:
    from collections.abc import Callable

    from pytestqt.qtbot import QtBot

    from imageai.services.video_workspace import VideoWorkspace

pytestmark = pytest.mark.qt_log_ignore("PulseAudioService", "does not support propagateSizeHints")
END = QMediaPlayer.MediaStatus.EndOfMedia


def _panel(qtbot: QtBot, ws: VideoWorkspace) -> VideoWorkspacePanel:
    panel = VideoWorkspacePanel(ws)
    qtbot.add_widget(panel)
    panel.resize(1200, 900)
    return panel


def _render(qtbot: QtBot, ws: VideoWorkspace, ids: list[str] | None = None) -> None:
    with qtbot.wait_signal(ws.render_finished, timeout=60_000):
        ws.render(ids)
    wait_threads_done(qtbot)


def test_the_selected_take_shows_its_thumbnail_and_a_seek_bar_before_play(
    qtbot: QtBot, make_workspace: Callable[..., VideoWorkspace]
) -> None:
    ws = make_workspace(scenes=2)
    _render(qtbot, ws)
    panel = _panel(qtbot, ws)
    scene = ws.document.project.scenes[1]
    panel.storyboard_view.select_ids([scene.id])
    player = panel.viewer.player
    media = player.media_player()
    assert media is not None
    assert media.source().toLocalFile() == str(ws.rendered_clip(scene.id))
    assert player.showing_poster()  # the thumbnail, never a black box
    assert player.poster.pixmap() is not None and not player.poster.pixmap().isNull()
    assert player.slider.isEnabled() and player.play_button.isEnabled()
    media.durationChanged.emit(1000)
    media.positionChanged.emit(250)
    assert (player.slider.maximum(), player.slider.value()) == (1000, 250)
    assert player.time_label.text() == "0:00.25 / 0:01.00"


def test_a_scene_without_a_take_says_so_and_cannot_play(
    qtbot: QtBot, make_workspace: Callable[..., VideoWorkspace]
) -> None:
    ws = make_workspace(scenes=2)
    panel = _panel(qtbot, ws)
    panel.storyboard_view.select_ids([ws.document.project.scenes[0].id])
    player = panel.viewer.player
    assert player.clip is None
    assert "has no take yet" in player.poster.text()
    assert not player.play_button.isEnabled()
    assert not player.slider.isEnabled()


def test_frame_steps_use_the_clips_own_frame_rate(
    qtbot: QtBot, make_workspace: Callable[..., VideoWorkspace]
) -> None:
    ws = make_workspace(scenes=1)
    _render(qtbot, ws)
    panel = _panel(qtbot, ws)
    scene_id = ws.document.project.scenes[0].id
    clip = ws.rendered_clip(scene_id)
    assert clip is not None
    player = panel.viewer.player
    with qtbot.wait_signal(player.probe.probed, timeout=30_000):
        panel.storyboard_view.select_ids([scene_id])
    fps = probe(clip).fps
    assert fps > 0 and player.fps == fps
    assert player.frame_ms() == pytest.approx(1000 / fps)


def test_play_cut_goes_from_take_to_take_and_skips_scenes_without_one(
    qtbot: QtBot, make_workspace: Callable[..., VideoWorkspace]
) -> None:
    ws = make_workspace(scenes=3)
    first, _second, third = (s.id for s in ws.document.project.scenes)
    _render(qtbot, ws, [first, third])
    panel = _panel(qtbot, ws)
    viewer, player = panel.viewer, panel.viewer.player
    media = player.media_player()
    assert media is not None
    started: list[tuple[str, int]] = []
    player.cut_scene_started.connect(lambda sid, row: started.append((sid, row)))
    player.cut_button.click()
    assert media.source().toLocalFile() == str(ws.rendered_clip(first))
    assert panel.selected_ids() == [first]  # the storyboard highlights the playing scene
    assert viewer.timeline.playhead == (0, 0.0)
    media.durationChanged.emit(1000)
    media.positionChanged.emit(500)
    assert viewer.timeline.playhead == (0, 0.5)
    media.mediaStatusChanged.emit(END)
    assert media.source().toLocalFile() == str(ws.rendered_clip(third))
    assert panel.selected_ids() == [third]
    assert player.note.text() == "Skipped (no take yet): scene 2"
    assert started == [(first, 0), (third, 2)]
    with qtbot.wait_signal(player.cut_finished):
        media.mediaStatusChanged.emit(END)
    assert viewer.timeline.playhead is None
    assert player.playlist is None


def test_selecting_another_scene_stops_the_cut(
    qtbot: QtBot, make_workspace: Callable[..., VideoWorkspace]
) -> None:
    ws = make_workspace(scenes=2)
    _render(qtbot, ws)
    panel = _panel(qtbot, ws)
    _first, second = (s.id for s in ws.document.project.scenes)
    panel.viewer.player.cut_button.click()
    with qtbot.wait_signal(panel.viewer.player.cut_finished):
        panel.storyboard_view.select_ids([second])
    assert panel.viewer.player.clip == ws.rendered_clip(second)


def test_the_timeline_paints_only_what_is_in_view_and_a_click_selects(
    qtbot: QtBot, make_workspace: Callable[..., VideoWorkspace]
) -> None:
    ws = make_workspace()
    project = Project(scenes=tuple(Scene(duration=2 + i % 3) for i in range(500)))
    ws.document.replace(project, ws.document.folder)
    panel = _panel(qtbot, ws)
    panel.show()
    qtbot.wait_exposed(panel)
    timeline = panel.viewer.timeline
    assert len(timeline.blocks) == 500
    widths = [b.width for b in timeline.blocks[:3]]
    assert widths == [2 * PX_PER_SECOND, 3 * PX_PER_SECOND, 4 * PX_PER_SECOND]
    qtbot.wait_until(lambda: len(timeline.painted_rows) > 0)
    assert timeline.painted_rows.start == 0 and len(timeline.painted_rows) < 40
    timeline.horizontalScrollBar().setValue(timeline.horizontalScrollBar().maximum())
    qtbot.wait_until(lambda: timeline.painted_rows.stop == 500)
    assert len(timeline.painted_rows) < 40
    timeline.horizontalScrollBar().setValue(0)
    block = timeline.blocks[2]
    qtbot.mouseClick(timeline.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(block.x + 5, 30))
    scene_ids = [s.id for s in ws.document.project.scenes]
    assert panel.selected_ids() == [scene_ids[2]]  # the storyboard's own selection
    qtbot.mouseClick(
        timeline.viewport(),
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.ControlModifier,
        QPoint(timeline.blocks[0].x + 5, 30),
    )
    assert panel.selected_ids() == [scene_ids[0], scene_ids[2]]
