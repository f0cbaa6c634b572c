"""Review: a digest is not remembered for a file stamped within its stamp's granularity of now.

Many filesystems stamp files coarsely (FAT and exFAT 2 s, HFS+ and many SMB shares 1 s, Windows
at the system tick, Linux before multigrain stamps at the jiffy): two writes inside one tick
leave device, inode, size, mtime and ctime all equal. A digest remembered for the first
content would then be handed out for the second, and the ledger's fingerprint of a changed
reference would match the old take (or, after a restart hashes it afresh, miss an intent
journalled under the stale one: a second create).
"""

from __future__ import annotations

import hashlib
import os
import time
from typing import TYPE_CHECKING

from imageai.core import file_digest
from imageai.core.file_digest import file_sha256

if TYPE_CHECKING:
    from pathlib import Path

    import pytest


def _coarse_fstat(tick_ns: int) -> object:
    """An fstat whose mtime and ctime fall in one tick, as a coarse filesystem reports them."""
    real = os.fstat

    def fstat(fd: int) -> os.stat_result:
        st = real(fd)
        seconds = tick_ns / 1e9
        # The first 10 fields, then the float stamps and the ns stamps (atime, mtime, ctime).
        return os.stat_result(
            (*list(st)[:10], st.st_atime, seconds, seconds, st.st_atime_ns, tick_ns, tick_ns)
        )

    return fstat


def test_a_same_size_rewrite_inside_one_coarse_tick_is_hashed_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(file_digest, "_digests", type(file_digest._digests)())
    tick = time.time_ns() // 2_000_000_000 * 2_000_000_000  # FAT: stamps in 2 s steps
    monkeypatch.setattr(os, "fstat", _coarse_fstat(tick))
    image = tmp_path / "ref.png"
    image.write_bytes(b"a" * 100)
    assert file_sha256(image) == hashlib.sha256(b"a" * 100).digest()
    with open(image, "r+b") as handle:  # an editor saving in place, same size, same tick
        handle.write(b"b" * 100)
    assert file_sha256(image) == hashlib.sha256(b"b" * 100).digest()


def test_a_file_stamped_long_before_is_still_hashed_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(file_digest, "_digests", type(file_digest._digests)())
    old = (time.time_ns() - 60 * 1_000_000_000) // 2_000_000_000 * 2_000_000_000
    monkeypatch.setattr(os, "fstat", _coarse_fstat(old))
    reads: list[str] = []
    real = hashlib.file_digest

    def counting(handle: object, name: str) -> object:
        reads.append(name)
        return real(handle, name)  # type: ignore[arg-type]

    monkeypatch.setattr(hashlib, "file_digest", counting)
    image = tmp_path / "ref.png"
    image.write_bytes(b"pixels" * 100)
    assert file_sha256(image) == file_sha256(image)
    assert len(reads) == 1
