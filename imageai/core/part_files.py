"""Half-written downloads and renders (``clips/.*.part``) that a killed process left behind.

The rule: a ``.part`` file is never resumed across runs. A download writes a temp file with a
random name (`downloads.temp_download`) and continues it with ``Range`` only within its own
tries; the animatic's ``.<scene>.<job>.part.mp4`` belongs to an ffmpeg process of the app that
started it. So when a process takes a project's lock and held none on it before, no download or
render anywhere is writing one (another process would hold the lock; one of ours would hold a
count of it): every ``.part`` left in ``clips/`` or ``thumbs/`` is stale and is removed. The paid
job is not lost with it: the ledger keeps the job open and the next render downloads it again.
Clips kept after failing their check (``clips/.rejected/``) are not ``.part`` files and stay.
"""

from __future__ import annotations

import logging
import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

log = logging.getLogger(__name__)

#: Project subfolders that downloads and renders write temp files into.
PART_FOLDERS = ("clips", "thumbs")
#: ``.s1.mp4.k3j9x.part`` (downloads, thumbnails) and ``.s1.<job>.part.mp4`` (the animatic).
PART_SUFFIXES = (".part", ".part.mp4")


def is_part_file(name: str) -> bool:
    return name.startswith(".") and name.endswith(PART_SUFFIXES)


def remove_stale_parts(project_dir: Path) -> list[Path]:
    """Remove every ``.part`` file in the project's clip folders; returns what was removed.

    Call only while holding the project's lock, and only when this process held no lock on it
    before (see the module docstring). A folder that is a link is left alone: a received
    project's ``clips`` link must not make us delete files elsewhere.
    """
    removed: list[Path] = []
    for name in PART_FOLDERS:
        folder = project_dir / name
        if folder.is_symlink() or not folder.is_dir():
            continue
        try:
            entries = list(os.scandir(folder))
        except OSError as exc:
            log.warning("cannot list %s for stale downloads: %s", folder, exc)
            continue
        for entry in entries:
            if not is_part_file(entry.name) or entry.is_dir(follow_symlinks=False):
                continue
            try:
                os.unlink(entry.path)  # a link is removed itself, never what it points to
            except OSError as exc:
                log.warning("cannot remove the stale download %s: %s", entry.path, exc)
                continue
            removed.append(folder / entry.name)
    if removed:
        log.info("removed %d stale download(s) in %s", len(removed), project_dir)
    return removed
