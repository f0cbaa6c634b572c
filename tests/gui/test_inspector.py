"""The inspector: a Scene tab with the scene's own provider controls, and a Project tab."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from imageai.core.models import ProviderName, VeoSettings
from imageai.core.pricing import estimate
from imageai.gui.video.veo_controls_widget import VeoControlsWidget
from imageai.gui.video.workspace_panel import VideoWorkspacePanel

if TYPE_CHECKING:
    from collections.abc import Callable

    from PySide6.QtWidgets import QComboBox
    from pytestqt.qtbot import QtBot

    from imageai.services.video_workspace import VideoWorkspace

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")

SLOW_MODEL = "veo-3.1-generate-001"  # the project default is the cheaper fast model


def _pick(combo: QComboBox, value: object) -> None:
    index = combo.findData(value)
    assert index >= 0, f"{value!r} not offered"
    combo.setCurrentIndex(index)
    combo.activated.emit(index)


def _panel(qtbot: QtBot, ws: VideoWorkspace) -> VideoWorkspacePanel:
    panel = VideoWorkspacePanel(ws)
    qtbot.add_widget(panel)
    panel.show()
    return panel


def _override(panel: VideoWorkspacePanel, scene_id: str, provider: ProviderName) -> None:
    """Select the scene and override its provider; its duration follows the provider's."""
    panel.storyboard_view.select_ids([scene_id])
    panel.ws.editor.edit_scene(scene_id, duration=None)
    _pick(panel.scene_editor.provider_combo, provider.value)


def test_scene_and_project_settings_sit_on_two_tabs(
    qtbot: QtBot, make_workspace: Callable[..., VideoWorkspace]
) -> None:
    ws = make_workspace(scenes=1)
    panel = _panel(qtbot, ws)
    inspector = panel.inspector
    assert [inspector.tabText(i) for i in range(inspector.count())] == ["Scene", "Project"]
    # The project's provider is not inside the scene editor any more.
    assert not panel.scene_editor.isAncestorOf(panel.provider_selector)
    assert panel.project_tab.isAncestorOf(panel.provider_selector)


def test_overriding_a_scenes_provider_shows_that_providers_controls(
    qtbot: QtBot, make_workspace: Callable[..., VideoWorkspace]
) -> None:
    ws = make_workspace(scenes=2)
    panel = _panel(qtbot, ws)
    first = ws.document.project.scenes[0].id
    own = panel.scene_editor.scene_settings
    panel.storyboard_view.select_ids([first])
    assert own.isHidden()  # follows the project: the Project tab's controls apply
    _override(panel, first, ProviderName.VEO)
    assert not own.isHidden()
    shown = own.current()
    assert shown is not None and shown.isVisibleTo(own)
    assert not any(w.isVisibleTo(own) for w in own.controls.values() if w is not shown)
    assert isinstance(shown, VeoControlsWidget)
    assert shown.model_combo.currentData() == ws.document.project.settings.veo.model
    assert "Veo" in own.heading.text()
    # The project keeps its provider and shows its own controls on its tab.
    assert ws.document.project.provider is ProviderName.ANIMATIC
    assert panel.provider_selector.current() is ProviderName.ANIMATIC
    # Back to the project's provider: the scene's own controls go away.
    _pick(panel.scene_editor.provider_combo, None)
    assert own.isHidden()


def test_changing_the_model_on_the_scene_tab_changes_only_that_scene_and_its_cost(
    qtbot: QtBot, make_workspace: Callable[..., VideoWorkspace]
) -> None:
    ws = make_workspace(scenes=2)
    panel = _panel(qtbot, ws)
    first, second = (s.id for s in ws.document.project.scenes)
    _override(panel, second, ProviderName.VEO)
    _override(panel, first, ProviderName.VEO)
    before = {row.id: row.usd for row in estimate(ws.document.project, catalog=ws.catalog).scenes}
    assert before[first] == before[second] > 0
    controls = panel.scene_editor.scene_settings.controls[ProviderName.VEO]
    assert isinstance(controls, VeoControlsWidget)
    _pick(controls.model_combo, SLOW_MODEL)

    project = ws.document.project
    assert project.settings_for(project.scene(first)).model == SLOW_MODEL
    assert project.settings_for(project.scene(second)).model == VeoSettings().model
    assert project.settings.veo == VeoSettings()  # the project's Veo settings are unchanged
    after = {row.id: row.usd for row in estimate(project, catalog=ws.catalog).scenes}
    assert after[second] == before[second]
    assert after[first] > before[first]
    # The control shows the scene's model; the Project tab's Veo controls the project's.
    assert controls.model_combo.currentData() == SLOW_MODEL
    project_veo = panel.provider_selector.controls[ProviderName.VEO]
    assert isinstance(project_veo, VeoControlsWidget)
    assert project_veo.model_combo.currentData() == VeoSettings().model
    # Selecting the other scene shows its (project) model; undo restores the first scene.
    panel.storyboard_view.select_ids([second])
    assert controls.model_combo.currentData() == VeoSettings().model
    ws.editor.undo_stack.undo()
    project = ws.document.project
    assert project.settings_for(project.scene(first)).model == VeoSettings().model


def test_the_scene_tab_clamps_the_scenes_own_settings_with_a_note(
    qtbot: QtBot, make_workspace: Callable[..., VideoWorkspace]
) -> None:
    ws = make_workspace(scenes=1)
    panel = _panel(qtbot, ws)
    scene_id = ws.document.project.scenes[0].id
    _override(panel, scene_id, ProviderName.VEO)
    controls = panel.scene_editor.scene_settings.controls[ProviderName.VEO]
    notes = controls.apply(resolution="4k", seconds=4)
    own = ws.document.project.settings_for(ws.document.project.scene(scene_id))
    assert isinstance(own, VeoSettings)
    assert own.resolution == "4k"
    assert own.seconds != 4  # 4k renders 8 s only: clamped, and said so
    assert notes
    assert not controls.notice.isHidden()
    assert ws.document.project.settings.veo == VeoSettings()


def test_the_project_tab_changes_the_project(
    qtbot: QtBot, make_workspace: Callable[..., VideoWorkspace]
) -> None:
    ws = make_workspace(scenes=1)
    panel = _panel(qtbot, ws)
    tab = panel.project_tab
    panel.inspector.show_project_tab()
    _pick(panel.provider_selector.combo, ProviderName.VEO.value)
    assert ws.document.project.provider is ProviderName.VEO
    veo = panel.provider_selector.controls[ProviderName.VEO]
    assert isinstance(veo, VeoControlsWidget)
    _pick(veo.model_combo, SLOW_MODEL)
    assert ws.document.project.settings.veo.model == SLOW_MODEL
    scene = ws.document.project.scenes[0]
    assert ws.document.project.settings_for(scene).model == SLOW_MODEL
    tab.title_edit.setText("Harbour at night")
    tab.title_edit.editingFinished.emit()
    assert ws.document.project.title == "Harbour at night"
    tab.budget_edit.setText("$12.50")
    tab.budget_edit.editingFinished.emit()
    assert ws.document.project.budget_usd == 12.5
    tab.budget_edit.setText("lots")
    tab.budget_edit.editingFinished.emit()
    assert ws.document.project.budget_usd == 12.5
    assert not tab.problem.isHidden()
    assert "not an amount" in tab.problem.text()
    ws.editor.undo_stack.undo()
    assert ws.document.project.budget_usd is None
