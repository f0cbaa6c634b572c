"""Compressed bodies that inflate far past any cap, made as they are read (a few kB a MB)."""

from __future__ import annotations

import zlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator


def gzip_bomb(decoded: int, layers: int = 1) -> Iterator[bytes]:
    """``decoded`` zero bytes gzipped ``layers`` times (``Content-Encoding: gzip, gzip`` for 2)."""
    coders = [zlib.compressobj(wbits=31) for _ in range(layers)]

    def through(data: bytes, flush: bool) -> bytes:
        for coder in coders:
            data = coder.compress(data) + (coder.flush() if flush else b"")
        return data

    block = b"\0" * (1 << 20)
    for _ in range(decoded // len(block)):
        if out := through(block, flush=False):
            yield out
    yield through(b"", flush=True)
