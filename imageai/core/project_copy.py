"""Copy a project's clips, thumbnails and references to a new folder, all or nothing (no Qt)."""

from __future__ import annotations

import os
import shutil
import uuid
from typing import TYPE_CHECKING

from imageai.core.errors import JobCancelledError
from imageai.core.jobs import Progress
from imageai.core.project_store import SUBDIRS

if TYPE_CHECKING:
    import threading
    from collections.abc import Iterator
    from pathlib import Path

STAGING_PREFIX = ".imageai-copy-"


def _files(old: Path) -> list[tuple[Path, int]]:
    found = []
    for sub in SUBDIRS:
        root = old / sub
        if root.is_dir():
            found += [(p, p.stat().st_size) for p in sorted(root.rglob("*")) if p.is_file()]
    return found


def copy_project_files(
    old: Path, new: Path, cancel: threading.Event, key: str = "save-as"
) -> Iterator[Progress]:
    """Copy ``old``'s subfolders into ``new``, yielding progress by bytes copied.

    Files go to a staging folder inside ``new`` first and are moved into place only when every
    one was copied, so a failure or a cancel leaves ``new`` as it was and ``old`` untouched.

    Raises:
        JobCancelledError: ``cancel`` was set; the staging folder is removed.
        OSError: a file could not be read or written; the staging folder is removed.
    """
    files = _files(old)
    total = sum(size for _, size in files) or 1
    staging = new / f"{STAGING_PREFIX}{uuid.uuid4().hex[:8]}"
    done = 0
    try:
        yield Progress(scene_id=key, fraction=0.0, message=f"copying {len(files)} files")
        for number, (path, size) in enumerate(files, 1):
            if cancel.is_set():
                raise JobCancelledError(key)
            target = staging / path.relative_to(old)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)
            done += size
            yield Progress(
                scene_id=key, fraction=done / total, message=f"copied {number} of {len(files)}"
            )
        if cancel.is_set():
            raise JobCancelledError(key)
        _move_into_place(staging, new)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _move_into_place(staging: Path, new: Path) -> None:
    # Renames within one folder: fast, and each file lands whole.
    for path in sorted(staging.rglob("*")):
        if path.is_file():
            target = new / path.relative_to(staging)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(path, target)
