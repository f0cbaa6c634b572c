"""`action_state`: whether each Video tab action is enabled, and why not, from the workspace state."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Action(StrEnum):
    """The Video tab's scene and render actions."""

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
class ActionInputs:
    """What enablement depends on: the project, the selection and the runner."""

    scene_count: int
    selected: int
    selected_done: int
    busy: bool
    #: Why the one selected scene cannot be remixed, or None when it can.
    remix_blocker: str | None


SELECT = "Select one or more scenes first."


def action_state(state: ActionInputs) -> dict[Action, tuple[bool, str]]:
    """Each action's (enabled, reason); the reason is the tooltip of a disabled action."""
    has = state.selected > 0
    remix_reason = (
        "Select one rendered scene to remix." if state.selected != 1 else state.remix_blocker
    )
    return {
        Action.DUPLICATE: (has, SELECT),
        Action.DELETE: (has, SELECT),
        Action.RENDER_SELECTED: (has, SELECT),
        Action.RETARGET: (has, SELECT),
        Action.RENDER_ALL: (
            state.scene_count > 0,
            "Add a scene first: there is nothing to render.",
        ),
        Action.RENDER_AGAIN: (
            state.selected_done > 0,
            "Select a rendered scene to render it again.",
        ),
        Action.PREVIEW: (state.selected == 1, "Select one scene to preview."),
        Action.CANCEL: (state.busy, "Nothing is rendering."),
        Action.REMIX: (remix_reason is None, remix_reason or ""),
    }
