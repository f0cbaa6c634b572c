"""Review: closing the window while a bound field is being typed in asks about the typed text.

A bound line edit writes its text when editing ends. The window's close asked about unsaved
changes first (the document was clean: the text was not written yet) and only then hid the
field, whose focus-out wrote the title into a document nobody would save: closed without a
question, the typed title lost.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMessageBox

from tests.gui.conftest import focus_project_field

if TYPE_CHECKING:
    from pathlib import Path

    from pytestqt.qtbot import QtBot

    from imageai.app import AppParts

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


def test_closing_while_typing_a_title_asks_to_save_it(
    qtbot: QtBot, app_parts: AppParts, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    window, ws = app_parts.window, app_parts.workspace
    assert window.save_as(tmp_path / "p")
    assert not ws.document.dirty
    edit = focus_project_field(qtbot, app_parts, "title_edit")
    edit.selectAll()
    QTest.keyClicks(edit, "Harbour at night")  # typed, Enter not pressed
    asked: list[bool] = []

    def ask() -> QMessageBox.StandardButton:
        asked.append(True)
        return QMessageBox.StandardButton.Cancel

    monkeypatch.setattr(window, "ask_unsaved", ask)
    closed = window.close()
    assert asked, "closed without asking: the typed title is lost"
    assert not closed
    assert ws.document.project.title == "Harbour at night"
