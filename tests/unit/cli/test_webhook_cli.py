"""`imageai webhook serve` marks matching scenes; unsigned or tampered requests change nothing."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from typing import TYPE_CHECKING

import httpx
import pytest

from imageai.core import project_store
from imageai.core.ledger import Ledger
from imageai.core.models import Project, RenderState, Scene
from imageai.core.webhook_apply import apply_video_event
from tests.unit.providers.openai.test_sora_webhooks import SECRET, _signed

if TYPE_CHECKING:
    from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_apply_marks_only_waiting_scenes_with_that_job() -> None:
    waiting = Scene(prompt="a", job_id="video_1", state=RenderState.RENDERING)
    done = Scene(prompt="b", job_id="video_1", state=RenderState.DONE)
    other = Scene(prompt="c", job_id="video_2", state=RenderState.RENDERING)
    project, changed = apply_video_event(
        Project(scenes=(waiting, done, other)), "video_1", "video.completed"
    )
    assert changed == [waiting.id]
    assert project.scene(waiting.id).state is RenderState.DOWNLOADING
    assert project.scene(done.id).state is RenderState.DONE
    failed, _ = apply_video_event(project, "video_2", "video.failed")
    assert failed.scene(other.id).state is RenderState.FAILED


def test_serve_updates_project_and_rejects_tampering(tmp_path: Path) -> None:
    ok = Scene(prompt="a", job_id="video_123", state=RenderState.RENDERING)
    bad = Scene(prompt="b", job_id="video_999", state=RenderState.RENDERING)
    project_store.save(Project(scenes=(ok, bad)), tmp_path / "p")
    port = free_port()
    env = {**os.environ, "OPENAI_WEBHOOK_SECRET": SECRET}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "imageai",
            "webhook",
            "serve",
            "--port",
            str(port),
            "--project",
            str(tmp_path / "p"),
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        url = f"http://127.0.0.1:{port}/"
        deadline = time.monotonic() + 20
        while True:
            try:
                httpx.get(url, timeout=1)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    pytest.fail("webhook receiver did not start")
                time.sleep(0.1)
        payload, headers = _signed("video.failed", "video_999", webhook_id="msg_t")
        tampered = payload.replace(b"video_999", b"video_123")
        assert httpx.post(url, content=tampered, headers=headers, timeout=5).status_code == 400
        assert httpx.post(url, content=payload, timeout=5).status_code == 400
        stale, stale_headers = _signed(
            "video.failed", "video_999", at=int(time.time()) - 3600, webhook_id="msg_s"
        )
        assert httpx.post(url, content=stale, headers=stale_headers, timeout=5).status_code == 400
        assert project_store.load(tmp_path / "p").scene(bad.id).state is RenderState.RENDERING

        payload, headers = _signed("video.completed", "video_123", webhook_id="msg_ok")
        assert httpx.post(url, content=payload, headers=headers, timeout=5).status_code < 300
        project = project_store.load(tmp_path / "p")
        assert project.scene(ok.id).state is RenderState.DOWNLOADING
        assert project.scene(bad.id).state is RenderState.RENDERING
        entries = Ledger(tmp_path / "p" / "ledger.jsonl").entries()
        assert [(e.event, e.job_id) for e in entries] == [("completed", "video_123")]
    finally:
        proc.terminate()
        proc.communicate(timeout=10)


def test_serve_without_secret_is_invalid_input(tmp_path: Path) -> None:
    project_store.save(Project(), tmp_path)
    env = {k: v for k, v in os.environ.items() if k != "OPENAI_WEBHOOK_SECRET"}
    result = subprocess.run(
        [sys.executable, "-m", "imageai", "webhook", "serve", "--project", str(tmp_path)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "OPENAI_WEBHOOK_SECRET" in result.stderr
