"""Shortcuts that fire, Tab that moves focus, the empty project's hint, and the import's folder."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from imageai.app import build
from imageai.core.catalog import default_catalog
from imageai.core.secrets import InMemorySecretStore
from tests.gui.conftest import wait_threads_done

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from pytestqt.qtbot import QtBot

    from imageai.app import AppParts

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


@pytest.fixture
def app_parts(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> Iterator[AppParts]:
    parts = build(InMemorySecretStore(), default_catalog(), checkers={})
    monkeypatch.setattr(parts.window, "ask_unsaved", lambda: QMessageBox.StandardButton.Discard)
    qtbot.add_widget(parts.window)
    parts.window.show()
    qtbot.wait_exposed(parts.window)
    parts.window.activateWindow()
    yield parts
    parts.shutdown()
    wait_threads_done(qtbot)


def test_no_two_actions_share_a_shortcut(app_parts: AppParts) -> None:
    seen: dict[str, str] = {}
    for action in app_parts.window.findChildren(QAction):
        for key in action.shortcuts():
            text = key.toString()
            assert text not in seen, f"{text}: {seen[text]} and {action.text()}"
            seen[text] = action.text()
    assert seen[QKeySequence(QKeySequence.StandardKey.New).toString()] == "&New project"


def test_new_project_and_add_scene_shortcuts_both_fire(qtbot: QtBot, app_parts: AppParts) -> None:
    window, ws = app_parts.window, app_parts.workspace
    window.video_panel.storyboard_view.setFocus()
    qtbot.wait_until(lambda: QApplication.focusWidget() is window.video_panel.storyboard_view)
    with qtbot.wait_signal(window.video_panel.add_action.triggered, timeout=2000):
        qtbot.keyClick(
            window.video_panel.storyboard_view,
            Qt.Key.Key_N,
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
        )
    assert len(ws.document.project.scenes) == 1
    with qtbot.wait_signal(window.new_action.triggered, timeout=2000):
        qtbot.keyClick(
            window.video_panel.storyboard_view, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier
        )
    assert ws.document.project.scenes == ()


def test_tab_in_the_prompt_moves_focus_instead_of_typing(qtbot: QtBot, app_parts: AppParts) -> None:
    ws, panel = app_parts.workspace, app_parts.window.video_panel
    ws.editor.add_scene(prompt="A lighthouse")
    panel.storyboard_view.select_ids([ws.document.project.scenes[0].id])
    prompt = panel.scene_editor.prompt_edit
    prompt.setFocus()
    qtbot.wait_until(prompt.hasFocus)
    qtbot.keyClick(prompt, Qt.Key.Key_Tab)
    assert "\t" not in prompt.toPlainText()
    assert not prompt.hasFocus()


def test_an_empty_project_says_what_to_do_and_has_nothing_to_render(
    app_parts: AppParts,
) -> None:
    ws, panel = app_parts.workspace, app_parts.window.video_panel
    assert ws.document.project.scenes == ()
    hint = panel.storyboard_view.empty_hint()
    assert "Add a scene" in hint and "Import script" in hint
    assert not panel.render_all_action.isEnabled()
    ws.editor.add_scene(prompt="A lighthouse")
    assert panel.storyboard_view.empty_hint() == ""
    assert panel.render_all_action.isEnabled()


def test_import_into_an_unsaved_project_explains_then_saves_to_a_typed_new_folder(
    qtbot: QtBot, app_parts: AppParts, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window, ws = app_parts.window, app_parts.workspace
    script = tmp_path / "script.txt"
    script.write_text("The lighthouse at dusk.\n\nWaves on the rocks.\n", encoding="utf-8")
    new_folder = tmp_path / "typed" / "Lighthouse"
    asked: list[str] = []
    monkeypatch.setattr(window, "explain_import_needs_folder", lambda: asked.append("x") or True)
    monkeypatch.setattr(window, "choose_project_folder", lambda title="": new_folder)
    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(script), ""))
    )
    window.import_action.trigger()
    assert asked == ["x"]
    assert ws.document.folder == new_folder
    assert [s.prompt for s in ws.document.project.scenes] == [
        "The lighthouse at dusk.",
        "Waves on the rocks.",
    ]


def test_the_project_folder_dialog_takes_a_typed_new_folder_name(app_parts: AppParts) -> None:
    dialog = app_parts.window.project_folder_dialog("Save project as a folder")
    assert dialog.fileMode() is QFileDialog.FileMode.AnyFile  # a name that does not exist yet
    assert dialog.acceptMode() is QFileDialog.AcceptMode.AcceptSave
    assert dialog.labelText(QFileDialog.DialogLabel.FileName) == "Project folder:"
    dialog.deleteLater()


def test_cancelling_the_explanation_saves_nothing(
    app_parts: AppParts, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = app_parts.window
    monkeypatch.setattr(window, "explain_import_needs_folder", lambda: False)
    chosen: list[str] = []
    monkeypatch.setattr(window, "choose_project_folder", lambda title="": chosen.append(title))
    window.import_action.trigger()
    assert chosen == []
    assert app_parts.workspace.document.folder is None
