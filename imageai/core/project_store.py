"""A project is a folder: ``project.json`` plus ``clips/``, ``refs/`` and ``thumbs/``."""

from __future__ import annotations

import contextlib
import json
import shutil
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError as PydanticValidationError

from imageai.core import project_files
from imageai.core.errors import ProjectFileError, ValidationError
from imageai.core.models import SCHEMA_VERSION, Project, Scene

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from pathlib import Path

PROJECT_FILE = "project.json"
BACKUP_FILE = "project.json.bak"
SUBDIRS = ("clips", "refs", "thumbs")
#: Entries of a project the app writes; none may be a symlink (a received folder's trap).
RESERVED = (PROJECT_FILE, BACKUP_FILE, "ledger.jsonl", ".imageai.lock", *SUBDIRS)
#: A project file larger than this is not one the app wrote.
MAX_PROJECT_BYTES = 32 << 20


def project_file(folder: Path) -> Path:
    return folder / PROJECT_FILE


def create_folder(folder: Path) -> None:
    """Make the project folder and its subfolders; refuses a folder that holds a project."""
    if folder.exists() and not folder.is_dir():
        raise ProjectFileError(f"{folder} is a file, not a folder")
    if project_file(folder).exists() or project_file(folder).is_symlink():
        raise ProjectFileError(f"{folder} already holds a project ({PROJECT_FILE})")
    _refuse_links(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for sub in SUBDIRS:
        project_files.project_dir(folder, sub)


@contextlib.contextmanager
def creating(folder: Path) -> Iterator[None]:
    """Make a new project folder for the block; if the block fails, nothing made is left."""
    existed = folder.exists()
    made = [sub for sub in SUBDIRS if not (folder / sub).exists()]
    create_folder(folder)
    try:
        yield
    except BaseException:
        if not existed:
            shutil.rmtree(folder, ignore_errors=True)
        else:
            for sub in made:
                shutil.rmtree(folder / sub, ignore_errors=True)
        raise


def atomic_write_text(path: Path, text: str, backup: Path | None = None) -> None:
    """Write via a temp file, fsync and rename; the old file is kept at ``backup`` if given."""
    project_files.write_atomic(path, text.encode("utf-8"), backup)


def save(project: Project, folder: Path) -> None:
    """Save atomically, keeping the previous version as ``project.json.bak``."""
    folder.mkdir(parents=True, exist_ok=True)
    for sub in SUBDIRS:
        project_files.project_dir(folder, sub)
    text = project.model_dump_json(indent=2) + "\n"
    atomic_write_text(project_file(folder), text, backup=folder / BACKUP_FILE)


def load(folder: Path) -> Project:
    """Load a project; every failure names the file and the problem and changes nothing."""
    path = project_file(folder)
    if not folder.exists():
        raise ProjectFileError(f"{folder}: no such project folder")
    _refuse_links(folder)
    if not path.is_file():
        raise ProjectFileError(f"{folder}: not a project folder (no {PROJECT_FILE})")
    try:
        raw = project_files.read_regular(path, MAX_PROJECT_BYTES)
        text = raw.decode("utf-8")
    except ValidationError as exc:
        raise ProjectFileError(f"{path}: cannot read: {exc.message}") from exc
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
    except RecursionError as exc:
        raise ProjectFileError(f"{path}: not a project (JSON nested too deeply)") from exc
    except ValueError as exc:  # an integer past Python's 4300-digit limit
        raise ProjectFileError(f"{path}: not a project (a number too long to read)") from exc
    if not isinstance(data, dict):
        raise ProjectFileError(f"{path}: expected a JSON object at the top level")
    _check_version(path, data)
    _check_scene_ids(path, data.get("scenes"))
    try:
        project = Project.model_validate(data)
    except PydanticValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or 'project'}: {err['msg']}"
            for err in exc.errors()[:5]
        )
        raise ProjectFileError(f"{path}: invalid project: {problems}") from exc
    _check_file_paths(path, folder, project)
    return project


def _scene_files(scene: Scene) -> Iterator[tuple[str, str]]:
    for name in ("reference_image", "last_frame_image", "clip_path", "thumbnail_path"):
        if value := getattr(scene, name):
            yield name, value
    for value in scene.extra_reference_images:
        yield "extra_reference_images", value
    for take in scene.takes:
        for name in ("clip_path", "thumbnail_path"):
            if value := getattr(take, name):
                yield f"takes.{name}", value


def _check_file_paths(path: Path, folder: Path, project: Project) -> None:
    """Every file a scene names is inside the project (links resolved): a received project
    cannot make the app read, upload or join a file from elsewhere (``/home/me/passport.jpg``,
    ``../../.ssh/id_rsa``)."""
    root = folder.resolve()
    resolve = _resolver(folder)
    for number, scene in enumerate(project.scenes, 1):
        for name, value in _scene_files(scene):
            try:
                inside = resolve(value).is_relative_to(root)
            except (OSError, RuntimeError, ValueError):
                inside = False
            if not inside:
                raise ProjectFileError(
                    f"{path}: scene {number}: {name} {value[:200]!r} is outside the project "
                    "folder; a project may only use files inside it (put the image in refs/)"
                )


def _resolver(folder: Path) -> Callable[[str], Path]:
    """``(folder / value).resolve()``, resolving each distinct parent folder once.

    A 500-scene project names ~1,500 files in three or four folders; resolving each path in
    full (an lstat per component) was most of opening it. A name that is a link is still
    followed, and ``.``/``..`` names take the full resolve.
    """
    parents: dict[Path, Path] = {}

    def resolve(value: str) -> Path:
        path = folder / value
        if path.name in ("", ".", ".."):
            return path.resolve()
        parent = parents.get(path.parent)
        if parent is None:
            parent = parents[path.parent] = path.parent.resolve()
        candidate = parent / path.name
        return candidate.resolve() if candidate.is_symlink() else candidate

    return resolve


def _refuse_links(folder: Path) -> None:
    if links := project_files.links_out(folder, RESERVED):
        raise ProjectFileError(
            f"{folder}: {', '.join(links)} {'is a' if len(links) == 1 else 'are'} symbolic "
            "link(s); a project folder must hold its own files (replace the link with the "
            "file or folder itself), so nothing the app writes can land outside it"
        )


def _check_version(path: Path, data: dict[str, Any]) -> None:
    """Only a schema this app knows opens; anything else is refused, never rewritten."""
    if "schema_version" not in data:
        return
    version = data["schema_version"]
    if isinstance(version, bool) or not isinstance(version, int):
        raise ProjectFileError(
            f"{path}: schema_version must be a whole number, not {json.dumps(version)[:40]}"
        )
    if version > SCHEMA_VERSION:
        raise ProjectFileError(
            f"{path}: made by a newer ImageAI (schema {version}; this one reads up to "
            f"{SCHEMA_VERSION}). Update ImageAI to open it."
        )
    if version < 1:
        raise ProjectFileError(f"{path}: schema_version {version} is not a known version")


def _check_scene_ids(path: Path, scenes: object) -> None:
    """Each scene id names the scene's files: a plain id, and no two alike."""
    if not isinstance(scenes, list):
        return
    seen: set[str] = set()
    for number, scene in enumerate(scenes, 1):
        if not isinstance(scene, dict) or "id" not in scene:
            continue
        scene_id = scene["id"]
        if not project_files.is_valid_id(scene_id):
            raise ProjectFileError(
                f"{path}: scene {number}: id {json.dumps(scene_id)[:80]} is not a valid id "
                f"({project_files.ID_RULE}); it names the scene's files"
            )
        if scene_id in seen:
            raise ProjectFileError(f"{path}: scene {number}: id {scene_id!r} is used twice")
        seen.add(scene_id)


def _backup_hint(folder: Path) -> str:
    if (folder / BACKUP_FILE).is_file():
        return f". The previous version is in {folder / BACKUP_FILE}"
    return ""
