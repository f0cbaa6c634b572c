"""Combos bound to state (gui.binding): rebuilt only when their choices change, picks write back."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent, QObject, Signal
from PySide6.QtWidgets import QComboBox, QLineEdit, QWidget

from imageai.core.models import ProviderName, VeoSettings
from imageai.gui.binding import bind, bind_text
from imageai.gui.video.animatic_controls_widget import AnimaticControlsWidget
from imageai.gui.video.veo_controls_widget import VeoControlsWidget

if TYPE_CHECKING:
    from collections.abc import Callable

    from pytestqt.qtbot import QtBot

    from imageai.services.video_workspace import VideoWorkspace

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


class ItemChanges:
    """Counts what a combo's item model went through: rows added or removed, resets."""

    def __init__(self, combo: QComboBox) -> None:
        self.count = 0
        model = combo.model()
        for signal in (model.rowsInserted, model.rowsRemoved, model.modelReset):
            signal.connect(self._on_change)

    def _on_change(self, *_args: object) -> None:
        self.count += 1


class State(QObject):
    """A tiny observable state: a value and the choices offered for it."""

    changed = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.value: Any = "b"
        self.choices: list[tuple[str, Any]] = [("A", "a"), ("B", "b")]
        self.writes: list[Any] = []

    def set(self, value: Any) -> None:
        self.writes.append(value)
        self.value = value
        self.changed.emit()


def test_bound_combo_is_rebuilt_only_when_its_choices_change(qtbot: QtBot) -> None:
    combo = QComboBox()
    qtbot.add_widget(combo)
    state = State()
    bind(combo, state.changed, lambda: state.value, state.set, lambda: state.choices)
    assert combo.currentData() == "b"
    changes = ItemChanges(combo)
    with qtbot.assert_not_emitted(combo.currentIndexChanged):
        state.changed.emit()  # nothing this combo shows changed
    assert changes.count == 0
    state.value = "a"
    state.changed.emit()
    assert changes.count == 0
    assert combo.currentData() == "a"
    state.choices = [("A", "a"), ("C", "c")]
    state.changed.emit()
    assert changes.count > 0
    assert [combo.itemData(i) for i in range(combo.count())] == ["a", "c"]


def test_a_pick_writes_back_and_picking_the_current_item_writes_nothing(qtbot: QtBot) -> None:
    combo = QComboBox()
    qtbot.add_widget(combo)
    state = State()
    bind(combo, state.changed, lambda: state.value, state.set, lambda: state.choices)
    combo.activated.emit(combo.findData("b"))
    assert state.writes == []
    combo.activated.emit(combo.findData("a"))
    assert state.writes == ["a"]
    assert combo.currentData() == "a"


def test_unbound_combo_no_longer_follows_nor_writes(qtbot: QtBot) -> None:
    combo = QComboBox()
    qtbot.add_widget(combo)
    state = State()
    link = bind(combo, state.changed, lambda: state.value, state.set, lambda: state.choices)
    link.unbind()
    state.value = "a"
    state.changed.emit()
    assert combo.currentData() == "b"
    combo.activated.emit(combo.findData("a"))
    assert state.writes == []


def test_a_deleted_widget_s_bindings_stop_following_though_python_still_holds_them(
    qtbot: QtBot,
) -> None:
    # A panel keeps its bindings in attributes: PySide went on calling their slots after Qt
    # deleted the widgets (closing the window mid-render), on dead C++ objects.
    state = State()
    panel = QWidget()
    combo, edit = QComboBox(panel), QLineEdit(panel)
    kept = [
        bind(combo, state.changed, lambda: state.value, state.set, lambda: state.choices),
        bind_text(edit, state.changed, lambda: state.value, state.set, str, lambda _r: None),
    ]
    panel.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
    assert not any(shiboken6.isValid(binding) for binding in kept)

    state.value = "a"
    state.changed.emit()  # pytest-qt fails the test on an exception inside a slot

    assert state.writes == []


def _veo_controls(qtbot: QtBot, ws: VideoWorkspace) -> VeoControlsWidget:
    ws.editor.set_provider(ProviderName.VEO)
    controls = VeoControlsWidget(ws)
    qtbot.add_widget(controls)
    return controls


def test_a_project_change_unrelated_to_the_controls_leaves_their_combos_alone(
    qtbot: QtBot, make_workspace: Callable[..., VideoWorkspace]
) -> None:
    ws = make_workspace(scenes=2)
    controls = _veo_controls(qtbot, ws)
    animatic = AnimaticControlsWidget(ws)
    qtbot.add_widget(animatic)
    combos = [
        controls.backend_combo,
        controls.model_combo,
        controls.aspect_combo,
        controls.resolution_combo,
        controls.seconds_combo,
        controls.person_combo,
        controls.enhance_combo,
        animatic.size_combo,
        animatic.seconds_combo,
    ]
    changes = [ItemChanges(combo) for combo in combos]
    scene_id = ws.document.project.scenes[0].id
    with qtbot.wait_signal(ws.document.project_changed):
        ws.editor.edit_scene(scene_id, prompt="A new prompt for the first shot")
    ws.editor.add_scene()
    assert [c.count for c in changes] == [0] * len(combos)


def test_a_model_with_other_choices_rebuilds_only_the_combos_whose_choices_changed(
    qtbot: QtBot, make_workspace: Callable[..., VideoWorkspace]
) -> None:
    ws = make_workspace(scenes=1)
    controls = _veo_controls(qtbot, ws)
    resolution = ItemChanges(controls.resolution_combo)
    others = [ItemChanges(c) for c in (controls.aspect_combo, controls.seconds_combo)]
    lite = "veo-3.1-lite-generate-001"
    controls.model_combo.activated.emit(controls.model_combo.findData(lite))
    assert resolution.count > 0
    items = [
        controls.resolution_combo.itemData(i) for i in range(controls.resolution_combo.count())
    ]
    assert items == ["720p", "1080p"]
    assert [c.count for c in others] == [0, 0]


def test_a_pick_is_an_undoable_edit_the_combo_follows(
    qtbot: QtBot, make_workspace: Callable[..., VideoWorkspace]
) -> None:
    ws = make_workspace(scenes=1)
    controls = _veo_controls(qtbot, ws)
    before = ws.document.project.settings.for_provider(ProviderName.VEO)
    assert isinstance(before, VeoSettings)
    combo = controls.seconds_combo
    other = 4 if before.seconds != 4 else 6
    combo.activated.emit(combo.findData(other))
    after = ws.document.project.settings.for_provider(ProviderName.VEO)
    assert isinstance(after, VeoSettings)
    assert after.seconds == other
    ws.editor.undo_stack.undo()
    restored = ws.document.project.settings.for_provider(ProviderName.VEO)
    assert isinstance(restored, VeoSettings)
    assert restored.seconds == before.seconds
    assert combo.currentData() == before.seconds
    ws.editor.undo_stack.redo()
    assert combo.currentData() == other
