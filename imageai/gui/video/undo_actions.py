"""Undo and Redo actions with fixed texts (the toolbar stays still); the tooltip says what."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Slot
from PySide6.QtGui import QAction, QKeySequence

from imageai.services.action_state import Action, UndoInputs, undo_state

if TYPE_CHECKING:
    from PySide6.QtGui import QUndoStack
    from PySide6.QtWidgets import QWidget


def undo_inputs(stack: QUndoStack) -> UndoInputs:
    """What `action_state` needs to know of ``stack``."""
    return UndoInputs(
        can_undo=stack.canUndo(),
        undo_text=stack.undoText(),
        can_redo=stack.canRedo(),
        redo_text=stack.redoText(),
    )


class UndoRedoActions(QObject):
    """``undo`` and ``redo`` trigger ``stack``; their shortcuts work anywhere in ``owner``.

    Their enablement and tooltips are `action_state`'s (`undo_state`), applied on each change
    of the stack, so they follow it wherever they are shown (the toolbar, the Edit menu)."""

    def __init__(self, stack: QUndoStack, owner: QWidget) -> None:
        super().__init__(owner)
        self.undo = self._make("Undo", owner, [QKeySequence("Ctrl+Z")])
        self.redo = self._make(
            "Redo", owner, [QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")]
        )
        self.undo.triggered.connect(stack.undo)
        self.redo.triggered.connect(stack.redo)
        # Kept from the signals' arguments: the stack emits them from its destructor too,
        # when it can no longer be asked.
        self._inputs = undo_inputs(stack)
        stack.canUndoChanged.connect(self._on_stack_can_undo_changed)
        stack.undoTextChanged.connect(self._on_stack_undo_text_changed)
        stack.canRedoChanged.connect(self._on_stack_can_redo_changed)
        stack.redoTextChanged.connect(self._on_stack_redo_text_changed)
        self.update()

    @staticmethod
    def _make(text: str, owner: QWidget, shortcuts: list[QKeySequence]) -> QAction:
        action = QAction(text, owner)
        action.setShortcuts(shortcuts)
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        owner.addAction(action)
        return action

    def update(self) -> None:
        """Apply `undo_state` for the stack as last signalled."""
        state = undo_state(self._inputs)
        for name, action in ((Action.UNDO, self.undo), (Action.REDO, self.redo)):
            enabled, tip = state[name]
            action.setEnabled(enabled)
            action.setToolTip(tip)

    def _change(self, **changes: bool | str) -> None:
        self._inputs = replace(self._inputs, **changes)  # type: ignore[arg-type]
        self.update()

    @Slot(bool)
    def _on_stack_can_undo_changed(self, can: bool) -> None:
        self._change(can_undo=can)

    @Slot(str)
    def _on_stack_undo_text_changed(self, text: str) -> None:
        self._change(undo_text=text)

    @Slot(bool)
    def _on_stack_can_redo_changed(self, can: bool) -> None:
        self._change(can_redo=can)

    @Slot(str)
    def _on_stack_redo_text_changed(self, text: str) -> None:
        self._change(redo_text=text)
