"""Save As copies: all files with progress, or nothing at all after a failure or a cancel."""

from __future__ import annotations

import shutil
import threading
from typing import TYPE_CHECKING

import pytest

from imageai.core.errors import JobCancelledError
from imageai.core.project_copy import STAGING_PREFIX, copy_project_files

if TYPE_CHECKING:
    from pathlib import Path


def _old(tmp_path: Path) -> Path:
    old = tmp_path / "old"
    for name, size in (("clips/a.mp4", 3000), ("clips/b.mp4", 1000), ("thumbs/a.png", 10)):
        (old / name).parent.mkdir(parents=True, exist_ok=True)
        (old / name).write_bytes(b"x" * size)
    (old / "refs").mkdir()
    (old / "notes.txt").write_text("not part of the project's files")
    return old


def test_copies_every_file_with_progress_by_bytes(tmp_path: Path) -> None:
    old, new = _old(tmp_path), tmp_path / "new"
    new.mkdir()
    events = list(copy_project_files(old, new, threading.Event()))
    assert [round(e.fraction, 3) for e in events] == [0.0, 0.748, 0.998, 1.0]
    assert events[-1].message == "copied 3 of 3"
    assert (new / "clips" / "a.mp4").read_bytes() == b"x" * 3000
    assert (new / "thumbs" / "a.png").is_file()
    assert not (new / "notes.txt").exists()
    assert sorted(p.name for p in new.iterdir()) == ["clips", "thumbs"]
    assert (old / "clips" / "a.mp4").is_file()


def test_a_failed_copy_leaves_the_new_folder_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old, new = _old(tmp_path), tmp_path / "new"
    new.mkdir()
    real = shutil.copy2
    calls = []

    def copy_then_fail(src: Path, dst: Path) -> object:
        calls.append(src)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        return real(src, dst)

    monkeypatch.setattr(shutil, "copy2", copy_then_fail)
    with pytest.raises(OSError, match="No space left"):
        list(copy_project_files(old, new, threading.Event()))
    assert list(new.iterdir()) == []
    assert len(list((old / "clips").iterdir())) == 2


def test_cancel_between_files_copies_nothing(tmp_path: Path) -> None:
    old, new = _old(tmp_path), tmp_path / "new"
    new.mkdir()
    cancel = threading.Event()
    copying = copy_project_files(old, new, cancel)
    next(copying)
    next(copying)
    cancel.set()
    with pytest.raises(JobCancelledError):
        list(copying)
    assert not any(p.name.startswith(STAGING_PREFIX) for p in new.iterdir())
    assert list(new.iterdir()) == []
