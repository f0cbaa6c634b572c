"""Helper processes run below the app's priority: the encoders and the clip checks."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import TYPE_CHECKING

import pytest

from imageai.core import background_process
from imageai.core.background_process import BACKGROUND_NICENESS, run_in_background
from imageai.core.media import decode_video
from tests.unit.core.test_media import make_clip

if TYPE_CHECKING:
    from pathlib import Path

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="POSIX niceness")


@posix_only
def test_run_in_background_runs_nicer_and_returns_the_output() -> None:
    # The child waits (at most 20 s) for its niceness to change, then prints it: without
    # the change it prints the app's own value.
    code = (
        "import os, time\n"
        "start = os.getpriority(os.PRIO_PROCESS, 0)\n"
        "end = time.monotonic() + 20\n"
        "while os.getpriority(os.PRIO_PROCESS, 0) == start and time.monotonic() < end:\n"
        "    time.sleep(0.01)\n"
        "print(os.getpriority(os.PRIO_PROCESS, 0))\n"
    )
    result = run_in_background([sys.executable, "-c", code], timeout=60)

    own = os.getpriority(os.PRIO_PROCESS, 0)
    assert result.returncode == 0
    assert int(result.stdout) == min(19, own + BACKGROUND_NICENESS)


def test_run_in_background_kills_a_process_past_its_timeout() -> None:
    with pytest.raises(subprocess.TimeoutExpired):
        run_in_background([sys.executable, "-c", "import time; time.sleep(60)"], timeout=0.5)


@posix_only
def test_the_clip_check_decodes_below_the_app(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lowered: list[int] = []
    real = background_process.lower_priority

    def record(pid: int) -> None:
        lowered.append(pid)
        real(pid)

    monkeypatch.setattr(background_process, "lower_priority", record)
    clip = make_clip(tmp_path / "c.mp4")

    report = decode_video(clip)

    assert report.frames > 0 and not report.error
    assert len(lowered) == 1
