"""Helper processes (ffmpeg) started below the app's priority, so the GUI thread keeps its CPU."""

from __future__ import annotations

import contextlib
import errno
import functools
import os
import shutil
import subprocess
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Sequence

#: How much nicer than the app an encoder or a clip check runs (POSIX): the lowest priority.
#: At +10, four encoders on two cores still kept the GUI thread waiting for a CPU for 40-130 ms
#: at times while the cut played; they lose nothing on an idle machine.
BACKGROUND_NICENESS = 19
#: The same on Windows: the below-normal priority class (0 elsewhere).
BACKGROUND_CREATION_FLAGS: int = getattr(subprocess, "BELOW_NORMAL_PRIORITY_CLASS", 0)


@functools.cache
def _nice_exe() -> str | None:
    return None if sys.platform == "win32" else shutil.which("nice")


def start_in_background(command: Sequence[str], **popen: Any) -> subprocess.Popen[Any]:
    """`subprocess.Popen` of a process below the app's priority from its first instruction.

    Through POSIX ``nice`` where there is one: lowering the priority after the start comes too
    late for the threads an encoder starts at once, which keep the priority they were born
    with. Elsewhere the priority is lowered right after the start (the below-normal class on
    Windows is given at creation). On a 2-core machine, encoders and clip checks at the app's
    priority starved its GUI thread: the event loop stalled for 60-200 ms while 4 renders ran
    (benchmarks/gui_event_loop.py).
    """
    nice = _nice_exe()
    if nice is not None:
        _check_runnable(command[0])
        return subprocess.Popen([nice, "-n", str(BACKGROUND_NICENESS), *command], **popen)
    process = subprocess.Popen(list(command), creationflags=BACKGROUND_CREATION_FLAGS, **popen)
    _lower_priority(process.pid)
    return process


def _check_runnable(program: str) -> None:
    """Raise the OSError Popen raises for a program it cannot run. Through nice, it is nice
    that runs it: it exits 126 or 127, which a caller took for the program's own answer (a
    clip check without a runnable ffmpeg said the clip was damaged)."""
    if shutil.which(program) is None:
        code = errno.EACCES if os.sep in program and os.path.exists(program) else errno.ENOENT
        raise OSError(code, os.strerror(code), program)


def _lower_priority(pid: int) -> None:
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
    with start_in_background(
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as process:
        try:
            stdout, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()
            raise
    return subprocess.CompletedProcess(command, process.returncode, stdout, stderr)
