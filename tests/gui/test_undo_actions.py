"""Undo/Redo keep fixed texts; their tooltips and enabled state follow the stack."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QKeySequence, QUndoCommand, QUndoStack
from PySide6.QtWidgets import QWidget

from imageai.gui.video.undo_actions import UndoRedoActions

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot


def test_actions_follow_the_stack(qtbot: QtBot) -> None:
    owner = QWidget()
    qtbot.add_widget(owner)
    stack = QUndoStack(owner)
    actions = UndoRedoActions(stack, owner)
    assert not actions.undo.isEnabled()
    assert not actions.redo.isEnabled()
    stack.push(QUndoCommand("add scene"))
    assert actions.undo.isEnabled()
    assert (actions.undo.text(), actions.undo.toolTip()) == ("Undo", "Undo add scene")
    actions.undo.trigger()
    assert stack.index() == 0
    assert actions.redo.isEnabled()
    assert actions.redo.toolTip() == "Redo add scene"
    assert actions.undo.toolTip() == "Nothing to undo"
    assert QKeySequence("Ctrl+Y") in actions.redo.shortcuts()
    assert actions.undo in owner.actions()
