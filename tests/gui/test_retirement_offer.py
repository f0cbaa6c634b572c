"""A project on a retired model opens, says so in the controls, and moves to the successor."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from PySide6.QtWidgets import QDialogButtonBox

from imageai.core import project_store
from imageai.core.errors import JobError, ModelGoneError
from imageai.core.models import Project, ProviderName, Scene, VeoBackend, VeoSettings
from imageai.gui.video.retarget_dialog import RetargetDialog
from imageai.services.error_advice import ErrorAction, advise

if TYPE_CHECKING:
    from pathlib import Path

    from pytestqt.qtbot import QtBot

    from imageai.app import AppParts

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")

PREVIEW = "veo-3.1-generate-preview"


@pytest.fixture
def old_project(tmp_path: Path) -> Path:
    """Saved before 2026-10-22: Veo 3.1 preview on the Gemini API, 9:16, two scenes."""
    folder = tmp_path / "old"
    veo = VeoSettings(backend=VeoBackend.GEMINI, model=PREVIEW, aspect="9:16", seconds=8)
    project = Project(
        provider=ProviderName.VEO,
        settings=Project().settings.model_copy(update={"veo": veo}),
        scenes=(Scene(id="a", prompt="Dawn."), Scene(id="b", prompt="Dusk.", duration=6)),
    )
    project_store.save(project, folder)
    return folder


def test_a_retired_veo_project_opens_shows_the_retirement_and_moves_to_omni(
    qtbot: QtBot, app_parts: AppParts, old_project: Path
) -> None:
    window, ws = app_parts.window, app_parts.workspace
    window.show()
    assert window.open_project(old_project)
    assert ws.document.project.settings.veo.model == PREVIEW
    window.video_panel.inspector.show_project_tab()  # the project's provider and its controls
    selector = window.video_panel.provider_selector
    veo = selector.controls[ProviderName.VEO]
    assert selector.stack.currentWidget() is veo
    assert veo.retired.isVisible()
    assert "2026-10-22" in veo.retired.text()
    assert veo.move_button.isVisible()
    assert veo.move_button.text() == "Move to Gemini Omni 1.1 Flash…"
    # Opening changed nothing: the project still holds the retired model until the user moves.
    assert not ws.document.dirty
    veo.move_button.click()
    dialog = window.findChild(RetargetDialog)
    assert dialog is not None
    qtbot.add_widget(dialog)
    assert dialog.isVisible()
    assert dialog.target() is ProviderName.OMNI
    assert dialog.windowTitle() == "Move to Gemini Omni 1.1 Flash"
    assert dialog.cost.text() == (
        "Before: 2 scenes, 14 s: $5.60  →  after: 2 scenes, 14 s: $1.40 (-$4.20)"
    )
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    project = ws.document.project
    assert project.provider is ProviderName.OMNI
    omni = project.settings.omni
    assert (omni.model, omni.aspect, omni.seconds) == ("gemini-omni-1.1-flash", "9:16", 8)
    assert selector.stack.currentWidget() is selector.controls[ProviderName.OMNI]
    assert not selector.controls[ProviderName.OMNI].retired.isVisible()
    # One undoable step back to the retired model, which says so again.
    ws.editor.undo_stack.undo()
    assert ws.document.project.provider is ProviderName.VEO
    assert veo.move_button.isVisible()


def test_a_deprecated_model_is_noted_but_renders_and_offers_its_successor(
    qtbot: QtBot, app_parts: AppParts, old_project: Path
) -> None:
    window, ws = app_parts.window, app_parts.workspace
    assert window.open_project(old_project)
    veo_settings = VeoSettings(model="veo-3.1-fast-generate-001", vertex_project="p")
    ws.editor.set_provider_settings(ProviderName.VEO, veo_settings)
    veo = window.video_panel.provider_selector.controls[ProviderName.VEO]
    assert "deprecation on or after 2026-11-17" in veo.retired.text()
    assert veo.move_button.text() == "Move to Gemini Omni 1.2 Flash…"
    assert veo.model_combo.currentData() == "veo-3.1-fast-generate-001"


def test_a_server_saying_the_model_is_gone_gets_the_same_offer() -> None:
    gone = ModelGoneError(
        "veo-3.1-generate-001 is gone: Google no longer serves this model.",
        model="veo-3.1-generate-001",
        successor="gemini-omni-1.2-flash",
    )
    advice = advise(JobError.from_exception(gone), "Scene 1", ProviderName.VEO)
    assert (advice.action, advice.action_label) == (
        ErrorAction.RETARGET,
        "Move to gemini-omni-1.2-flash…",
    )


def test_the_retarget_action_on_a_retired_project_opens_on_the_successor(
    qtbot: QtBot, app_parts: AppParts, old_project: Path
) -> None:
    window = app_parts.window
    assert window.open_project(old_project)
    dialog = window.open_retarget([])
    qtbot.add_widget(dialog)
    assert dialog.target() is ProviderName.OMNI
    assert dialog.plan is not None
    assert dialog.plan.model == "gemini-omni-1.1-flash"
    # Another provider can still be chosen; then its own model is kept.
    dialog.combo.setCurrentIndex(dialog.combo.findData("animatic"))
    assert dialog.plan.target is ProviderName.ANIMATIC
    assert dialog.plan.model == "animatic"
