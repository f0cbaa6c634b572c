"""Review: a bound line edit that has focus but was not typed in follows the state.

`TextBinding.update` skipped every state change while the edit had focus, typed in or not.
Click into the Budget field, then undo the budget from the Edit menu (a menu takes no focus):
the field kept showing the old '3.00' while no budget was stored (a cap that is not there),
and Enter there wrote 3.00 back: the undo was undone by a new edit, its redo lost.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from imageai.gui.video.inspector_project import ProjectTabWidget

if TYPE_CHECKING:
    from collections.abc import Callable

    from pytestqt.qtbot import QtBot

    from imageai.services.video_workspace import VideoWorkspace

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


def test_an_undo_while_the_field_has_focus_shows_and_keeps_the_undone_value(
    qtbot: QtBot, make_workspace: Callable[..., VideoWorkspace]
) -> None:
    ws = make_workspace(scenes=1)
    tab = ProjectTabWidget(ws)
    qtbot.add_widget(tab)
    tab.show()
    qtbot.wait_exposed(tab)
    tab.activateWindow()
    stack = ws.editor.undo_stack
    ws.editor.set_project_fields("Set budget", budget_usd=3.0)
    assert tab.budget_edit.text() == "3.00"
    tab.budget_edit.setFocus()
    qtbot.wait_until(tab.budget_edit.hasFocus)
    stack.undo()  # Edit > Undo: the field keeps focus, nothing was typed in it
    assert ws.document.project.budget_usd is None
    assert tab.budget_edit.text() == "", "the field shows a budget that is not stored"
    QTest.keyClick(tab.budget_edit, Qt.Key.Key_Return)  # Enter, nothing typed
    QApplication.processEvents()
    assert ws.document.project.budget_usd is None
    assert stack.canRedo(), "the undone budget was written back as a new edit"
