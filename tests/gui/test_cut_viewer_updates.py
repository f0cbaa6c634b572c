"""A project change looks up the selected scene's take alone, not the whole cut's."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from imageai.gui.video import cut_viewer
from imageai.gui.video.cut_viewer import CutViewer
from imageai.gui.video.storyboard_view import StoryboardView
from imageai.services.cut_playlist import cut_entries

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from pytestqt.qtbot import QtBot

    from imageai.core.models import Project
    from imageai.services.cut_playlist import CutEntry
    from imageai.services.video_workspace import VideoWorkspace

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


def test_a_job_event_resolves_only_the_selected_scene(
    qtbot: QtBot, make_workspace: Callable[..., VideoWorkspace], monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = make_workspace(scenes=40)
    view = StoryboardView()
    qtbot.add_widget(view)
    view.setModel(ws.storyboard)
    viewer = CutViewer(ws, view, use_multimedia=False)
    qtbot.add_widget(viewer)
    scenes = ws.document.project.scenes
    view.select_ids([scenes[7].id])
    sizes: list[int] = []

    def counting(project: Project, folder: Path | None) -> list[CutEntry]:
        sizes.append(len(project.scenes))
        return cut_entries(project, folder)

    monkeypatch.setattr(cut_viewer, "cut_entries", counting)
    ws.document.replace_scene(scenes[3].model_copy(update={"prompt": "changed"}), dirty=False)
    assert sizes == [1]
    entry = viewer._selected_entry()
    assert entry is not None and entry.row == 7 and entry.scene_id == scenes[7].id
    assert viewer.play_cut() is False  # no takes yet; the whole cut is still read for Play cut
    assert sizes[-1] == 40
