"""The GUI's webhook receiver applies verified events to the open project, on the GUI thread."""

from __future__ import annotations

import socket
from typing import TYPE_CHECKING

import httpx

from imageai.core import project_store
from imageai.core.ledger import Ledger
from imageai.core.models import Project, RenderState, Scene
from imageai.services.project_document import ProjectDocument
from imageai.services.webhook_service import WebhookService
from tests.unit.providers.openai.test_sora_webhooks import SECRET, _signed

if TYPE_CHECKING:
    from pathlib import Path

    from pytestqt.qtbot import QtBot


def test_verified_event_updates_the_open_project(qtbot: QtBot, tmp_path: Path) -> None:
    scene = Scene(prompt="a", job_id="video_123", state=RenderState.RENDERING)
    project_store.save(Project(scenes=(scene,)), tmp_path)
    service = WebhookService(ProjectDocument.open(tmp_path))
    with qtbot.wait_signal(service.running_changed) as started:
        assert service.start(0, SECRET)
    assert started.args[0] is True
    url = f"http://127.0.0.1:{service.port}/"
    payload, headers = _signed("video.completed", "video_123")
    with qtbot.wait_signal(service.scenes_updated, timeout=5000) as updated:
        assert httpx.post(url, content=payload, headers=headers, timeout=5).status_code < 300
    assert updated.args == [[scene.id]]
    assert project_store.load(tmp_path).scene(scene.id).state is RenderState.DOWNLOADING
    assert [e.event for e in Ledger(tmp_path / "ledger.jsonl").entries()] == ["completed"]
    with qtbot.assert_not_emitted(service.scenes_updated, wait=300):
        tampered = payload.replace(b"video_123", b"video_999")
        assert httpx.post(url, content=tampered, headers=headers, timeout=5).status_code == 400
    service.stop()
    assert not service.running


def test_busy_port_and_missing_secret_are_reported(qtbot: QtBot, tmp_path: Path) -> None:
    service = WebhookService(ProjectDocument(Project()))
    with qtbot.wait_signal(service.running_changed) as missing:
        assert not service.start(0, "  ")
    assert missing.args == [False, "Enter the webhook signing secret first."]
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with qtbot.wait_signal(service.running_changed) as refused:
            assert not service.start(port, SECRET)
    assert refused.args[0] is False
    assert f"port {port}" in refused.args[1]
