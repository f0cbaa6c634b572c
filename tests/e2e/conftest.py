"""End-to-end fixtures: the fake API server process, and `imageai` run as a subprocess against it."""

from __future__ import annotations

import contextlib
import os
import queue
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pytest

from tests.fakes.server_process import REPO, FakeServerProcess

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from pathlib import Path

#: Keys the fake accepts; nothing real.
OPENAI_KEY = "sk-e2e-fake-openai"
GEMINI_KEY = "e2e-fake-gemini"


@pytest.fixture
def fake_api(tmp_path: Path) -> Iterator[Callable[..., FakeServerProcess]]:
    """Start the fake server process with the given `FakeConfig` fields; stopped after the test."""
    started: list[FakeServerProcess] = []

    def start(**config: Any) -> FakeServerProcess:
        workdir = tmp_path / f"fake-{len(started)}"
        workdir.mkdir()
        server = FakeServerProcess(workdir, {"valid_keys": [OPENAI_KEY, GEMINI_KEY], **config})
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def quick_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI's poll interval is 0.25 s where the app's is 5 s (Veo, Omni) or 2 s (/v1/videos
    without a hint), so a failed poll backs off from there (0.5, 1, 2 s instead of 4-20 s), and
    it pauses 1/20 as long as the app before a create or download is tried again (0.5-8 s
    there). The fake answers in milliseconds, so the app's pauses would only wait; the retries
    made, and what each one checks, are the same."""
    monkeypatch.setenv("IMAGEAI_POLL_INTERVAL_S", "0.25")
    monkeypatch.setenv("IMAGEAI_RETRY_PAUSE_SCALE", "0.05")


@dataclass
class Spawned:
    """A running `imageai` process whose stdout lines arrive on a queue."""

    process: subprocess.Popen[str]
    lines: queue.Queue[str]

    def next_line(self, timeout: float) -> str | None:
        try:
            return self.lines.get(timeout=timeout)
        except queue.Empty:
            return None


class ImageaiCli:
    """Runs ``python -m imageai`` with fake keys and base URLs pointing at ``server``."""

    def __init__(self, home: Path) -> None:
        self.home = home
        self.server: FakeServerProcess | None = None
        self._spawned: list[Spawned] = []

    def env(self) -> dict[str, str]:
        env = {
            **os.environ,
            "QT_QPA_PLATFORM": "offscreen",
            "IMAGEAI_HOME": str(self.home),
            "IMAGEAI_NO_KEYRING": "1",
            "OPENAI_API_KEY": OPENAI_KEY,
            "GEMINI_API_KEY": GEMINI_KEY,
        }
        if self.server is not None:
            env["OPENAI_BASE_URL"] = f"{self.server.url}/v1"
            env["GOOGLE_GEMINI_BASE_URL"] = self.server.url
        return env

    def run(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "imageai", *args],
            cwd=REPO,
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    def spawn(self, *args: str) -> Spawned:
        process = subprocess.Popen(
            [sys.executable, "-m", "imageai", *args],
            cwd=REPO,
            env=self.env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        lines: queue.Queue[str] = queue.Queue()

        def pump() -> None:
            assert process.stdout is not None
            for line in process.stdout:
                lines.put(line)

        threading.Thread(target=pump, daemon=True).start()
        spawned = Spawned(process, lines)
        self._spawned.append(spawned)
        return spawned

    def close(self) -> None:
        for spawned in self._spawned:
            if spawned.process.poll() is None:
                spawned.process.kill()
            with contextlib.suppress(subprocess.TimeoutExpired):
                spawned.process.wait(timeout=10)
            if spawned.process.stdout is not None:
                spawned.process.stdout.close()


@pytest.fixture
def imageai_cli(tmp_path: Path) -> Iterator[ImageaiCli]:
    """`imageai` as a subprocess; set ``.server`` to point it at a fake server."""
    cli = ImageaiCli(tmp_path / "home")
    yield cli
    cli.close()


def wait_for(predicate: Callable[[], bool], timeout: float, interval: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()
