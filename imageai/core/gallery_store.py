"""Generated images on disk, each with a sidecar JSON of its metadata; list, search, delete."""

from __future__ import annotations

import json
import logging
import secrets
from datetime import UTC, datetime
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

log = logging.getLogger(__name__)

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp")
_SUFFIX_FOR_MIME = {"image/png": ".png", "image/jpeg": ".jpg", "image/webp": ".webp"}


class ImageMeta(BaseModel):
    """What a gallery image was made from; stored beside it as ``<name>.json``."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    prompt: str
    provider: str
    model: str
    size: str = ""
    quality: str = ""
    width: int = 0
    height: int = 0
    cost_usd: float = 0.0
    created: datetime
    #: The gallery image this one edits, when it is an edit.
    edit_of: str = ""


class GalleryEntry(BaseModel):
    """One image in the gallery: its file and its metadata."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    path: Path
    meta: ImageMeta

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def sidecar(self) -> Path:
        return self.path.with_suffix(".json")


def _slug(text: str, limit: int = 32) -> str:
    words = "".join(c if c.isalnum() else " " for c in text.lower()).split()
    slug = "-".join(words)[:limit].strip("-")
    return slug or "image"


class GalleryStore:
    """A folder of images with sidecars. Safe to use from a worker thread (writes are atomic)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def add(self, data: bytes, mime_type: str, meta: ImageMeta) -> GalleryEntry:
        """Write the image, then its sidecar (both atomically); returns the new entry."""
        self.root.mkdir(parents=True, exist_ok=True)
        suffix = _SUFFIX_FOR_MIME.get(mime_type, ".png")
        stamp = meta.created.astimezone(UTC).strftime("%Y%m%d-%H%M%S")
        stem = f"{stamp}-{_slug(meta.prompt)}-{secrets.token_hex(3)}"
        path = self.root / f"{stem}{suffix}"
        _write_atomic(path, data)
        _write_atomic(path.with_suffix(".json"), meta.model_dump_json(indent=2).encode())
        return GalleryEntry(path=path, meta=meta)

    def load(self, path: Path) -> GalleryEntry | None:
        """The entry for an image file, or None when its sidecar is missing or unreadable."""
        sidecar = path.with_suffix(".json")
        try:
            meta = ImageMeta.model_validate_json(sidecar.read_bytes())
        except (OSError, ValidationError) as exc:
            log.debug("skipping %s: %s", path.name, type(exc).__name__)
            return None
        return GalleryEntry(path=path, meta=meta)

    def entries(self) -> list[GalleryEntry]:
        """Every image with a readable sidecar, newest first."""
        if not self.root.is_dir():
            return []
        found = []
        for path in self.root.iterdir():
            if path.suffix.lower() in IMAGE_SUFFIXES and path.is_file():
                entry = self.load(path)
                if entry is not None:
                    found.append(entry)
        found.sort(key=lambda e: (e.meta.created, e.path.name), reverse=True)
        return found

    def search(self, text: str) -> list[GalleryEntry]:
        """Entries whose prompt contains every word of ``text`` (case-insensitive)."""
        words = text.lower().split()
        return [e for e in self.entries() if all(w in e.meta.prompt.lower() for w in words)]

    def delete(self, entry: GalleryEntry) -> None:
        """Remove the image and its sidecar; a file already gone is not an error."""
        entry.path.unlink(missing_ok=True)
        entry.sidecar.unlink(missing_ok=True)


def now() -> datetime:
    return datetime.now(UTC)


def meta_to_json(meta: ImageMeta) -> dict[str, object]:
    """Metadata as plain JSON types (for the CLI's ``--json``)."""
    data: dict[str, object] = json.loads(meta.model_dump_json())
    return data


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".part")
    tmp.write_bytes(data)
    tmp.replace(path)
