"""Turn a plain-text or Markdown script into scenes: one per paragraph, with optional tags."""

from __future__ import annotations

import hashlib
import re
import shutil
from typing import TYPE_CHECKING

from imageai.core.errors import ValidationError
from imageai.core.models import Scene

if TYPE_CHECKING:
    from pathlib import Path

_DURATION = re.compile(r"\[\s*(\d+(?:\.\d+)?)\s*s(?:ec(?:onds?)?)?\s*\]", re.IGNORECASE)
_REF = re.compile(r"\[\s*ref\s*:\s*([^\]]+?)\s*\]", re.IGNORECASE)
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+")


def parse_script(text: str) -> list[tuple[str, int | None, str | None]]:
    """Paragraphs as ``(prompt, duration, reference path)``; Markdown headings are dropped."""
    scenes: list[tuple[str, int | None, str | None]] = []
    for block in re.split(r"\n\s*\n", text.replace("\r\n", "\n")):
        lines = [line for line in block.strip().splitlines() if not _HEADING.match(line)]
        paragraph = " ".join(line.strip() for line in lines).strip()
        if not paragraph:
            continue
        duration: int | None = None
        if match := _DURATION.search(paragraph):
            value = float(match.group(1))
            if value <= 0 or value != int(value):
                raise ValidationError(
                    "duration", f"{match.group(0)} must be a whole number of seconds"
                )
            duration = int(value)
        ref = match.group(1) if (match := _REF.search(paragraph)) else None
        prompt = _REF.sub("", _DURATION.sub("", paragraph))
        prompt = re.sub(r"\s{2,}", " ", prompt).strip()
        if prompt:
            scenes.append((prompt, duration, ref))
    return scenes


def import_script(script: Path, project_dir: Path) -> list[Scene]:
    """Read ``script`` and copy any referenced images into ``project_dir/refs/``."""
    try:
        text = script.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ValidationError("script", f"cannot read {script}: {exc}") from exc
    parsed = parse_script(text)
    if not parsed:
        raise ValidationError("script", f"{script} has no paragraphs to turn into scenes")
    scenes: list[Scene] = []
    for prompt, duration, ref in parsed:
        reference = None
        if ref is not None:
            reference = copy_reference(script.parent / ref, project_dir)
        scenes.append(Scene(prompt=prompt, duration=duration, reference_image=reference))
    return scenes


def copy_reference(source: Path, project_dir: Path) -> str:
    """Copy an image into ``refs/`` under a content-addressed name; returns the relative path."""
    if not source.is_file():
        raise ValidationError("reference_image", f"{source} does not exist")
    data = source.read_bytes()
    name = f"{source.stem}-{hashlib.sha256(data).hexdigest()[:8]}{source.suffix.lower()}"
    target = project_dir / "refs" / name
    target.parent.mkdir(parents=True, exist_ok=True)
    if not target.exists():
        shutil.copyfile(source, target)
    return f"refs/{name}"
