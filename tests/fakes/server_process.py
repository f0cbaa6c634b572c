"""Start and stop the fake API server as a real subprocess, for end-to-end tests."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parents[2]


class FakeServerProcess:
    """A running ``tests.fakes.fake_server``; ``url`` is its base, ``stats()`` its counters."""

    def __init__(
        self, workdir: Path, config: dict[str, Any] | None = None, sample_clip: Path | None = None
    ) -> None:
        port_file = workdir / "fake_server.port"
        port_file.unlink(missing_ok=True)
        cmd = [
            sys.executable,
            "-m",
            "tests.fakes.fake_server",
            "--port-file",
            str(port_file),
            "--config",
            json.dumps(config or {}),
            "--max-seconds",
            "900",
        ]
        if sample_clip is not None:
            cmd += ["--sample-clip", str(sample_clip)]
        self.process = subprocess.Popen(cmd, cwd=REPO)
        deadline = time.monotonic() + 20
        while not port_file.exists():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.process.kill()
                raise RuntimeError("fake server did not start")
            time.sleep(0.05)
        self.port = int(port_file.read_text())
        self.url = f"http://127.0.0.1:{self.port}"

    def stats(self) -> dict[str, int]:
        return dict(httpx.get(f"{self.url}/_fake/stats", timeout=5).json())

    def configure(self, **config: Any) -> None:
        httpx.post(f"{self.url}/_fake/config", json=config, timeout=5).raise_for_status()

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
