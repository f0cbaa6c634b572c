"""A project is a folder: ``project.json`` plus ``clips/``, ``refs/`` and ``thumbs/``."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

from pydantic import ValidationError as PydanticValidationError

from imageai.core.errors import ProjectFileError
from imageai.core.models import SCHEMA_VERSION, Project

PROJECT_FILE = "project.json"
BACKUP_FILE = "project.json.bak"
SUBDIRS = ("clips", "refs", "thumbs")


def project_file(folder: Path) -> Path:
    return folder / PROJECT_FILE


def create_folder(folder: Path) -> None:
    """Make the project folder and its subfolders; refuses a folder that holds a project."""
    if project_file(folder).exists():
        raise ProjectFileError(f"{folder} already holds a project ({PROJECT_FILE})")
    for sub in SUBDIRS:
        (folder / sub).mkdir(parents=True, exist_ok=True)


def atomic_write_text(path: Path, text: str, backup: Path | None = None) -> None:
    """Write via a temp file, fsync and rename; the old file is kept at ``backup`` if given."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        if backup is not None and path.exists():
            shutil.copy2(path, backup)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)


def _fsync_dir(folder: Path) -> None:
    # Makes the rename itself durable on POSIX; Windows cannot open directories.
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def save(project: Project, folder: Path) -> None:
    """Save atomically, keeping the previous version as ``project.json.bak``."""
    for sub in SUBDIRS:
        (folder / sub).mkdir(parents=True, exist_ok=True)
    text = project.model_dump_json(indent=2) + "\n"
    atomic_write_text(project_file(folder), text, backup=folder / BACKUP_FILE)


def load(folder: Path) -> Project:
    """Load a project; every failure names the file and the problem and changes nothing."""
    path = project_file(folder)
    if not folder.exists():
        raise ProjectFileError(f"{folder}: no such project folder")
    if not path.is_file():
        raise ProjectFileError(f"{folder}: not a project folder (no {PROJECT_FILE})")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ProjectFileError(f"{path}: cannot read: {exc}") from exc
    if not text.strip():
        raise ProjectFileError(f"{path}: the file is empty{_backup_hint(folder)}")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ProjectFileError(
            f"{path}: not valid JSON (truncated or corrupt) at line {exc.lineno}, "
            f"column {exc.colno}: {exc.msg}{_backup_hint(folder)}"
        ) from exc
    if not isinstance(data, dict):
        raise ProjectFileError(f"{path}: expected a JSON object at the top level")
    version = data.get("schema_version")
    if isinstance(version, int) and version > SCHEMA_VERSION:
        raise ProjectFileError(
            f"{path}: made by a newer ImageAI (schema {version}; this one reads up to "
            f"{SCHEMA_VERSION}). Update ImageAI to open it."
        )
    try:
        return Project.model_validate(data)
    except PydanticValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or 'project'}: {err['msg']}"
            for err in exc.errors()[:5]
        )
        raise ProjectFileError(f"{path}: invalid project: {problems}") from exc


def _backup_hint(folder: Path) -> str:
    if (folder / BACKUP_FILE).is_file():
        return f". The previous version is in {folder / BACKUP_FILE}"
    return ""
