"""Is a downloaded MP4 whole? Its top-level boxes must tile the file exactly."""

from __future__ import annotations

import struct
from typing import TYPE_CHECKING

from imageai.core.errors import NetworkError

if TYPE_CHECKING:
    from pathlib import Path


def mp4_whole(path: Path) -> bool:
    """True when every top-level box (``ftyp``, ``moov``, ``mdat`` ...) ends inside the file.

    A body cut short with no Content-Length (close-delimited, or inline data cut at the source)
    still starts with ``ftyp``; only the box sizes show that bytes are missing.
    """
    size = path.stat().st_size
    offset = 0
    with path.open("rb") as f:
        while offset < size:
            f.seek(offset)
            header = f.read(16)
            if len(header) < 8:
                return False
            box = struct.unpack(">I", header[:4])[0]
            if box == 0:  # the last box runs to the end of the file
                return True
            if box == 1:  # a 64-bit size follows the type
                if len(header) < 16:
                    return False
                box = struct.unpack(">Q", header[8:16])[0]
            if box < 8:
                return False
            offset += box
    return offset == size


def check_whole(path: Path) -> None:
    """Raise `NetworkError` (retryable: the job is kept) for a clip that arrived cut short."""
    if not mp4_whole(path):
        path.unlink(missing_ok=True)
        raise NetworkError("The video arrived cut short; try the download again.")
