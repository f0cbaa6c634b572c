"""Helper processes (ffmpeg) started below the app's priority, so the GUI thread keeps its CPU."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

#: How much nicer than the app an encoder or a clip check runs (POSIX).
BACKGROUND_NICENESS = 10
#: The same on Windows: the below-normal priority class (0 elsewhere).
BACKGROUND_CREATION_FLAGS: int = getattr(subprocess, "BELOW_NORMAL_PRIORITY_CLASS", 0)


def lower_priority(pid: int) -> None:
    """Make a started process yield the CPU to the app.

    Several x264 encoders and clip checks on a 2-core machine otherwise starve the GUI thread:
    its event loop stalled for 60-200 ms while 4 renders ran (benchmarks/gui_event_loop.py).
    Threads the process starts later inherit the value.
    """
    if sys.platform == "win32":
        return  # BACKGROUND_CREATION_FLAGS did it
    with contextlib.suppress(OSError):  # it may have exited already
        own = os.getpriority(os.PRIO_PROCESS, 0)
        os.setpriority(os.PRIO_PROCESS, pid, min(19, own + BACKGROUND_NICENESS))


def run_in_background(command: Sequence[str], timeout: float) -> subprocess.CompletedProcess[str]:
    """`subprocess.run` (text output captured, no check) for a process below the app's priority.

    Raises:
        OSError: it could not start.
        subprocess.TimeoutExpired: it ran past ``timeout`` (it is killed first).
    """
    with subprocess.Popen(
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        creationflags=BACKGROUND_CREATION_FLAGS,
    ) as process:
        lower_priority(process.pid)
        try:
            stdout, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()
            raise
    return subprocess.CompletedProcess(command, process.returncode, stdout, stderr)
