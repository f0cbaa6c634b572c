"""The scene editor's Duration and Provider combos and the project's provider combo are bound."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from PySide6.QtCore import QObject

from imageai.core.models import ProviderName, RenderState
from imageai.gui.binding import ComboBinding
from imageai.gui.video.inspector_project import ProjectTabWidget
from imageai.gui.video.provider_selector import ProviderSelectorWidget
from imageai.gui.video.scene_editor import SceneEditorPanel

if TYPE_CHECKING:
    from collections.abc import Callable

    from PySide6.QtWidgets import QComboBox
    from pytestqt.qtbot import QtBot

    from imageai.services.video_workspace import VideoWorkspace

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


class ComboChanges(QObject):
    """Everything a combo went through that a rebuild or a re-selection shows: rows added or
    removed, resets, items' data changed, and the current index moved."""

    def __init__(self, combo: QComboBox) -> None:
        super().__init__(combo)
        self.items = 0
        self.index = 0
        model = combo.model()
        for signal in (model.rowsInserted, model.rowsRemoved, model.modelReset, model.dataChanged):
            signal.connect(self._on_items)
        combo.currentIndexChanged.connect(self._on_index)

    def _on_items(self, *_args: object) -> None:
        self.items += 1

    def _on_index(self, *_args: object) -> None:
        self.index += 1

    def counts(self) -> tuple[int, int]:
        return self.items, self.index


def _editor(qtbot: QtBot, ws: VideoWorkspace, row: int = 0) -> SceneEditorPanel:
    editor = SceneEditorPanel(ws)
    qtbot.add_widget(editor)
    editor.set_scene(ws.document.project.scenes[row].id)
    return editor


def _render_events(ws: VideoWorkspace, scene_id: str) -> None:
    """What a render of ``scene_id`` writes: its state, job, clip and bill (nothing shown here)."""
    scene = ws.document.project.scene(scene_id)
    ws.document.replace_scene(
        scene.model_copy(update={"state": RenderState.RENDERING, "job_id": "job-1"})
    )
    ws.document.replace_scene(
        ws.document.project.scene(scene_id).model_copy(
            update={"state": RenderState.DONE, "billed_usd": 0.4, "clip_path": "clips/a.mp4"}
        )
    )


def _items(combo: QComboBox) -> list[object]:
    return [combo.itemData(i) for i in range(combo.count())]


def test_the_scene_combos_are_bound(
    qtbot: QtBot, make_workspace: Callable[..., VideoWorkspace]
) -> None:
    ws = make_workspace(scenes=1)
    editor = _editor(qtbot, ws)
    bound = {b.combo for b in editor.bindings if isinstance(b, ComboBinding)}
    assert bound == {editor.duration_combo, editor.provider_combo}


def test_another_scenes_edit_or_a_render_leaves_the_scene_combos_alone(
    qtbot: QtBot, make_workspace: Callable[..., VideoWorkspace]
) -> None:
    ws = make_workspace(scenes=3)
    editor = _editor(qtbot, ws)
    combos = (editor.duration_combo, editor.provider_combo)
    changes = [ComboChanges(c) for c in combos]
    first, second, third = (s.id for s in ws.document.project.scenes)
    ws.editor.edit_scene(second, prompt="Another scene's prompt")
    ws.editor.edit_scene(third, duration=3)
    _render_events(ws, first)  # the shown scene's render: only its render state changes
    _render_events(ws, second)
    ws.editor.add_scene()
    assert [c.counts() for c in changes] == [(0, 0), (0, 0)]
    assert editor.duration_combo.currentData() is not None  # still the scene's own 1 s
    assert editor.duration_combo.currentData() == ws.document.project.scene(first).duration


def test_the_project_changing_the_scene_updates_the_combos_without_a_write(
    qtbot: QtBot, make_workspace: Callable[..., VideoWorkspace]
) -> None:
    ws = make_workspace(scenes=2)
    editor = _editor(qtbot, ws)
    scene_id = editor.scene_id
    assert scene_id is not None
    stack = ws.editor.undo_stack
    duration, provider = ComboChanges(editor.duration_combo), ComboChanges(editor.provider_combo)
    ws.editor.edit_scene(scene_id, duration=4)  # another widget's edit, e.g. the Omni controls
    assert editor.duration_combo.currentData() == 4
    assert duration.items == 0  # 4 s is offered: the items stay
    ws.editor.edit_scene(scene_id, provider=ProviderName.SORA)
    assert editor.provider_combo.currentData() == ProviderName.SORA.value
    assert provider.counts() == (0, 0)  # shown with signals blocked: no currentIndexChanged
    assert stack.count() == 2  # the combos wrote nothing back
    stack.undo()
    assert editor.provider_combo.currentData() is None
    stack.undo()
    assert editor.duration_combo.currentData() == 1
    assert stack.count() == 2 and stack.index() == 0
    assert provider.counts() == (0, 0)


def test_a_pick_is_one_undoable_edit_and_picking_the_current_item_is_none(
    qtbot: QtBot, make_workspace: Callable[..., VideoWorkspace]
) -> None:
    ws = make_workspace(scenes=2)
    editor = _editor(qtbot, ws)
    scene_id = editor.scene_id
    assert scene_id is not None
    stack = ws.editor.undo_stack
    for combo in (editor.duration_combo, editor.provider_combo):
        combo.activated.emit(combo.currentIndex())
    assert stack.count() == 0

    combo = editor.duration_combo
    combo.setCurrentIndex(combo.findData(3))
    combo.activated.emit(combo.currentIndex())
    assert stack.count() == 1
    assert ws.document.project.scene(scene_id).duration == 3
    combo = editor.provider_combo
    combo.setCurrentIndex(combo.findData(ProviderName.OMNI.value))
    combo.activated.emit(combo.currentIndex())
    assert stack.count() == 2
    assert ws.document.project.scene(scene_id).provider is ProviderName.OMNI
    # Omni has other durations: the combo offers them, the 3 s picked stays selected.
    assert editor.duration_combo.currentData() == 3
    stack.undo()
    assert editor.provider_combo.currentData() is None
    assert ws.document.project.scene(scene_id).provider is None
    stack.undo()
    assert editor.duration_combo.currentData() == 1
    assert ws.document.project.scene(scene_id).duration == 1
    assert stack.count() == 2  # undo wrote nothing back


def test_selecting_another_scene_shows_its_duration_and_provider_without_writing(
    qtbot: QtBot, make_workspace: Callable[..., VideoWorkspace]
) -> None:
    ws = make_workspace(scenes=3)
    first, second, third = (s.id for s in ws.document.project.scenes)
    ws.editor.edit_scene(second, duration=None, provider=ProviderName.OMNI)
    ws.editor.edit_scene(third, duration=3)
    ws.document.save()
    editor = _editor(qtbot, ws)
    stack = ws.editor.undo_stack
    writes = stack.count()
    provider = ComboChanges(editor.provider_combo)
    editor.set_scene(second)
    assert editor.provider_combo.currentData() == ProviderName.OMNI.value
    assert editor.duration_combo.currentData() is None
    assert editor.duration_combo.currentText().startswith("Default (")
    omni_offers = _items(editor.duration_combo)[1:]
    editor.set_scene(third)
    assert editor.provider_combo.currentData() is None
    assert editor.duration_combo.currentData() == 3
    assert _items(editor.duration_combo)[1:] != omni_offers  # the animatic's durations
    editor.set_scene(None)
    assert not editor.duration_combo.isEnabled() and not editor.provider_combo.isEnabled()
    editor.set_scene(first)
    assert editor.duration_combo.currentData() == 1
    assert editor.provider_combo.isEnabled()
    assert provider.index == 0  # shown with signals blocked: nothing takes it for a pick
    assert stack.count() == writes
    assert not ws.document.dirty


def test_the_project_provider_combo_follows_without_rewriting_its_items(
    qtbot: QtBot, make_workspace: Callable[..., VideoWorkspace]
) -> None:
    ws = make_workspace(scenes=2)
    selector = ProviderSelectorWidget(ws)
    qtbot.add_widget(selector)
    assert isinstance(selector.binding, ComboBinding)
    changes = ComboChanges(selector.combo)
    first = ws.document.project.scenes[0].id
    ws.editor.edit_scene(first, prompt="Another prompt")
    _render_events(ws, first)
    assert changes.counts() == (0, 0)  # the key marks were set again on every change

    stack = ws.editor.undo_stack
    writes = stack.count()
    ws.editor.set_provider(ProviderName.VEO)  # e.g. from the project settings dialog
    assert selector.combo.currentData() == ProviderName.VEO.value
    assert selector.current() is ProviderName.VEO
    assert changes.counts() == (0, 0)
    assert stack.count() == writes + 1  # the combo wrote nothing back

    combo = selector.combo
    combo.activated.emit(combo.currentIndex())  # the current provider picked again: no edit
    assert stack.count() == writes + 1
    combo.setCurrentIndex(combo.findData(ProviderName.OMNI.value))
    combo.activated.emit(combo.currentIndex())
    assert ws.document.project.provider is ProviderName.OMNI
    assert selector.stack.currentWidget() is selector.controls[ProviderName.OMNI]
    assert stack.count() == writes + 2
    stack.undo()
    assert combo.currentData() == ProviderName.VEO.value
    assert selector.stack.currentWidget() is selector.controls[ProviderName.VEO]
    assert stack.count() == writes + 2


def test_selecting_scenes_refreshes_only_the_overriding_providers_scene_controls(
    qtbot: QtBot, make_workspace: Callable[..., VideoWorkspace]
) -> None:
    ws = make_workspace(scenes=3)
    first, second, third = (s.id for s in ws.document.project.scenes)
    ws.editor.edit_scene(second, duration=None, provider=ProviderName.OMNI)
    editor = _editor(qtbot, ws)
    controls = editor.scene_settings.controls
    before = {name: c.refresh_count for name, c in controls.items()}
    editor.set_scene(third)
    editor.set_scene(second)  # overrides with Omni: its controls show that scene's settings
    editor.set_scene(first)
    after = {name: c.refresh_count - before[name] for name, c in controls.items()}
    assert after == {
        ProviderName.ANIMATIC: 0,
        ProviderName.OMNI: 1,
        ProviderName.VEO: 0,
        ProviderName.SORA: 0,
    }


def test_the_project_tabs_title_and_budget_are_bound(
    qtbot: QtBot, make_workspace: Callable[..., VideoWorkspace]
) -> None:
    ws = make_workspace(scenes=1)
    tab = ProjectTabWidget(ws)
    qtbot.add_widget(tab)
    stack = ws.editor.undo_stack
    writes = stack.count()
    ws.editor.set_project_fields("Set budget", budget_usd=3.0)  # e.g. the settings dialog
    assert tab.budget_edit.text() == "3.00"
    assert stack.count() == writes + 1
    for edit, text in ((tab.title_edit, " Lighthouse "), (tab.budget_edit, "$3")):
        edit.setText(text)  # the stored value typed again: no edit
        edit.editingFinished.emit()
    assert stack.count() == writes + 1
    assert (tab.title_edit.text(), tab.budget_edit.text()) == ("Lighthouse", "3.00")
    tab.budget_edit.setText("lots")
    tab.budget_edit.editingFinished.emit()
    assert "not an amount" in tab.problem.text() and not tab.problem.isHidden()
    assert tab.budget_edit.text() == "3.00"  # the stored budget again
    tab.budget_edit.setText("12.5")
    tab.budget_edit.editingFinished.emit()
    assert tab.problem.isHidden() and ws.document.project.budget_usd == 12.5
    assert stack.count() == writes + 2
    stack.undo()
    assert tab.budget_edit.text() == "3.00"


def test_a_render_elsewhere_keeps_the_selection_in_the_sent_prompt(
    qtbot: QtBot, make_workspace: Callable[..., VideoWorkspace]
) -> None:
    ws = make_workspace(scenes=2)
    editor = _editor(qtbot, ws)
    editor.sent_prompt.selectAll()  # about to copy it
    assert editor.sent_prompt.textCursor().hasSelection()
    _render_events(ws, ws.document.project.scenes[1].id)
    ws.editor.edit_scene(ws.document.project.scenes[1].id, prompt="Another prompt")
    assert editor.sent_prompt.textCursor().hasSelection()
    ws.editor.edit_scene(editor.scene_id or "", prompt="The shown scene's new prompt")
    assert "The shown scene's new prompt" in editor.sent_prompt.toPlainText()
