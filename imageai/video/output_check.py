"""Where a cut may be written: never over a project's own files or a device, never unasked."""

from __future__ import annotations

import stat
from typing import TYPE_CHECKING

from imageai.core.errors import ValidationError

if TYPE_CHECKING:
    from collections.abc import Iterable
    from pathlib import Path

#: What the app keeps in a project: a cut never lands on or in them.
PROJECT_FOLDERS = ("clips", "refs", "thumbs")
PROJECT_FILES = ("project.json", "project.json.bak", "ledger.jsonl", ".imageai.lock")


class OutputPathError(ValidationError):
    """The output path is a project file, not a regular file, or exists and may not be replaced.

    Attributes:
        exists: True when the only problem is an existing file (ask, or ``--force``).
    """

    def __init__(self, message: str, *, exists: bool = False) -> None:
        self.exists = exists
        super().__init__("output", message)


def check_output(
    out: Path, project_dir: Path, clips: Iterable[Path] = (), *, overwrite: bool = False
) -> Path:
    """``out`` if the cut may be written there; raises `OutputPathError` saying why not.

    Refused: a path in the project's clips/refs/thumbs or one of its own files, any of the
    clips being joined, anything but a regular file (a folder, ``/dev/null``), and an existing
    file unless ``overwrite`` (the user was asked, or passed ``--force``).
    """
    real = out.resolve()
    project = project_dir.resolve()
    if real.is_relative_to(project):
        inside = real.relative_to(project).parts
        # As a macOS or Windows disk reads it: Clips/ is clips/, and Windows drops a trailing
        # dot or space, so any spelling of a project entry is that entry.
        top = inside[0].casefold().rstrip(". ") if inside else ""
        if top in PROJECT_FOLDERS or top in PROJECT_FILES:
            raise OutputPathError(
                f"{out} is one of the project's own files ({'/'.join(inside)}); "
                "write the cut elsewhere, e.g. cut.mp4 in the project folder"
            )
    if any(real == clip.resolve() for clip in clips):
        raise OutputPathError(f"{out} is one of the clips being joined; write the cut elsewhere")
    if out.exists() or out.is_symlink():
        mode = real.stat().st_mode if real.exists() else 0
        if not stat.S_ISREG(mode):
            kind = "a folder" if stat.S_ISDIR(mode) else "not a regular file"
            raise OutputPathError(f"{out} is {kind}; give the path of an MP4 file to write")
        if not overwrite:
            raise OutputPathError(f"{out} already exists; pass --force to replace it", exists=True)
    return out
