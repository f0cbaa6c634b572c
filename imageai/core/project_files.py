"""Every write inside a project folder: names checked, no symlink followed, nothing lands outside."""

from __future__ import annotations

import contextlib
import os
import re
import stat
import tempfile
from pathlib import Path
from typing import IO, TYPE_CHECKING

from imageai.core.errors import ValidationError

if TYPE_CHECKING:
    from collections.abc import Iterator

#: An id that becomes part of a file name (scene ids, take stems): never a path.
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")
ID_RULE = "letters, digits, - and _ only, at most 64 characters"
#: One file name the app writes: no separator, no leading dot or dash, no shell characters.
_NAME = re.compile(r"\.?[A-Za-z0-9][A-Za-z0-9_.-]{0,199}")
#: The folders of a project the app writes into (``refs/fitted`` holds fitted references).
SUBFOLDERS = frozenset({"clips", "thumbs", "refs", "refs/fitted"})
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_BINARY = getattr(os, "O_BINARY", 0)


class ProjectPathError(ValidationError):
    """A name is not a plain file name, or a write would leave the project or follow a link."""

    def __init__(self, message: str) -> None:
        super().__init__("path", message)


def is_valid_id(value: object) -> bool:
    return isinstance(value, str) and _ID.fullmatch(value) is not None


def check_id(value: str, what: str = "id") -> str:
    """``value`` if it is a plain id (letters, digits, ``-`` and ``_``; at most 64)."""
    if not is_valid_id(value):
        raise ProjectPathError(f"{what} {value[:80]!r} is not a valid id ({ID_RULE})")
    return value


def check_name(name: str) -> str:
    """``name`` if it is one plain file name (no folder, no ``..``, no shell characters)."""
    if _NAME.fullmatch(name) is None or ".." in name:
        raise ProjectPathError(f"{name[:80]!r} is not a plain file name")
    return name


def _refuse_link(path: Path) -> None:
    if path.is_symlink():
        raise ProjectPathError(
            f"{path} is a symbolic link; the app does not write through links in a project "
            "folder (replace it with a real file or folder)"
        )


def project_dir(root: Path, sub: str) -> Path:
    """``root/sub`` (one of `SUBFOLDERS`), made if missing; refused if it is or holds a link."""
    if sub not in SUBFOLDERS:
        raise ProjectPathError(f"{sub!r} is not a project folder")
    root.mkdir(parents=True, exist_ok=True)
    folder = root
    for part in sub.split("/"):
        folder = folder / part
        _refuse_link(folder)
        with contextlib.suppress(FileExistsError):
            folder.mkdir()
        if not folder.is_dir():
            raise ProjectPathError(f"{folder} is not a folder")
    return folder


def project_path(root: Path, sub: str, name: str) -> Path:
    """Where the app writes ``name`` in ``root/sub``; the name is checked and no link is used."""
    target = project_dir(root, sub) / check_name(name)
    _refuse_link(target)
    return target


def top_file(root: Path, name: str) -> Path:
    """A file at the top of a project (``ledger.jsonl``, ``.imageai.lock``); never a link."""
    target = root / check_name(name)
    _refuse_link(target)
    return target


def _open_nofollow(path: Path, flags: int, mode: int = 0o600, *, follow: bool = False) -> int:
    """Open ``path`` without following a final symlink (unless ``follow``) and only as a
    regular file: a FIFO or a device is refused without waiting on it."""
    try:
        fd = os.open(path, flags | (0 if follow else _NOFOLLOW) | _CLOEXEC | _NONBLOCK, mode)
    except OSError:
        if path.is_symlink():
            _refuse_link(path)
        raise
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise ProjectPathError(f"{path} is not a regular file")
        if _NONBLOCK:
            os.set_blocking(fd, True)
    except BaseException:
        os.close(fd)
        raise
    return fd


@contextlib.contextmanager
def open_append(path: Path) -> Iterator[IO[bytes]]:
    """``path`` opened for appending bytes (made 0600 if new); a link or a device is refused."""
    _refuse_link(path)
    fd = _open_nofollow(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT)
    with os.fdopen(fd, "ab") as out:
        yield out


def open_update(path: Path) -> IO[str]:
    """``path`` opened for reading and writing text, made 0600 if new, never truncated here."""
    _refuse_link(path)
    fd = _open_nofollow(path, os.O_RDWR | os.O_CREAT)
    return os.fdopen(fd, "r+", encoding="utf-8")


def open_regular(path: Path) -> IO[bytes]:
    """``path`` opened for reading bytes, a link followed, as long as it ends at a regular file
    (a FIFO or a device is refused without waiting on it)."""
    return os.fdopen(_open_nofollow(path, os.O_RDONLY | _BINARY, follow=True), "rb")


def read_regular(path: Path, limit: int) -> bytes:
    """At most ``limit`` bytes of ``path``, a regular file reached without a final link."""
    _refuse_link(path)
    fd = _open_nofollow(path, os.O_RDONLY)
    with os.fdopen(fd, "rb") as src:
        data = src.read(limit + 1)
    if len(data) > limit:
        raise ProjectPathError(f"{path} is larger than {limit} bytes")
    return data


def write_atomic(path: Path, data: bytes, backup: Path | None = None) -> None:
    """Write ``data`` via a temp file, fsync and rename (a link at ``path`` is replaced, never
    followed); the old file's bytes are kept at ``backup`` the same way."""
    folder = path.parent
    folder.mkdir(parents=True, exist_ok=True)
    if backup is not None and path.is_file() and not path.is_symlink():
        old = path.read_bytes()
        _replace_with(backup, old)
    _replace_with(path, data)
    fsync_dir(folder)


def _replace_with(path: Path, data: bytes) -> None:
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def fsync_dir(folder: Path) -> None:
    # Makes a rename itself durable on POSIX; Windows cannot open directories.
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def links_out(root: Path, names: tuple[str, ...]) -> list[str]:
    """Which of ``names`` at the top of ``root`` are symlinks (a received folder's trap)."""
    return [name for name in names if (root / name).is_symlink()]
