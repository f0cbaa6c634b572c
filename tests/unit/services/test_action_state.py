"""`action_state`: each Video tab action's enablement and the reason shown when it is off."""

from __future__ import annotations

from imageai.services.action_state import Action, ActionInputs, action_state


def inputs(**changes: object) -> ActionInputs:
    base: dict[str, object] = {
        "scene_count": 2,
        "selected": 1,
        "selected_done": 0,
        "busy": False,
        "remix_blocker": "Render the scene first.",
    }
    return ActionInputs(**(base | changes))  # type: ignore[arg-type]


def test_an_empty_project_offers_no_render_and_says_why() -> None:
    state = action_state(inputs(scene_count=0, selected=0))
    assert state[Action.RENDER_ALL] == (False, "Add a scene first: there is nothing to render.")
    assert not state[Action.RENDER_SELECTED][0] and "Select" in state[Action.RENDER_SELECTED][1]
    assert not state[Action.CANCEL][0]


def test_render_again_needs_a_done_scene_in_the_selection() -> None:
    assert not action_state(inputs())[Action.RENDER_AGAIN][0]
    assert action_state(inputs(selected=2, selected_done=1))[Action.RENDER_AGAIN][0]


def test_remix_carries_the_services_reason_and_needs_exactly_one_scene() -> None:
    assert action_state(inputs())[Action.REMIX] == (False, "Render the scene first.")
    assert action_state(inputs(remix_blocker=None))[Action.REMIX][0]
    two = action_state(inputs(selected=2, remix_blocker=None))[Action.REMIX]
    assert two == (False, "Select one rendered scene to remix.")


def test_preview_wants_one_scene_and_cancel_a_running_job() -> None:
    assert not action_state(inputs(selected=2))[Action.PREVIEW][0]
    assert action_state(inputs(busy=True))[Action.CANCEL][0]
    assert set(action_state(inputs())) == set(Action)
