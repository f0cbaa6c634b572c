"""Helper processes run below the app's priority: the encoders and the clip checks."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from typing import TYPE_CHECKING, Any

import pytest

from imageai.core import background_process, media
from imageai.core.background_process import BACKGROUND_NICENESS, run_in_background
from imageai.core.media import MediaError, decode_video
from tests.unit.core.test_media import make_clip

if TYPE_CHECKING:
    from pathlib import Path

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="POSIX niceness")


@posix_only
@pytest.mark.skipif(shutil.which("nice") is None, reason="no POSIX nice here")
def test_a_background_process_is_nicer_from_its_first_instruction() -> None:
    # Threads a process starts before the parent lowers its priority keep the priority they
    # were born with: the child reads its own niceness at once, before any could have.
    code = "import os; print(os.getpriority(os.PRIO_PROCESS, 0))"
    result = run_in_background([sys.executable, "-c", code], timeout=60)

    own = os.getpriority(os.PRIO_PROCESS, 0)
    assert result.returncode == 0
    assert int(result.stdout) == min(19, own + BACKGROUND_NICENESS)


def test_run_in_background_kills_a_process_past_its_timeout() -> None:
    with pytest.raises(subprocess.TimeoutExpired):
        run_in_background([sys.executable, "-c", "import time; time.sleep(60)"], timeout=0.5)


def test_the_clip_check_decodes_below_the_app(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    started: list[list[str]] = []
    real = background_process.start_in_background

    def record(command: list[str], **popen: Any) -> subprocess.Popen[Any]:
        started.append(list(command))
        return real(command, **popen)

    monkeypatch.setattr(background_process, "start_in_background", record)
    clip = make_clip(tmp_path / "c.mp4")

    report = decode_video(clip)

    assert report.frames > 0 and not report.error
    assert len(started) == 1
    assert str(clip) in started[0]


@posix_only
def test_without_nice_the_priority_is_lowered_after_the_start(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(background_process, "_nice_exe", lambda: None)
    code = "import sys; sys.stdin.read()"  # runs until its stdin closes
    process = background_process.start_in_background(
        [sys.executable, "-c", code], stdin=subprocess.PIPE
    )
    try:
        niceness = os.getpriority(os.PRIO_PROCESS, process.pid)
    finally:
        process.communicate(timeout=60)

    own = os.getpriority(os.PRIO_PROCESS, 0)
    assert niceness == min(19, own + BACKGROUND_NICENESS)


@pytest.mark.parametrize("kind", ["missing", "not executable"])
def test_a_program_that_cannot_start_raises_as_popen_would(tmp_path: Path, kind: str) -> None:
    # Started through nice, the program is nice's to run: it exits 126 or 127, which a caller
    # took for the program's own answer (a clip check: "the file is damaged").
    program = tmp_path / "ffmpeg"
    if kind == "not executable":
        program.write_text("#!/bin/sh\nexit 0\n")
        program.chmod(0o644)

    with pytest.raises(OSError, match="ffmpeg"):
        run_in_background([str(program), "-version"], timeout=60)
    with pytest.raises(OSError, match="ffmpeg"):
        background_process.start_in_background([str(program)], stdin=subprocess.DEVNULL)


def test_a_clip_check_without_a_runnable_ffmpeg_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clip = make_clip(tmp_path / "c.mp4")
    monkeypatch.setattr(media, "ffmpeg_exe", lambda: str(tmp_path / "gone" / "ffmpeg"))

    with pytest.raises(MediaError, match="could not check"):
        decode_video(clip)
