"""Brings log records from any thread to the GUI thread as timestamped lines."""

from __future__ import annotations

import logging
import time

from PySide6.QtCore import QObject, Signal


class LogRelay(QObject):
    """A `logging.Handler` front for the status console.

    Signals:
        line_logged(text, levelno): "14:02:11 INFO message"; queued to the GUI thread
    """

    line_logged = Signal(str, int)

    def __init__(self, level: int = logging.INFO, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._handler = _RelayHandler(self, level)

    @property
    def handler(self) -> logging.Handler:
        return self._handler

    def note(self, message: str, level: int = logging.INFO) -> None:
        """A line from the app itself (render started, scene done...)."""
        self.line_logged.emit(format_line(time.time(), level, message), level)

    def attach(self, logger: logging.Logger | None = None) -> None:
        (logger or logging.getLogger("imageai")).addHandler(self._handler)

    def detach(self, logger: logging.Logger | None = None) -> None:
        (logger or logging.getLogger("imageai")).removeHandler(self._handler)


def format_line(created: float, level: int, message: str) -> str:
    stamp = time.strftime("%H:%M:%S", time.localtime(created))
    return f"{stamp} {logging.getLevelName(level):<7} {message}"


class _RelayHandler(logging.Handler):
    def __init__(self, relay: LogRelay, level: int) -> None:
        super().__init__(level)
        self._relay = relay

    def emit(self, record: logging.LogRecord) -> None:
        try:
            # Only the message: tracebacks stay in the log file, keys never reach messages.
            text = format_line(record.created, record.levelno, record.getMessage())
            self._relay.line_logged.emit(text, record.levelno)
        except RuntimeError:  # the relay was deleted during shutdown
            pass
