"""The Project settings dialog: one undoable edit, budget validation, budget refusal, persistence."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from imageai.core.models import ProviderName
from imageai.gui.video.project_settings_dialog import ProjectSettingsDialog
from imageai.gui.video.workspace_panel import VideoWorkspacePanel
from tests.fakes.fake_provider import FakeProvider

if TYPE_CHECKING:
    from collections.abc import Callable

    from pytestqt.qtbot import QtBot

    from imageai.services.video_workspace import VideoWorkspace

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


def _dialog(qtbot: QtBot, ws: VideoWorkspace) -> ProjectSettingsDialog:
    dialog = ProjectSettingsDialog(ws)
    qtbot.add_widget(dialog)
    return dialog


def _fill(dialog: ProjectSettingsDialog, budget: str, chain: bool = True) -> None:
    dialog.title_edit.setText("Harbour")
    dialog.style_edit.setPlainText("35 mm film, warm dusk light")
    dialog.budget_edit.setText(budget)
    dialog.chain_check.setChecked(chain)


def test_ok_applies_all_fields_as_one_undoable_step_and_updates_the_cost_label(
    qtbot: QtBot, make_workspace: Callable[..., VideoWorkspace]
) -> None:
    ws = make_workspace(scenes=1)
    panel = VideoWorkspacePanel(ws)
    qtbot.add_widget(panel)
    before = ws.document.project
    depth = ws.editor.undo_stack.count()
    dialog = _dialog(qtbot, ws)
    _fill(dialog, "$12.5")
    with qtbot.wait_signal(dialog.accepted):
        dialog._on_buttons_accepted()
    project = ws.document.project
    assert (project.title, project.style, project.budget_usd, project.chain_scenes) == (
        "Harbour",
        "35 mm film, warm dusk light",
        12.5,
        True,
    )
    assert ws.editor.undo_stack.count() == depth + 1
    assert "budget $12.50" in panel.cost_label.text()
    ws.editor.undo_stack.undo()
    project = ws.document.project
    assert (project.title, project.style, project.budget_usd, project.chain_scenes) == (
        before.title,
        before.style,
        before.budget_usd,
        before.chain_scenes,
    )
    assert "budget" not in panel.cost_label.text()


@pytest.mark.parametrize(
    ("text", "reason"),
    [("-3", "cannot be negative"), ("lots", "is not an amount")],
)
def test_an_invalid_budget_is_refused_with_a_clear_message(
    qtbot: QtBot, make_workspace: Callable[..., VideoWorkspace], text: str, reason: str
) -> None:
    ws = make_workspace(scenes=1)
    depth = ws.editor.undo_stack.count()
    dialog = _dialog(qtbot, ws)
    _fill(dialog, text)
    with qtbot.assert_not_emitted(dialog.accepted):
        dialog._on_buttons_accepted()
    assert reason in dialog.problem.text()
    assert dialog.problem.isVisibleTo(dialog)
    assert ws.editor.undo_stack.count() == depth
    assert ws.document.project.title == "Lighthouse"


def test_empty_budget_means_none_and_cancel_changes_nothing(
    qtbot: QtBot, make_workspace: Callable[..., VideoWorkspace]
) -> None:
    ws = make_workspace(scenes=1)
    ws.editor.set_project_fields("Budget", budget_usd=3.0)
    dialog = _dialog(qtbot, ws)
    assert dialog.budget_edit.text() == "3.00"
    dialog.title_edit.setText("Not applied")
    dialog.reject()
    assert ws.document.project.title == "Lighthouse"
    dialog = _dialog(qtbot, ws)
    dialog.budget_edit.setText("  ")
    assert dialog.apply()
    assert ws.document.project.budget_usd is None


def test_budget_set_in_the_dialog_refuses_a_render_that_costs_more(
    qtbot: QtBot, make_workspace: Callable[..., VideoWorkspace], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", "https://videos-gateway.test/v1")  # Sora 2 lives there
    provider = FakeProvider()
    ws = make_workspace(provider, scenes=1)
    panel = VideoWorkspacePanel(ws)
    qtbot.add_widget(panel)
    ws.editor.set_provider(ProviderName.SORA)
    ws.editor.edit_scene(ws.document.project.scenes[0].id, duration=8)  # $0.80 on sora-2
    dialog = _dialog(qtbot, ws)
    dialog.budget_edit.setText("0.50")
    assert dialog.apply()
    monkeypatch.setattr(panel, "confirm_render", lambda est: True)
    assert panel.request_render(None) == []
    assert panel.error_banner.title.text() == "Cannot render"
    assert "$0.50 budget by $0.30" in panel.error_banner.message.text()
    assert provider.started == []
    ws.editor.undo_stack.undo()
    assert ws.document.project.budget_usd is None


def test_settings_survive_save_and_reopen(
    qtbot: QtBot, make_workspace: Callable[..., VideoWorkspace]
) -> None:
    ws = make_workspace(scenes=1)
    dialog = _dialog(qtbot, ws)
    _fill(dialog, "40")
    assert dialog.apply()
    folder = ws.save()
    ws.new_project()
    assert ws.document.project.budget_usd is None
    ws.open_project(folder)
    project = ws.document.project
    assert (project.title, project.style, project.budget_usd, project.chain_scenes) == (
        "Harbour",
        "35 mm film, warm dusk light",
        40.0,
        True,
    )
    reopened = _dialog(qtbot, ws)
    assert reopened.budget_edit.text() == "40.00"
    assert reopened.chain_check.isChecked()
    assert reopened.style_edit.toPlainText() == "35 mm film, warm dusk light"
