"""The Video tab's Add scene, Undo and Redo take their state from `action_state`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from imageai.gui.video.undo_actions import undo_inputs
from imageai.gui.video.workspace_panel import VideoWorkspacePanel
from imageai.services.action_state import Action, ActionInputs, action_state

if TYPE_CHECKING:
    from collections.abc import Callable

    from PySide6.QtGui import QAction
    from pytestqt.qtbot import QtBot

    from imageai.services.video_workspace import VideoWorkspace


def _shown(action: QAction) -> tuple[bool, str]:
    return (action.isEnabled(), action.toolTip())


def _declared(
    ws: VideoWorkspace, selected: int, add_after: int | None
) -> dict[Action, tuple[bool, str]]:
    project = ws.document.project
    return action_state(
        ActionInputs(
            scene_count=len(project.scenes),
            selected=selected,
            selected_done=0,
            busy=False,
            remix_blocker=None,
            undo=undo_inputs(ws.editor.undo_stack),
            add_after=add_after,
        )
    )


def test_add_undo_and_redo_follow_action_state(
    qtbot: QtBot, make_workspace: Callable[..., VideoWorkspace]
) -> None:
    ws = make_workspace(scenes=2)
    ws.editor.undo_stack.clear()
    panel = VideoWorkspacePanel(ws)
    qtbot.add_widget(panel)
    assert _shown(panel.undo_action) == (False, "Nothing to undo")
    assert _shown(panel.add_action) == (True, "Add a scene at the end (Ctrl+Shift+N)")

    first = ws.document.project.scenes[0].id
    panel.storyboard_view.select_ids([first])
    panel.add_action.trigger()
    declared = _declared(ws, 1, 2)
    assert ws.editor.undo_stack.canUndo()
    assert _shown(panel.undo_action) == declared[Action.UNDO]
    assert panel.undo_action.toolTip().startswith("Undo ")
    assert _shown(panel.redo_action) == (False, "Nothing to redo")

    panel.undo_action.trigger()
    assert len(ws.document.project.scenes) == 2
    assert _shown(panel.redo_action) == _declared(ws, 0, None)[Action.REDO]
    assert panel.redo_action.isEnabled()

    panel.storyboard_view.select_ids([ws.document.project.scenes[1].id])
    assert _shown(panel.add_action) == (True, "Add a scene after scene 2 (Ctrl+Shift+N)")
