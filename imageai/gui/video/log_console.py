"""`LogConsole`: the status console, timestamped lines from the app and its workers."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import Slot
from PySide6.QtGui import QColor, QTextCharFormat
from PySide6.QtWidgets import QPlainTextEdit, QWidget

if TYPE_CHECKING:
    from imageai.services.log_relay import LogRelay

MAX_LINES = 2000


class LogConsole(QPlainTextEdit):
    """Read-only; warnings and errors in colour."""

    def __init__(self, relay: LogRelay, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("logConsole")
        self.setReadOnly(True)
        self.setMaximumBlockCount(MAX_LINES)
        relay.line_logged.connect(self._on_relay_line_logged)

    @Slot(str, int)
    def _on_relay_line_logged(self, text: str, level: int) -> None:
        fmt = QTextCharFormat()
        if level >= logging.ERROR:
            fmt.setForeground(QColor("#b91c1c"))
        elif level >= logging.WARNING:
            fmt.setForeground(QColor("#b45309"))
        cursor = self.textCursor()
        cursor.movePosition(cursor.MoveOperation.End)
        if not self.document().isEmpty():
            cursor.insertBlock()
        cursor.insertText(text, fmt)
        self.ensureCursorVisible()
