"""`action_state` declares Add scene, Undo and Redo too, each with the tooltip it shows."""

from __future__ import annotations

from imageai.services.action_state import (
    Action,
    ActionInputs,
    UndoInputs,
    action_state,
    undo_state,
)


def inputs(**changes: object) -> ActionInputs:
    base: dict[str, object] = {
        "scene_count": 2,
        "selected": 0,
        "selected_done": 0,
        "busy": False,
        "remix_blocker": None,
    }
    return ActionInputs(**(base | changes))  # type: ignore[arg-type]


def test_undo_and_redo_follow_the_stack_and_say_what_they_would_do() -> None:
    empty = action_state(inputs())
    assert empty[Action.UNDO] == (False, "Nothing to undo")
    assert empty[Action.REDO] == (False, "Nothing to redo")
    undo = UndoInputs(can_undo=True, undo_text="Edit prompt", can_redo=True, redo_text="Add scene")
    state = action_state(inputs(undo=undo))
    assert state[Action.UNDO] == (True, "Undo Edit prompt")
    assert state[Action.REDO] == (True, "Redo Add scene")
    # A command without a text still undoes: the tooltip says just "Undo".
    assert undo_state(UndoInputs(can_undo=True))[Action.UNDO] == (True, "Undo")


def test_add_scene_is_always_enabled_and_says_where_the_scene_goes() -> None:
    assert action_state(inputs(scene_count=0))[Action.ADD] == (
        True,
        "Add a scene at the end (Ctrl+Shift+N)",
    )
    busy = action_state(inputs(selected=1, add_after=3, busy=True))
    assert busy[Action.ADD] == (True, "Add a scene after scene 3 (Ctrl+Shift+N)")


def test_an_enabled_action_shows_what_it_does_a_disabled_one_why_not() -> None:
    state = action_state(inputs(selected=1))
    assert state[Action.DUPLICATE] == (True, "Duplicate")
    assert state[Action.RENDER_ALL] == (True, "Render all")
    assert state[Action.CANCEL] == (False, "Nothing is rendering.")
    assert set(state) == set(Action)
