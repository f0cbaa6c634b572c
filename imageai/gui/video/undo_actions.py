"""Undo and Redo actions with fixed texts (the toolbar stays still); the tooltip says what."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Slot
from PySide6.QtGui import QAction, QKeySequence

if TYPE_CHECKING:
    from PySide6.QtGui import QUndoStack
    from PySide6.QtWidgets import QWidget


class UndoRedoActions(QObject):
    """``undo`` and ``redo`` follow ``stack``; their shortcuts work anywhere in ``owner``."""

    def __init__(self, stack: QUndoStack, owner: QWidget) -> None:
        super().__init__(owner)
        self.undo = self._make("Undo", owner, [QKeySequence("Ctrl+Z")])
        self.redo = self._make(
            "Redo", owner, [QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")]
        )
        self.undo.triggered.connect(stack.undo)
        self.redo.triggered.connect(stack.redo)
        self.undo.setEnabled(stack.canUndo())
        self.redo.setEnabled(stack.canRedo())
        stack.canUndoChanged.connect(self.undo.setEnabled)
        stack.canRedoChanged.connect(self.redo.setEnabled)
        stack.undoTextChanged.connect(self._on_stack_undo_text_changed)
        stack.redoTextChanged.connect(self._on_stack_redo_text_changed)

    @staticmethod
    def _make(text: str, owner: QWidget, shortcuts: list[QKeySequence]) -> QAction:
        action = QAction(text, owner)
        action.setShortcuts(shortcuts)
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.setToolTip(text)
        owner.addAction(action)
        return action

    @Slot(str)
    def _on_stack_undo_text_changed(self, text: str) -> None:
        self.undo.setToolTip(f"Undo {text}" if text else "Nothing to undo")

    @Slot(str)
    def _on_stack_redo_text_changed(self, text: str) -> None:
        self.redo.setToolTip(f"Redo {text}" if text else "Nothing to redo")
