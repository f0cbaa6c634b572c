"""Gemini Omni's controls are bound (gui.binding): combos and text fields, both ways, in one place."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QComboBox, QLineEdit

from imageai.core.errors import ValidationError
from imageai.core.models import OmniSettings, ProviderName, RenderState, VeoBackend
from imageai.gui.binding import TextBinding, bind, bind_text
from imageai.gui.video.omni_controls_widget import OmniControlsWidget
from imageai.gui.video.provider_selector import ProviderSelectorWidget

if TYPE_CHECKING:
    from collections.abc import Callable

    from pytestqt.qtbot import QtBot

    from imageai.services.video_workspace import VideoWorkspace

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


class Changes(QObject):
    """Counts a combo's rebuilds (rows added, removed, reset) and current-index moves."""

    def __init__(self, combo: QComboBox) -> None:
        super().__init__(combo)
        self.count = 0
        model = combo.model()
        for signal in (model.rowsInserted, model.rowsRemoved, model.modelReset):
            signal.connect(self._on_change)
        combo.currentIndexChanged.connect(self._on_change)

    def _on_change(self, *_args: object) -> None:
        self.count += 1


def _omni(qtbot: QtBot, ws: VideoWorkspace) -> OmniControlsWidget:
    ws.editor.set_provider(ProviderName.OMNI)
    widget = OmniControlsWidget(ws)
    qtbot.add_widget(widget)
    return widget


def _on_vertex(qtbot: QtBot, ws: VideoWorkspace) -> OmniControlsWidget:
    widget = _omni(qtbot, ws)
    combo = widget.backend_combo
    combo.activated.emit(combo.findData(VeoBackend.VERTEX))
    return widget


def _combos(widget: OmniControlsWidget) -> list[QComboBox]:
    return [
        widget.backend_combo,
        widget.model_combo,
        widget.aspect_combo,
        widget.resolution_combo,
        widget.seconds_combo,
    ]


def _edits(widget: OmniControlsWidget) -> list[QLineEdit]:
    return [widget.seed_edit, widget.cloud_project_edit, widget.location_edit, widget.gcs_edit]


def _type(edit: QLineEdit, text: str) -> None:
    edit.setText(text)
    edit.editingFinished.emit()


def _omni_settings(ws: VideoWorkspace) -> OmniSettings:
    return ws.document.project.settings.omni


def test_every_omni_combo_and_field_is_bound(
    qtbot: QtBot, make_workspace: Callable[..., VideoWorkspace]
) -> None:
    widget = _omni(qtbot, make_workspace(scenes=1))
    assert {b.combo for b in widget.bindings} == set(_combos(widget))
    assert {b.edit for b in widget.text_bindings} == set(_edits(widget))


def test_other_scenes_edits_and_renders_leave_the_omni_controls_alone(
    qtbot: QtBot, make_workspace: Callable[..., VideoWorkspace]
) -> None:
    ws = make_workspace(scenes=3)
    widget = _on_vertex(qtbot, ws)
    first, second, _third = (s.id for s in ws.document.project.scenes)
    widget.set_scene(first)
    changes = [Changes(c) for c in _combos(widget)]
    texts: list[str] = []
    for edit in _edits(widget):
        edit.textChanged.connect(texts.append)
    price = widget.price.text()
    ws.editor.edit_scene(second, prompt="Another scene's prompt")
    ws.editor.edit_scene(second, duration=12)  # the storyboard's price changes
    scene = ws.document.project.scene(second)
    ws.document.replace_scene(scene.model_copy(update={"state": RenderState.RENDERING}))
    ws.editor.add_scene()
    assert widget.price.text() != price  # the controls did follow the project
    assert [c.count for c in changes] == [0] * len(changes)
    assert texts == []


def test_the_project_changing_omni_settings_updates_the_controls_without_a_write(
    qtbot: QtBot, make_workspace: Callable[..., VideoWorkspace]
) -> None:
    ws = make_workspace(scenes=1)
    widget = _on_vertex(qtbot, ws)
    stack = ws.editor.undo_stack
    writes = stack.count()
    changes = [Changes(c) for c in _combos(widget)]
    changed = _omni_settings(ws).model_copy(
        update={
            "seconds": 6,
            "aspect": "9:16",
            "seed": 5,
            "vertex_project": "films",
            "gcs_uri": "gs://clips/out",
        }
    )
    ws.editor.set_provider_settings(ProviderName.OMNI, changed)  # e.g. the settings dialog
    assert (widget.seconds_combo.currentData(), widget.aspect_combo.currentData()) == (6, "9:16")
    assert [e.text() for e in _edits(widget)] == ["5", "films", "global", "gs://clips/out"]
    assert [c.count for c in changes] == [0] * len(changes)  # shown with signals blocked
    assert stack.count() == writes + 1  # nothing was written back
    stack.undo()
    assert [e.text() for e in _edits(widget)] == ["", "", "global", ""]
    assert stack.count() == writes + 1 and stack.index() == writes


def test_a_pick_or_a_typed_value_is_one_undoable_edit(
    qtbot: QtBot, make_workspace: Callable[..., VideoWorkspace]
) -> None:
    ws = make_workspace(scenes=1)
    widget = _on_vertex(qtbot, ws)
    stack = ws.editor.undo_stack
    start = stack.count()
    combo = widget.seconds_combo
    before = _omni_settings(ws).seconds
    other = combo.itemData(0) if combo.itemData(0) != before else combo.itemData(1)
    combo.activated.emit(combo.findData(other))
    assert stack.count() == start + 1
    assert _omni_settings(ws).seconds == other
    _type(widget.seed_edit, " 42 ")
    _type(widget.gcs_edit, "gs://bucket/clips ")
    assert stack.count() == start + 3
    assert (_omni_settings(ws).seed, _omni_settings(ws).gcs_uri) == (42, "gs://bucket/clips")
    assert (widget.seed_edit.text(), widget.gcs_edit.text()) == ("42", "gs://bucket/clips")
    stack.undo()
    stack.undo()
    stack.undo()
    assert combo.currentData() == before
    assert (widget.seed_edit.text(), widget.gcs_edit.text()) == ("", "")
    assert stack.count() == start + 3 and stack.index() == start


def test_the_stored_value_again_is_no_edit_and_no_refresh(
    qtbot: QtBot, make_workspace: Callable[..., VideoWorkspace]
) -> None:
    ws = make_workspace(scenes=1)
    widget = _on_vertex(qtbot, ws)
    _type(widget.seed_edit, "7")
    stack = ws.editor.undo_stack
    writes, refreshes = stack.count(), widget.refresh_count
    for combo in _combos(widget):
        combo.activated.emit(combo.currentIndex())
    _type(widget.seed_edit, "7")
    _type(widget.location_edit, " global ")
    _type(widget.gcs_edit, "")
    assert (stack.count(), widget.refresh_count) == (writes, refreshes)
    assert widget.location_edit.text() == "global"


def test_a_refused_text_shows_the_reason_and_the_stored_value_again(
    qtbot: QtBot, make_workspace: Callable[..., VideoWorkspace]
) -> None:
    ws = make_workspace(scenes=1)
    widget = _on_vertex(qtbot, ws)
    _type(widget.seed_edit, "77")
    _type(widget.gcs_edit, "gs://kept")
    writes = ws.editor.undo_stack.count()
    _type(widget.seed_edit, "seven")
    assert widget.notice.text() == "Seed: 'seven' is not a whole number."
    assert widget.seed_edit.text() == "77"
    _type(widget.gcs_edit, "bucket/clips")
    assert "starts with gs://" in widget.notice.text()
    assert widget.gcs_edit.text() == "gs://kept"
    assert ws.editor.undo_stack.count() == writes
    assert (_omni_settings(ws).seed, _omni_settings(ws).gcs_uri) == (77, "gs://kept")


def test_selecting_a_scene_refreshes_only_shown_omni_controls_and_only_once(
    qtbot: QtBot, make_workspace: Callable[..., VideoWorkspace]
) -> None:
    ws = make_workspace(scenes=2)
    selector = ProviderSelectorWidget(ws)
    qtbot.add_widget(selector)
    omni = selector.controls[ProviderName.OMNI]
    assert isinstance(omni, OmniControlsWidget)
    first, second = (s.id for s in ws.document.project.scenes)
    refreshes = omni.refresh_count
    selector.set_scene(first)  # the animatic's page is shown: Omni's waits
    selector.set_scene(second)
    assert omni.refresh_count == refreshes
    ws.editor.set_provider(ProviderName.OMNI)  # shown now: brought up to date once
    assert omni.refresh_count == refreshes + 1
    selector.set_scene(second)  # the same scene again shows the same
    assert omni.refresh_count == refreshes + 1
    selector.set_scene(first)
    assert omni.refresh_count == refreshes + 2


class State(QObject):
    changed = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.value: Any = 3
        self.writes: list[Any] = []
        self.refusals: list[str] = []

    def set(self, value: Any) -> None:
        self.writes.append(value)
        self.value = value
        self.changed.emit()


def _count(text: str) -> int:
    if not text.strip().isdigit():
        raise ValidationError("count", f"{text.strip()!r} is not a count")
    return int(text)


def test_a_text_binding_never_overwrites_typing_and_writes_once(qtbot: QtBot) -> None:
    edit = QLineEdit()
    qtbot.add_widget(edit)
    state = State()
    link = bind_text(
        edit, state.changed, lambda: state.value, state.set, _count, state.refusals.append
    )
    assert isinstance(link, TextBinding) and edit.text() == "3"
    edit.show()
    qtbot.wait_exposed(edit)
    edit.setFocus()
    qtbot.wait_until(edit.hasFocus)
    edit.setText("12")  # typing, not finished
    state.value = 4
    state.changed.emit()
    assert edit.text() == "12"
    edit.editingFinished.emit()
    assert state.writes == [12] and edit.text() == "12"
    _type(edit, " 12 ")  # the stored value again: no write, shown as stored
    assert state.writes == [12] and edit.text() == "12"
    _type(edit, "many")
    assert state.refusals == ["'many' is not a count"] and edit.text() == "12"
    edit.clearFocus()
    state.value = 5
    state.changed.emit()
    assert edit.text() == "5"


def test_a_text_binding_goes_with_its_edit(qtbot: QtBot) -> None:
    """No unbinding to do: the binding is the edit's child, so a deleted edit's binding is
    gone and the state's signal no longer reaches it."""
    edit = QLineEdit()
    state = State()
    reads: list[int] = []

    def value() -> Any:
        reads.append(1)
        return state.value

    bind_text(edit, state.changed, value, state.set, _count, state.refusals.append)
    assert reads == [1]
    with qtbot.wait_signal(edit.destroyed):
        edit.deleteLater()
    state.changed.emit()
    assert reads == [1]


def test_a_pick_the_state_does_not_take_shows_the_stored_value_again(qtbot: QtBot) -> None:
    combo = QComboBox()
    qtbot.add_widget(combo)
    state = State()
    refused: list[Any] = []
    bind(combo, state.changed, lambda: state.value, refused.append, lambda: [("3", 3), ("4", 4)])
    combo.setCurrentIndex(combo.findData(4))  # what a user's pick does before activated
    combo.activated.emit(combo.currentIndex())
    assert refused == [4]
    assert combo.currentData() == 3
