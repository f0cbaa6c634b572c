"""Render again (issue 14 loop 1): a done scene renders again as a new take, chosen, undoable."""

from __future__ import annotations

from typing import TYPE_CHECKING

from imageai.core.models import RenderState
from imageai.core.takes import current_take, list_takes
from imageai.gui.video.workspace_panel import VideoWorkspacePanel
from tests.gui.conftest import wait_threads_done

if TYPE_CHECKING:
    from collections.abc import Callable

    from pytestqt.qtbot import QtBot

    from imageai.services.video_workspace import VideoWorkspace


def test_render_again_keeps_both_takes_chooses_the_new_one_and_undo_goes_back(
    qtbot: QtBot, make_workspace: Callable[..., VideoWorkspace]
) -> None:
    ws = make_workspace(scenes=2)  # the real animatic provider
    panel = VideoWorkspacePanel(ws)
    qtbot.add_widget(panel)
    scene_id = ws.document.project.scenes[0].id
    panel.storyboard_view.select_ids([scene_id])
    assert not panel.render_again_action.isEnabled()  # nothing rendered yet
    assert "Select a rendered scene" in panel.render_again_action.toolTip()

    with qtbot.wait_signal(ws.render_finished, timeout=15000):
        panel.render_selected_action.trigger()
    assert ws.document.project.scene(scene_id).state is RenderState.DONE
    assert panel.render_again_action.isEnabled()
    # A plain render of the unchanged, done scene has nothing to do: Render again does.
    assert panel.request_render([scene_id]) == []

    with qtbot.wait_signal(ws.render_finished, timeout=15000) as finished:
        panel.render_again_action.trigger()
    wait_threads_done(qtbot)
    assert finished.args == [1, 0, 0]
    scene = ws.document.project.scene(scene_id)
    takes = list_takes(scene)
    assert len(takes) == 2 and takes[0].clip_path != takes[1].clip_path
    assert current_take(scene) == 2  # the new take is the one the cut uses
    assert ws.document.project.scenes[1].state is not RenderState.DONE  # only the selection

    ws.editor.choose_take(scene_id, 1)
    assert current_take(ws.document.project.scene(scene_id)) == 1
    ws.editor.undo_stack.undo()
    assert current_take(ws.document.project.scene(scene_id)) == 2
    ws.editor.undo_stack.redo()
    assert current_take(ws.document.project.scene(scene_id)) == 1


def test_the_panel_applies_action_state_with_the_reason_as_tooltip(
    qtbot: QtBot, make_workspace: Callable[..., VideoWorkspace]
) -> None:
    ws = make_workspace(scenes=0)
    panel = VideoWorkspacePanel(ws)
    qtbot.add_widget(panel)
    assert not panel.render_all_action.isEnabled()
    assert panel.render_all_action.toolTip() == "Add a scene first: there is nothing to render."
    ws.editor.add_scene(None)
    assert panel.render_all_action.isEnabled()
    assert panel.render_all_action.toolTip() == "Render all"
