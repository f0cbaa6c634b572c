"""The Sora webhook receiver's settings: signing secret, port, start and stop."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:
    from imageai.services.app_settings import SettingsStore
    from imageai.services.webhook_service import WebhookService

SECRET_ENV = "OPENAI_WEBHOOK_SECRET"


class WebhookDialog(QDialog):
    """Starts or stops the receiver; polling stays the default whatever is chosen here."""

    def __init__(
        self, service: WebhookService, settings: SettingsStore, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Sora webhook receiver")
        self._service = service
        self._settings = settings
        intro = QLabel(
            "Optional. Point your endpoint's webhooks (video.completed, video.failed) at this "
            "receiver and scenes are marked as soon as the provider reports them; polling goes "
            "on as usual. Requests that are unsigned, tampered with or stale are refused."
        )
        intro.setWordWrap(True)
        self.secret_edit = QLineEdit()
        self.secret_edit.setEchoMode(QLineEdit.EchoMode.Password)
        from_env = bool(os.environ.get(SECRET_ENV, "").strip())
        self.secret_edit.setPlaceholderText(
            f"from {SECRET_ENV}" if from_env else "whsec_… (kept for this session only)"
        )
        self.port_spin = QSpinBox()
        self.port_spin.setRange(1, 65535)
        self.port_spin.setValue(settings.preferences.webhook_port)
        self.toggle_button = QPushButton()
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        form = QFormLayout()
        form.addRow("Signing secret", self.secret_edit)
        form.addRow("Port (127.0.0.1)", self.port_spin)
        form.addRow("", self.toggle_button)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.status_label)
        layout.addWidget(buttons)
        self.toggle_button.clicked.connect(self._on_toggle_clicked)
        service.running_changed.connect(self._on_service_running_changed)
        self._show_state(service.running, "")

    def secret(self) -> str:
        return self.secret_edit.text().strip() or os.environ.get(SECRET_ENV, "").strip()

    @Slot()
    def _on_toggle_clicked(self) -> None:
        if self._service.running:
            self._service.stop()
            return
        port = self.port_spin.value()
        self._settings.set_preferences(webhook_port=port)
        self._service.start(port, self.secret())

    @Slot(bool, str)
    def _on_service_running_changed(self, running: bool, message: str) -> None:
        self._show_state(running, message)

    def _show_state(self, running: bool, message: str) -> None:
        self.toggle_button.setText("Stop receiver" if running else "Start receiver")
        self.port_spin.setEnabled(not running)
        self.secret_edit.setEnabled(not running)
        if message:
            self.status_label.setText(message)
        elif running:
            self.status_label.setText(f"Listening on port {self._service.port}.")
        else:
            self.status_label.setText("Not running.")
