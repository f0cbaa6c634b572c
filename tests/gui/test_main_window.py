"""The main window: tabs, File actions, unsaved changes on close, persistence between runs."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from PySide6.QtWidgets import QMessageBox

from imageai.app import build
from imageai.core.catalog import default_catalog
from imageai.core.models import ProviderName
from imageai.core.secrets import InMemorySecretStore
from imageai.services.app_settings import load_settings
from tests.gui.conftest import wait_threads_done

if TYPE_CHECKING:
    from pathlib import Path

    from pytestqt.qtbot import QtBot

    from imageai.app import AppParts

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


def test_provider_choice_and_settings_survive_save_and_reopen(
    qtbot: QtBot, app_parts: AppParts, tmp_path: Path
) -> None:
    window, ws = app_parts.window, app_parts.workspace
    ws.editor.add_scene(prompt="A lighthouse at dusk")
    selector = window.video_panel.provider_selector
    selector.combo.activated.emit(selector.combo.findData("veo"))
    veo = selector.controls[ProviderName.VEO]
    veo.model_combo.activated.emit(veo.model_combo.findData("veo-3.1-lite-generate-001"))
    assert window.save_as(tmp_path / "p")
    assert not ws.document.dirty
    ws.new_project()
    assert ws.document.project.provider is ProviderName.ANIMATIC
    assert window.open_project(tmp_path / "p")
    assert ws.document.project.provider is ProviderName.VEO
    assert ws.document.project.settings.veo.model == "veo-3.1-lite-generate-001"
    assert selector.combo.currentData() == "veo"
    assert selector.stack.currentWidget() is veo
    assert veo.model_combo.currentData() == "veo-3.1-lite-generate-001"
    # The recent list is saved on a pass after the open.
    qtbot.waitUntil(
        lambda: [a.text() for a in window.recent_menu.actions()] == [str(tmp_path / "p")]
    )


def test_close_with_unsaved_changes_asks_and_can_be_cancelled(
    qtbot: QtBot, app_parts: AppParts, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    window, ws = app_parts.window, app_parts.workspace
    window.show()
    ws.editor.add_scene(prompt="unsaved")
    assert window.windowTitle().startswith("*")
    answers = [QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Discard]
    asked: list[bool] = []
    monkeypatch.setattr(window, "ask_unsaved", lambda: asked.append(True) or answers.pop(0))
    assert not window.close()
    assert window.isVisible()
    assert window.close()
    assert asked == [True, True]
    assert load_settings().window.geometry  # geometry is kept for the next run


def test_opening_a_broken_project_shows_why_and_keeps_the_current_one(
    qtbot: QtBot, app_parts: AppParts, tmp_path: Path
) -> None:
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "project.json").write_text("{truncated")
    window, ws = app_parts.window, app_parts.workspace
    ws.editor.add_scene(prompt="keep me")
    ws.document.save(tmp_path / "good")
    assert not window.open_project(broken)
    assert ws.document.project.scenes[0].prompt == "keep me"
    banner = window.video_panel.error_banner
    assert "not valid JSON" in banner.message.text()


def test_import_script_adds_undoable_scenes(
    qtbot: QtBot, app_parts: AppParts, tmp_path: Path
) -> None:
    ws = app_parts.workspace
    app_parts.window.save_as(tmp_path / "p")
    script = tmp_path / "s.md"
    script.write_text("# Act 1\n\nThe door opens [4s]\n\nA gull cries\n")
    assert ws.import_script(script) == 2
    assert [s.duration for s in ws.document.project.scenes] == [4, None]
    ws.editor.undo_stack.undo()
    assert ws.document.project.scenes == ()


def test_main_starts_reopens_the_last_project_and_exits_cleanly(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from imageai.app import main
    from imageai.gui.main_window import MainWindow
    from imageai.services.app_settings import SettingsStore

    first = build(InMemorySecretStore(), default_catalog(), checkers={})
    first.workspace.editor.add_scene(prompt="remember me")
    first.workspace.save_as(tmp_path / "last")
    first.shutdown()
    first.window.deleteLater()
    assert SettingsStore().settings.last_project == str(tmp_path / "last")
    seen: list[str] = []

    def close_it() -> None:
        windows = [
            w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()
        ]
        seen.extend(s.prompt for w in windows for s in w.ws.document.project.scenes)
        for window in windows:
            window.close()

    # The app's log file handler would outlive the test; pytest owns logging here.
    monkeypatch.setattr("imageai.app.setup_logging", lambda *_a, **_k: None)
    QTimer.singleShot(100, close_it)
    assert main([]) == 0
    assert seen == ["remember me"]
    wait_threads_done(qtbot)


def test_opening_shows_spend_from_the_ledger_after_a_crash(
    qtbot: QtBot, app_parts: AppParts, tmp_path: Path
) -> None:
    """A create the project file never saw (a crash right after it) still shows as billed."""
    from imageai.core import project_store
    from imageai.core.ledger import Ledger, LedgerEntry
    from imageai.core.models import Project, Scene

    scene = Scene(prompt="A lighthouse")
    project_store.save(Project(scenes=(scene,)), tmp_path / "p")
    entry = LedgerEntry(
        ts=1.0, event="created", scene_id=scene.id, provider="sora", job_id="video_1", usd=0.8
    )
    (tmp_path / "p" / "ledger.jsonl").write_text(entry.model_dump_json() + "\n")
    assert Ledger(tmp_path / "p" / "ledger.jsonl").total_spent() == 0.8
    assert app_parts.window.open_project(tmp_path / "p")
    assert app_parts.workspace.document.project.billed_usd == 0.8
    # The cost line is priced on the pass after the open.
    label = app_parts.window.video_panel.cost_label
    qtbot.waitUntil(lambda: "Billed so far: $0.80" in label.text())
