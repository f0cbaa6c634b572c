"""Turn a plain-text or Markdown script into scenes: one per paragraph, with optional tags."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from imageai.core import project_files
from imageai.core.errors import ValidationError
from imageai.core.imaging import MAX_BYTES, SUPPORTED_SUFFIXES, decode_image
from imageai.core.models import Scene

if TYPE_CHECKING:
    from collections.abc import Sequence

#: A number in brackets with s/sec/seconds; checked, so ``[-4s]`` is refused, not left in a prompt.
_DURATION_TAG = re.compile(r"\[\s*([-+]?[\d.,]+)\s*s(?:ec(?:onds?)?)?\s*\]", re.IGNORECASE)
_NUMBER = re.compile(r"\d{1,6}(?:\.\d{1,6})?")
_REF = re.compile(r"\[\s*ref\s*:\s*([^\]]+?)\s*\]", re.IGNORECASE)
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+")
#: Larger scripts are not scripts.
MAX_SCRIPT_BYTES = 4 << 20


class ScriptScene(NamedTuple):
    """One paragraph of a script: its prompt, ``[Ns]`` duration, ``[ref: ...]`` and first line."""

    prompt: str
    duration: int | None
    ref: str | None
    line: int = 0


def _paragraphs(text: str) -> list[tuple[int, list[str]]]:
    """Blank-line separated blocks with the number of their first line."""
    blocks: list[tuple[int, list[str]]] = []
    current: list[str] = []
    start = 0
    for number, line in enumerate(text.split("\n"), 1):
        if line.strip():
            if not current:
                start = number
            current.append(line)
        elif current:
            blocks.append((start, current))
            current = []
    if current:
        blocks.append((start, current))
    return blocks


def _duration(paragraph: str, line: int) -> int | None:
    duration: int | None = None
    for match in _DURATION_TAG.finditer(paragraph):
        value = match.group(1)
        if _NUMBER.fullmatch(value) is None or float(value) <= 0 or float(value) % 1:
            raise ValidationError(
                "duration",
                f"line {line}: {match.group(0)[:40]} must be a whole number of seconds, "
                "more than 0, like [4s]",
            )
        duration = int(float(value))
    return duration


def parse_script(text: str) -> list[ScriptScene]:
    """Paragraphs as `ScriptScene`; Markdown headings are dropped.

    Raises:
        ValidationError: a duration tag that is not a whole, positive number of seconds,
            naming its line.
    """
    scenes: list[ScriptScene] = []
    for line, block in _paragraphs(text.replace("\r\n", "\n").replace("\r", "\n")):
        lines = [row for row in block if not _HEADING.match(row)]
        paragraph = " ".join(row.strip() for row in lines).strip()
        if not paragraph:
            continue
        duration = _duration(paragraph, line)
        ref = match.group(1) if (match := _REF.search(paragraph)) else None
        prompt = _REF.sub("", _DURATION_TAG.sub("", paragraph))
        prompt = re.sub(r"\s{2,}", " ", prompt).strip()
        if prompt:
            scenes.append(ScriptScene(prompt, duration, ref, line))
    return scenes


def import_script(
    script: Path, project_dir: Path, allowed_dirs: Sequence[Path] = ()
) -> list[Scene]:
    """Read ``script`` and copy its referenced images into ``project_dir/refs/``.

    A reference must be an image inside the script's folder or one of ``allowed_dirs`` (folders
    the user chose); anything else is refused naming its line, before anything is copied.
    """
    try:
        data = project_files.read_regular(script, MAX_SCRIPT_BYTES)
        text = data.decode("utf-8")
    except ValidationError as exc:
        raise ValidationError("script", f"cannot read {script}: {exc.message}") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ValidationError("script", f"cannot read {script}: {exc}") from exc
    parsed = parse_script(text)
    if not parsed:
        raise ValidationError("script", f"{script} has no paragraphs to turn into scenes")
    roots = [script.parent.resolve(), *(folder.resolve() for folder in allowed_dirs)]
    images = {
        item.line: _read_reference(script, item, roots) for item in parsed if item.ref is not None
    }
    scenes: list[Scene] = []
    for item in parsed:
        reference = None
        if item.line in images:
            source, image = images[item.line]
            reference = _store_reference(source, image, project_dir)
        scenes.append(Scene(prompt=item.prompt, duration=item.duration, reference_image=reference))
    return scenes


class ReferenceOutsideError(ValidationError):
    """A script's reference lies outside every folder images may come from; ``folder`` holds it.

    The GUI offers to choose a folder (the user's word), the CLI names ``--allow-refs-from``.
    """

    def __init__(self, message: str, folder: Path) -> None:
        super().__init__("reference_image", message)
        self.folder = folder


def _read_reference(script: Path, item: ScriptScene, roots: list[Path]) -> tuple[Path, bytes]:
    """The reference's bytes, checked: inside an allowed folder, a readable image."""
    assert item.ref is not None
    where = f"{script.name}, line {item.line}: [ref: {item.ref[:200]}]"
    source = script.parent / item.ref
    try:
        real = source.resolve(strict=True)
    except (OSError, RuntimeError, ValueError) as exc:  # ValueError: a NUL in the path
        raise ValidationError("reference_image", f"{where}: {source} does not exist") from exc
    if not any(real.is_relative_to(root) for root in roots):
        raise ReferenceOutsideError(
            f"{where}: references must be images in the script's folder ({roots[0]}) or a "
            "folder you chose; this one is elsewhere",
            real.parent,
        )
    try:
        data = project_files.read_regular(real, MAX_BYTES)
    except ValidationError as exc:
        raise ValidationError("reference_image", f"{where}: {exc.message}") from exc
    except OSError as exc:
        raise ValidationError("reference_image", f"{where}: cannot read it ({exc})") from exc
    try:
        decode_image(data, item.ref[:200]).close()
    except ValidationError as exc:
        raise ValidationError("reference_image", f"{where}: {exc.message}") from exc
    return real, data


def copy_reference(source: Path, project_dir: Path) -> str:
    """Copy an image into ``refs/`` under a content-addressed name; returns the relative path.

    The file is decoded first (a readable image, within the size limits).
    """
    if not source.is_file():
        raise ValidationError("reference_image", f"{source} does not exist")
    try:
        data = project_files.read_regular(source.resolve(), MAX_BYTES)
    except ValidationError as exc:
        raise ValidationError("reference_image", f"{source}: {exc.message}") from exc
    decode_image(data, source).close()
    return _store_reference(source, data, project_dir)


def _store_reference(source: Path, data: bytes, project_dir: Path) -> str:
    # The name is made from the source's, reduced to plain characters: it becomes a path.
    stem = re.sub(r"[^A-Za-z0-9_-]+", "_", Path(source).stem).strip("_-")[:60] or "ref"
    suffix = source.suffix.lower() if source.suffix.lower() in SUPPORTED_SUFFIXES else ".img"
    name = f"{stem}-{hashlib.sha256(data).hexdigest()[:8]}{suffix}"
    target = project_files.project_path(project_dir, "refs", name)
    if not target.exists():
        # Written 0600 like the project's other files, whatever the source's mode was.
        project_files.write_atomic(target, data)
    return f"refs/{name}"
