"""`imageai webhook serve`: bad secret, port and host are clear errors; a busy project defers."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from typing import TYPE_CHECKING

import httpx
import pytest

from imageai.cli.main import main
from imageai.core import project_store
from imageai.core.models import Project, RenderState, Scene
from imageai.core.project_lock import holding_project
from tests.unit.cli.test_webhook_cli import free_port
from tests.unit.providers.openai.test_sora_webhooks import SECRET, _signed

if TYPE_CHECKING:
    from pathlib import Path


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "p").mkdir()
    project_store.save(Project(), tmp_path / "p")
    monkeypatch.setenv("OPENAI_WEBHOOK_SECRET", SECRET)
    return tmp_path / "p"


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--port", "70000"], "out of range"),
        (["--port", "-1"], "out of range"),
        (["--port", "http"], "not a port number"),
        (["--host", "no-such-host.invalid"], "cannot listen on 'no-such-host.invalid'"),
        (["--host", "203.0.113.7"], "cannot listen on '203.0.113.7'"),
    ],
)
def test_bad_port_or_host_exits_2_with_a_reason(
    folder: Path, capsys: pytest.CaptureFixture[str], extra: list[str], message: str
) -> None:
    assert main(["webhook", "serve", "--project", str(folder), *extra]) == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err


def test_a_port_in_use_exits_2(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["webhook", "serve", "--project", str(folder), "--port", str(port)]) == 2
    assert f"port {port} is already in use" in capsys.readouterr().err


@pytest.mark.parametrize("secret", ["whsec_", "whsec_AAAA", "not base64 at all"])
def test_an_unusable_secret_refuses_to_start(
    folder: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], secret: str
) -> None:
    monkeypatch.setenv("OPENAI_WEBHOOK_SECRET", secret)
    assert main(["webhook", "serve", "--project", str(folder), "--port", "0"]) == 2
    assert "imageai: error: secret: the signing secret" in capsys.readouterr().err


def _start(folder: Path, port: int, *extra: str) -> subprocess.Popen[str]:
    env = {**os.environ, "OPENAI_WEBHOOK_SECRET": SECRET}
    cmd = [sys.executable, "-m", "imageai", "webhook", "serve", "--port", str(port)]
    return subprocess.Popen(
        [*cmd, "--project", str(folder), *extra],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_listening(proc: subprocess.Popen[str], url: str) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.TransportError:
            if time.monotonic() > deadline or proc.poll() is not None:
                pytest.fail("webhook receiver did not start")
            time.sleep(0.1)


def test_a_delivery_during_a_render_is_deferred_and_its_redelivery_applied(tmp_path: Path) -> None:
    waiting = Scene(prompt="a", job_id="video_123", state=RenderState.RENDERING)
    folder = tmp_path / "p"
    folder.mkdir()
    project_store.save(Project(scenes=(waiting,)), folder)
    port = free_port()
    proc = _start(folder, port, "--host", "0.0.0.0")
    try:
        url = f"http://127.0.0.1:{port}/"
        _wait_listening(proc, url)
        payload, headers = _signed("video.completed", "video_123", webhook_id="msg_lock")
        with holding_project(folder, "render"):
            busy = httpx.post(url, content=payload, headers=headers, timeout=10)
        assert busy.status_code == 503
        assert busy.headers["retry-after"]
        assert project_store.load(folder).scene(waiting.id).state is RenderState.RENDERING
        again = httpx.post(url, content=payload, headers=headers, timeout=10)
        assert again.status_code == 200
        assert project_store.load(folder).scene(waiting.id).state is RenderState.DOWNLOADING
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=10)
    assert "warning: listening on 0.0.0.0" in err
