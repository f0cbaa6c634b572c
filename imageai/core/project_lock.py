"""A cross-process advisory lock on a project folder, held while jobs write to it."""

from __future__ import annotations

import contextlib
import os
import sys
import threading
from typing import IO, TYPE_CHECKING

from imageai.core import project_files
from imageai.core.errors import ValidationError
from imageai.core.part_files import remove_stale_parts

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

LOCK_NAME = ".imageai.lock"
#: Windows locks a byte range; one far past the pid text keeps the pid readable.
_WINDOWS_LOCK_OFFSET = 1 << 20


class ProjectLockedError(ValidationError):
    """Another process is rendering, remixing or applying webhooks to the project."""

    def __init__(self, folder: Path, holder: str) -> None:
        self.folder = folder
        self.holder = holder
        super().__init__(
            "project",
            f"{folder} is in use by another ImageAI process ({holder}); wait for it to finish "
            "or stop it, so the same scenes are not created (and paid for) twice",
        )


def _try_lock(handle: IO[str]) -> bool:
    """Lock ``handle`` without waiting; False when another open file holds it."""
    if sys.platform == "win32":
        import msvcrt

        handle.seek(_WINDOWS_LOCK_OFFSET)
        try:
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def _unlock(handle: IO[str]) -> None:
    if sys.platform == "win32":
        import msvcrt

        handle.seek(_WINDOWS_LOCK_OFFSET)
        with contextlib.suppress(OSError):
            msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)
        return
    import fcntl

    fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


class ProjectLock:
    """The lock file ``DIR/.imageai.lock``; it holds the pid of the process that has it."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.path = folder / LOCK_NAME
        self._handle: IO[str] | None = None

    @property
    def held(self) -> bool:
        return self._handle is not None

    def acquire(self, what: str = "jobs") -> None:
        """Take the lock or raise `ProjectLockedError` naming the process that has it."""
        if self._handle is not None:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        # No-follow: a received project's lock file may be a link to a file worth truncating.
        handle = project_files.open_update(self.path)
        if not _try_lock(handle):
            handle.seek(0)
            holder = handle.read(200).strip() or "pid unknown"
            handle.close()
            raise ProjectLockedError(self.folder, holder)
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()} ({what})")
        handle.flush()
        self._handle = handle

    def release(self) -> None:
        handle, self._handle = self._handle, None
        if handle is None:
            return
        with contextlib.suppress(OSError):
            handle.seek(0)
            handle.truncate()
        _unlock(handle)
        handle.close()


_held: dict[Path, tuple[ProjectLock, int]] = {}
_held_lock = threading.Lock()


def acquire_project(folder: Path, what: str = "jobs") -> None:
    """Hold ``folder``'s lock for this process; counted, so a render and a remix of the same
    project in one app share it. Raises `ProjectLockedError` if another process has it."""
    key = folder.resolve()
    with _held_lock:
        lock, count = _held.get(key, (None, 0))
        if lock is None:
            lock = ProjectLock(key)
            lock.acquire(what)
            # No process had it and none of ours did: no download writes a .part here now.
            remove_stale_parts(key)
        _held[key] = (lock, count + 1)


def release_project(folder: Path) -> None:
    """Undo one `acquire_project`; the last one lets other processes in."""
    key = folder.resolve()
    with _held_lock:
        lock, count = _held.get(key, (None, 0))
        if lock is None:
            return
        if count > 1:
            _held[key] = (lock, count - 1)
            return
        del _held[key]
        lock.release()


@contextlib.contextmanager
def holding_project(folder: Path, what: str = "jobs") -> Iterator[None]:
    """Hold ``folder``'s lock for the ``with`` block."""
    acquire_project(folder, what)
    try:
        yield
    finally:
        release_project(folder)
