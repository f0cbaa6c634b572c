"""`action_state`: whether each Video tab action is enabled, and its tooltip, from the workspace state."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Action(StrEnum):
    """The Video tab's edit, scene and render actions."""

    ADD = "add"
    UNDO = "undo"
    REDO = "redo"
    DUPLICATE = "duplicate"
    DELETE = "delete"
    RENDER_SELECTED = "render_selected"
    RENDER_ALL = "render_all"
    RENDER_AGAIN = "render_again"
    CANCEL = "cancel"
    PREVIEW = "preview"
    RETARGET = "retarget"
    REMIX = "remix"


@dataclass(frozen=True, slots=True)
class UndoInputs:
    """The undo stack as the actions see it (`QUndoStack` canUndo/undoText, canRedo/redoText)."""

    can_undo: bool = False
    undo_text: str = ""
    can_redo: bool = False
    redo_text: str = ""


@dataclass(frozen=True, slots=True)
class ActionInputs:
    """What enablement depends on: the project, the selection, the runner and the undo stack."""

    scene_count: int
    selected: int
    selected_done: int
    busy: bool
    #: Why the one selected scene cannot be remixed, or None when it can.
    remix_blocker: str | None
    undo: UndoInputs = field(default_factory=UndoInputs)
    #: The number (1-based) of the last selected scene: a new scene goes after it (None: at
    #: the end).
    add_after: int | None = None


SELECT = "Select one or more scenes first."
ADD_SHORTCUT = "Ctrl+Shift+N"


def _on(enabled: bool, tip: str, reason: str) -> tuple[bool, str]:
    return (enabled, tip if enabled else reason)


def undo_state(undo: UndoInputs) -> dict[Action, tuple[bool, str]]:
    """Undo and Redo: enabled when the stack can, the tooltip says what they would do."""
    return {
        Action.UNDO: _on(undo.can_undo, f"Undo {undo.undo_text}".rstrip(), "Nothing to undo"),
        Action.REDO: _on(undo.can_redo, f"Redo {undo.redo_text}".rstrip(), "Nothing to redo"),
    }


def action_state(state: ActionInputs) -> dict[Action, tuple[bool, str]]:
    """Each action's (enabled, tooltip): what it does when enabled, why not when disabled.

    Add scene is always enabled (a scene can be added while renders run: they render by
    scene id); its tooltip says where the new scene goes."""
    has = state.selected > 0
    remix_reason = (
        "Select one rendered scene to remix." if state.selected != 1 else state.remix_blocker
    )
    where = "at the end" if state.add_after is None else f"after scene {state.add_after}"
    return {
        Action.ADD: (True, f"Add a scene {where} ({ADD_SHORTCUT})"),
        **undo_state(state.undo),
        Action.DUPLICATE: _on(has, "Duplicate", SELECT),
        Action.DELETE: _on(has, "Delete", SELECT),
        Action.RENDER_SELECTED: _on(has, "Render selected", SELECT),
        Action.RETARGET: _on(has, "Retarget…", SELECT),
        Action.RENDER_ALL: _on(
            state.scene_count > 0, "Render all", "Add a scene first: there is nothing to render."
        ),
        Action.RENDER_AGAIN: _on(
            state.selected_done > 0,
            "Render the selected done scenes again as new takes (cost shown first)",
            "Select a rendered scene to render it again.",
        ),
        Action.PREVIEW: _on(state.selected == 1, "Preview", "Select one scene to preview."),
        Action.CANCEL: _on(state.busy, "Cancel every running render", "Nothing is rendering."),
        Action.REMIX: _on(
            remix_reason is None,
            "Variations of this scene's video from a change prompt, kept as takes",
            remix_reason or "",
        ),
    }
