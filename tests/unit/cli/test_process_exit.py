"""The ``imageai`` process ends at once after its command, with its output and log whole."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from typing import TYPE_CHECKING

from tests.fakes.server_process import REPO

if TYPE_CHECKING:
    from pathlib import Path


def _cli(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("IMAGEAI_")}
    env.update(IMAGEAI_HOME=str(home), IMAGEAI_NO_KEYRING="1", QT_QPA_PLATFORM="offscreen")
    return subprocess.run(
        [sys.executable, "-m", "imageai", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_a_render_s_output_exit_code_log_and_files_are_whole(tmp_path: Path) -> None:
    home, folder = tmp_path / "home", tmp_path / "film"
    script = tmp_path / "film.txt"
    script.write_text("A lighthouse at dusk. [2s]\n\nThe lamp turns on. [2s]\n")
    init = _cli(
        home, "video", "init", str(folder), "--provider", "animatic", "--script", str(script)
    )
    assert init.returncode == 0, init.stderr

    render = _cli(home, "video", "render", str(folder), "--json")

    assert render.returncode == 0, render.stderr
    events = [json.loads(line) for line in render.stdout.splitlines()]  # piped: all flushed
    assert events[-1]["event"] == "finished" and events[-1]["done"] == 2
    status = json.loads(_cli(home, "video", "status", str(folder), "--json").stdout)
    assert [s["state"] for s in status["scenes"]] == ["done", "done"]
    log = (home / "logs" / "imageai-cli.log").read_text()
    assert log.strip()


def test_an_error_exit_code_survives_the_fast_exit(tmp_path: Path) -> None:
    missing = _cli(tmp_path / "home", "video", "status", str(tmp_path / "nowhere"))
    assert missing.returncode == 2
    assert "imageai: error:" in missing.stderr


def test_a_reader_that_stops_early_gets_no_error(tmp_path: Path) -> None:
    # `imageai image models | head -1` when head has gone before the list is written: here
    # `true` reads nothing and exits at once, so the write always finds the pipe closed.
    env = {**os.environ, "IMAGEAI_HOME": str(tmp_path)}
    script = f"{shlex.quote(sys.executable)} -m imageai image models --all | true"
    out = subprocess.run(
        ["bash", "-o", "pipefail", "-c", script],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert out.stderr == ""
    assert out.returncode == 0
