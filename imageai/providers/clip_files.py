"""Streaming downloads land in a temp file and become a clip only when complete and checked."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from imageai.core.errors import NetworkError
from imageai.core.media import looks_like_mp4

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator


@contextlib.contextmanager
def temp_download(dest: Path) -> Iterator[Path]:
    """A temp file beside ``dest``; removed if the block fails."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".part", dir=dest.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_chunks(tmp: Path, chunks: Iterable[bytes], append: bool = False) -> int:
    """Write chunks as they arrive (memory stays flat); returns the bytes written."""
    written = 0
    with tmp.open("ab" if append else "wb") as out:
        for chunk in chunks:
            out.write(chunk)
            written += len(chunk)
        out.flush()
        os.fsync(out.fileno())
    return written


def finalize_clip(tmp: Path, dest: Path, expected_size: int | None = None) -> Path:
    """Check a finished download (size, MP4 header) and rename it into place."""
    size = tmp.stat().st_size
    if expected_size is not None and size != expected_size:
        raise NetworkError(
            f"The download stopped early ({size} of {expected_size} bytes).", detail=str(dest)
        )
    if size == 0 or not looks_like_mp4(tmp):
        raise NetworkError("The downloaded file is not an MP4 video.", detail=str(dest))
    os.replace(tmp, dest)
    return dest


def finalize_file(tmp: Path, dest: Path) -> Path:
    """Rename a finished non-video download (thumbnail, spritesheet) into place."""
    if tmp.stat().st_size == 0:
        raise NetworkError("The downloaded file is empty.", detail=str(dest))
    os.replace(tmp, dest)
    return dest
