"""SHA-256 of files the fingerprints read, remembered while the file's identity and stamp hold."""

from __future__ import annotations

import hashlib
import os
import threading
import time
from collections import OrderedDict
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

#: Files remembered at most (a 500-scene project has a few hundred reference images).
MAX_ENTRIES = 4096
#: A file stamped less than this before its hash began may change again within the same
#: stamp (FAT and exFAT stamp in 2 s steps, HFS+ and many SMB shares in 1 s, older Linux
#: kernels at the jiffy): its digest is not remembered, as git treats a "racily clean" file.
RACY_NS = 2_000_000_000

_Key = tuple[str, int, int, int, int, int]
_digests: OrderedDict[_Key, bytes] = OrderedDict()
_lock = threading.Lock()
#: The wall clock file stamps are compared with (a test moves it on).
_now_ns = time.time_ns


def stamp(stat: os.stat_result) -> tuple[int, int, int, int, int]:
    """A file's identity and stamps: device, inode, size and both nanosecond times. A file
    rewritten in place or replaced by a rename changes at least one (within a tick; see
    `file_sha256` for files stamped too recently to tell)."""
    return (stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns)


def _key(path: Path, stat: os.stat_result) -> _Key:
    return (str(path), *stamp(stat))


def file_sha256(path: Path) -> bytes:
    """The SHA-256 digest of ``path``'s bytes, read in pieces (a 40 MP PNG is ~100 MB).

    Fingerprints are worked out for every scene whenever a project setting changes; without
    this, each time re-read and re-hashed every reference image (0.7 s for 500 scenes).

    Raises:
        OSError: the file cannot be read.
    """
    started = _now_ns()
    with open(path, "rb") as handle:
        stat = os.fstat(handle.fileno())
        key = _key(path, stat)
        with _lock:
            known = _digests.get(key)
            if known is not None:
                _digests.move_to_end(key)
                return known
        digest = hashlib.file_digest(handle, "sha256").digest()
    if max(stat.st_mtime_ns, stat.st_ctime_ns) > started - RACY_NS:
        return digest  # a write in the same tick would leave the same key: hash it next time
    with _lock:
        _digests[key] = digest
        while len(_digests) > MAX_ENTRIES:
            _digests.popitem(last=False)
    return digest
