"""`ErrorBanner`: the last render error, what to do about it, and a retry countdown."""

from __future__ import annotations

from PySide6.QtCore import QTime, QTimer, Signal, Slot
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from imageai.services.error_advice import ErrorAction, ErrorAdvice


class ErrorBanner(QFrame):
    """Shows an `ErrorAdvice`; the action button is held back during a rate-limit countdown.

    Signals:
        action_requested(action, scene_id)
    """

    action_requested = Signal(str, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("errorBanner")
        self.setStyleSheet(
            "#errorBanner { background: #fef2f2; border: 1px solid #fca5a5; border-radius: 6px; }"
            # Its own text colour: the palette's would be light on this pink in the dark theme.
            "#errorBanner QLabel { color: #450a0a; }"
        )
        self.title = QLabel()
        self.title.setStyleSheet("font-weight: bold; color: #991b1b;")
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.action_button = QPushButton()
        self.action_button.clicked.connect(self._on_action_button_clicked)
        self.close_button = QPushButton("Dismiss")
        self.close_button.clicked.connect(self.hide)
        text = QVBoxLayout()
        text.addWidget(self.title)
        text.addWidget(self.message)
        layout = QHBoxLayout(self)
        layout.addLayout(text, 1)
        layout.addWidget(self.action_button)
        layout.addWidget(self.close_button)
        self._advice: ErrorAdvice | None = None
        self._scene_id = ""
        self._remaining = 0
        self._timer = QTimer(self)
        self._timer.setInterval(1000)
        self._timer.timeout.connect(self._on_timer_timeout)
        self.hide()

    @property
    def advice(self) -> ErrorAdvice | None:
        return self._advice

    @property
    def remaining(self) -> int:
        return self._remaining

    def show_advice(self, advice: ErrorAdvice, scene_id: str = "") -> None:
        self._advice, self._scene_id = advice, scene_id
        self.title.setText(advice.title)
        message = advice.message
        if advice.countdown_s > 0 and advice.action is not ErrorAction.NONE:
            at = QTime.currentTime().addSecs(advice.countdown_s).toString("HH:mm:ss")
            message += f" {advice.action_label} is possible from {at}."
        self.message.setText(message)
        self.action_button.setVisible(advice.action is not ErrorAction.NONE)
        self._remaining = advice.countdown_s
        self._show_countdown()
        if self._remaining > 0:
            self._timer.start()
        else:
            self._timer.stop()
        self.show()

    def _show_countdown(self) -> None:
        assert self._advice is not None
        if self._remaining > 0:
            self.action_button.setText(f"{self._advice.action_label} in {self._remaining} s")
            self.action_button.setEnabled(False)
        else:
            self.action_button.setText(self._advice.action_label)
            self.action_button.setEnabled(True)

    @Slot()
    def _on_timer_timeout(self) -> None:
        self._remaining = max(0, self._remaining - 1)
        self._show_countdown()
        if self._remaining == 0:
            self._timer.stop()

    @Slot()
    def _on_action_button_clicked(self) -> None:
        if self._advice is not None:
            self.action_requested.emit(self._advice.action.value, self._scene_id)
            self.hide()
