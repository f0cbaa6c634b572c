"""File digests are remembered only while the file is the same file with the same stamp."""

from __future__ import annotations

import hashlib
import os
import time
from typing import TYPE_CHECKING

import pytest

from imageai.core import file_digest
from imageai.core.file_digest import file_sha256

if TYPE_CHECKING:
    from pathlib import Path


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    seen: list[str] = []
    real = hashlib.file_digest

    def counting(handle: object, name: str) -> object:
        seen.append(name)
        return real(handle, name)  # type: ignore[arg-type]

    monkeypatch.setattr(file_digest.hashlib, "file_digest", counting)
    monkeypatch.setattr(file_digest, "_digests", type(file_digest._digests)())
    # Hashed a minute after the test wrote its files: not within their stamp's tick.
    monkeypatch.setattr(file_digest, "_now_ns", lambda: time.time_ns() + 60_000_000_000)
    return seen


def test_an_unchanged_file_is_hashed_once(tmp_path: Path, reads: list[str]) -> None:
    image = tmp_path / "ref.png"
    image.write_bytes(b"pixels" * 1000)
    first = file_sha256(image)
    assert file_sha256(image) == first == hashlib.sha256(image.read_bytes()).digest()
    assert len(reads) == 1


def test_a_file_rewritten_in_place_with_the_same_size_is_hashed_again(
    tmp_path: Path, reads: list[str]
) -> None:
    image = tmp_path / "ref.png"
    image.write_bytes(b"a" * 100)
    before = file_sha256(image)
    stat = image.stat()
    image.write_bytes(b"b" * 100)
    # Even with the old modification time put back, the change time moves.
    os.utime(image, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert file_sha256(image) == hashlib.sha256(b"b" * 100).digest() != before


def test_a_file_replaced_by_a_rename_is_hashed_again(tmp_path: Path, reads: list[str]) -> None:
    image = tmp_path / "ref.png"
    image.write_bytes(b"a" * 100)
    file_sha256(image)
    other = tmp_path / "new.png"
    other.write_bytes(b"c" * 100)
    os.replace(other, image)
    assert file_sha256(image) == hashlib.sha256(b"c" * 100).digest()
    assert len(reads) == 2


def test_the_memory_is_bounded(
    tmp_path: Path, reads: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(file_digest, "MAX_ENTRIES", 3)
    for i in range(5):
        (tmp_path / f"{i}.png").write_bytes(bytes([i]) * 10)
        file_sha256(tmp_path / f"{i}.png")
    assert len(file_digest._digests) == 3


def test_a_missing_file_raises(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        file_sha256(tmp_path / "gone.png")


def test_a_requests_fingerprint_reads_its_unchanged_reference_once(
    tmp_path: Path, reads: list[str]
) -> None:
    from tests.unit.core.test_job_loop import make_request

    image = tmp_path / "ref.png"
    image.write_bytes(b"pixels" * 1000)
    request = make_request(tmp_path, reference_image=image)
    first = request.content_fingerprint()
    assert request.content_fingerprint() == first
    assert len(reads) == 1
    image.write_bytes(b"other!" * 1000)
    assert request.content_fingerprint() != first
