"""Settings > Sora webhook receiver: start with a secret, events mark scenes, stop."""

from __future__ import annotations

from typing import TYPE_CHECKING

import httpx
import pytest
from PySide6.QtCore import Qt

from imageai.core.models import Project, RenderState, Scene
from imageai.gui.settings.webhook_dialog import WebhookDialog
from imageai.services.app_settings import SettingsStore, load_settings
from imageai.services.project_document import ProjectDocument
from imageai.services.webhook_service import WebhookService
from tests.unit.providers.openai.test_sora_webhooks import SECRET, _signed

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot


@pytest.fixture
def dialog(qtbot: QtBot) -> WebhookDialog:
    scene = Scene(prompt="a", job_id="video_123", state=RenderState.RENDERING)
    service = WebhookService(ProjectDocument(Project(scenes=(scene,))))
    dialog = WebhookDialog(service, SettingsStore())
    qtbot.add_widget(dialog)
    dialog.port_spin.setValue(free_port())
    return dialog


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_start_receive_and_stop(qtbot: QtBot, dialog: WebhookDialog) -> None:
    service = dialog._service
    dialog.secret_edit.setText(SECRET)
    qtbot.mouseClick(dialog.toggle_button, Qt.MouseButton.LeftButton)
    assert service.running
    assert "Listening on http://127.0.0.1:" in dialog.status_label.text()
    assert dialog.toggle_button.text() == "Stop receiver"
    assert load_settings().preferences.webhook_port == dialog.port_spin.value()
    payload, headers = _signed("video.completed", "video_123")
    with qtbot.wait_signal(service.scenes_updated, timeout=5000):
        response = httpx.post(
            f"http://127.0.0.1:{service.port}/", content=payload, headers=headers, timeout=5
        )
    assert response.status_code < 300
    scene = service._doc.project.scenes[0]
    assert scene.state is RenderState.DOWNLOADING
    qtbot.mouseClick(dialog.toggle_button, Qt.MouseButton.LeftButton)
    assert not service.running
    assert dialog.toggle_button.text() == "Start receiver"


def test_start_without_a_secret_says_so(qtbot: QtBot, dialog: WebhookDialog) -> None:
    qtbot.mouseClick(dialog.toggle_button, Qt.MouseButton.LeftButton)
    assert not dialog._service.running
    assert dialog.status_label.text() == "Enter the webhook signing secret first."
