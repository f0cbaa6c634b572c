"""Veo seed, people, prompt enhancement and Cloud project rows: shown per backend, saved, checked."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from imageai.core.models import ProviderName, VeoBackend
from imageai.gui.video.veo_controls_widget import VeoControlsWidget
from imageai.gui.video.workspace_panel import VideoWorkspacePanel
from tests.fakes.fake_provider import FakeProvider

if TYPE_CHECKING:
    from collections.abc import Callable

    from pytestqt.qtbot import QtBot

    from imageai.services.video_workspace import VideoWorkspace

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


def _controls(qtbot: QtBot, ws: VideoWorkspace) -> VeoControlsWidget:
    controls = VeoControlsWidget(ws)
    qtbot.add_widget(controls)
    return controls


def _visible(controls: VeoControlsWidget) -> dict[str, bool]:
    rows = {
        "seed": controls.seed_edit,
        "people": controls.person_combo,
        "enhance": controls.enhance_combo,
        "project": controls.cloud_project_edit,
        "location": controls.location_edit,
    }
    return {name: controls.form.isRowVisible(widget) for name, widget in rows.items()}


def _to_vertex(controls: VeoControlsWidget) -> None:
    combo = controls.backend_combo
    combo.activated.emit(combo.findData(VeoBackend.VERTEX))


def _type(edit: object, text: str) -> None:
    edit.setText(text)  # type: ignore[attr-defined]
    edit.editingFinished.emit()  # type: ignore[attr-defined]


def test_rows_are_shown_only_where_the_backend_takes_them(
    qtbot: QtBot, make_workspace: Callable[..., VideoWorkspace]
) -> None:
    ws = make_workspace(scenes=1)
    controls = _controls(qtbot, ws)
    # Veo lives on Vertex AI: a new project starts there with every Vertex row.
    assert ws.document.project.settings.veo.backend is VeoBackend.VERTEX
    assert all(_visible(controls).values())
    people = [controls.person_combo.itemData(i) for i in range(controls.person_combo.count())]
    assert people == ["", "allow_adult", "dont_allow"]
    # The Gemini API serves no Veo model any more: it is not offered.
    assert controls.backend_combo.findData(VeoBackend.GEMINI) == -1
    assert not controls.backend_combo.isEnabled()


def test_a_project_still_on_the_gemini_api_shows_it_shut_down_and_can_leave_it(
    qtbot: QtBot, make_workspace: Callable[..., VideoWorkspace]
) -> None:
    ws = make_workspace(scenes=1)
    project = ws.document.project
    old = project.settings.veo.model_copy(
        update={"backend": VeoBackend.GEMINI, "model": "veo-3.1-generate-preview"}
    )
    ws.document.set_project(
        project.model_copy(update={"settings": project.settings.model_copy(update={"veo": old})})
    )
    controls = _controls(qtbot, ws)
    index = controls.backend_combo.findData(VeoBackend.GEMINI)
    assert controls.backend_combo.itemText(index) == "Gemini API (shut down)"
    assert not any(_visible(controls).values())
    _to_vertex(controls)
    assert all(_visible(controls).values())
    assert controls.backend_combo.findData(VeoBackend.GEMINI) == -1


def test_values_go_through_the_undo_stack_and_survive_save_and_reopen(
    qtbot: QtBot, make_workspace: Callable[..., VideoWorkspace]
) -> None:
    ws = make_workspace(scenes=1)
    controls = _controls(qtbot, ws)
    _to_vertex(controls)
    _type(controls.seed_edit, "1234")
    controls.person_combo.activated.emit(controls.person_combo.findData("dont_allow"))
    controls.enhance_combo.activated.emit(controls.enhance_combo.findData("off"))
    _type(controls.cloud_project_edit, " film-proj ")
    _type(controls.location_edit, "europe-west4")
    veo = ws.document.project.settings.veo
    assert (veo.seed, veo.person_generation, veo.enhance_prompt) == (1234, "dont_allow", False)
    assert (veo.vertex_project, veo.vertex_location) == ("film-proj", "europe-west4")
    ws.editor.undo_stack.undo()
    assert ws.document.project.settings.veo.vertex_location == "us-central1"
    assert controls.location_edit.text() == "us-central1"
    ws.editor.undo_stack.redo()
    folder = ws.save()
    ws.new_project()
    ws.open_project(folder)
    veo = ws.document.project.settings.veo
    assert (veo.seed, veo.person_generation, veo.enhance_prompt) == (1234, "dont_allow", False)
    assert (veo.vertex_project, veo.vertex_location) == ("film-proj", "europe-west4")
    assert controls.seed_edit.text() == "1234"
    assert controls.person_combo.currentData() == "dont_allow"
    assert controls.enhance_combo.currentData() == "off"
    assert controls.cloud_project_edit.text() == "film-proj"
    _type(controls.seed_edit, "")
    assert ws.document.project.settings.veo.seed is None


def test_a_bad_seed_is_explained_and_not_stored(
    qtbot: QtBot, make_workspace: Callable[..., VideoWorkspace]
) -> None:
    ws = make_workspace(scenes=1)
    controls = _controls(qtbot, ws)
    depth = ws.editor.undo_stack.count()
    _type(controls.seed_edit, "-5")
    assert "Seed: must be between 0 and" in controls.notice.text()
    assert ws.document.project.settings.veo.seed is None
    assert ws.editor.undo_stack.count() == depth


def test_vertex_without_a_cloud_project_refuses_to_render_naming_the_field(
    qtbot: QtBot, make_workspace: Callable[..., VideoWorkspace], monkeypatch: pytest.MonkeyPatch
) -> None:
    provider = FakeProvider()
    ws = make_workspace(provider, scenes=1)
    panel = VideoWorkspacePanel(ws)
    qtbot.add_widget(panel)
    monkeypatch.setattr(panel, "confirm_render", lambda est: True)
    ws.editor.set_provider(ProviderName.VEO)
    ws.editor.edit_scene(ws.document.project.scenes[0].id, duration=8)
    veo = panel.provider_selector.controls[ProviderName.VEO]
    assert isinstance(veo, VeoControlsWidget)
    _to_vertex(veo)
    assert panel.request_render(None) == []
    assert panel.error_banner.title.text() == "Cannot render"
    message = panel.error_banner.message.text()
    assert "vertex_project" in message
    assert "Google Cloud project" in message
    assert provider.started == []
