"""GalleryStore: images with sidecar metadata, listed newest first, searched, deleted."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from PIL import Image

from imageai.core.gallery_store import GalleryStore, ImageMeta

if TYPE_CHECKING:
    from pathlib import Path

T0 = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


def png_bytes(size: tuple[int, int] = (8, 6)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buf, format="PNG")
    return buf.getvalue()


def meta(prompt: str, minutes: int = 0) -> ImageMeta:
    return ImageMeta(
        prompt=prompt,
        provider="openai",
        model="gpt-image-2",
        size="1024x1024",
        quality="low",
        width=8,
        height=6,
        cost_usd=0.006,
        created=T0 + timedelta(minutes=minutes),
    )


def test_add_writes_image_and_sidecar_with_metadata(tmp_path: Path) -> None:
    store = GalleryStore(tmp_path / "gallery")
    entry = store.add(png_bytes(), "image/png", meta("A red fox in snow"))
    assert entry.path.suffix == ".png"
    assert "a-red-fox-in-snow" in entry.path.name
    with Image.open(entry.path) as img:
        assert img.size == (8, 6)
    side = json.loads(entry.sidecar.read_text())
    assert side["prompt"] == "A red fox in snow"
    assert side["provider"] == "openai"
    assert side["model"] == "gpt-image-2"
    assert side["size"] == "1024x1024"
    assert side["cost_usd"] == 0.006
    assert side["created"].startswith("2026-11-24T12:00")
    assert not list((tmp_path / "gallery").glob("*.part"))


def test_jpeg_gets_a_jpg_suffix(tmp_path: Path) -> None:
    entry = GalleryStore(tmp_path).add(b"\xff\xd8data", "image/jpeg", meta("x"))
    assert entry.path.suffix == ".jpg"


def test_entries_are_newest_first_and_skip_images_without_sidecar(tmp_path: Path) -> None:
    store = GalleryStore(tmp_path)
    store.add(png_bytes(), "image/png", meta("old", 0))
    store.add(png_bytes(), "image/png", meta("new", 5))
    (tmp_path / "stray.png").write_bytes(png_bytes())
    (tmp_path / "broken.png").write_bytes(png_bytes())
    (tmp_path / "broken.json").write_text("{not json")
    assert [e.meta.prompt for e in store.entries()] == ["new", "old"]


def test_search_matches_every_word_case_insensitively(tmp_path: Path) -> None:
    store = GalleryStore(tmp_path)
    store.add(png_bytes(), "image/png", meta("A castle at dusk"))
    store.add(png_bytes(), "image/png", meta("castle in the morning"))
    store.add(png_bytes(), "image/png", meta("forest"))
    assert {e.meta.prompt for e in store.search("CASTLE")} == {
        "A castle at dusk",
        "castle in the morning",
    }
    assert [e.meta.prompt for e in store.search("dusk castle")] == ["A castle at dusk"]
    assert len(store.search("")) == 3
    assert store.search("ocean") == []


def test_delete_removes_image_and_sidecar(tmp_path: Path) -> None:
    store = GalleryStore(tmp_path)
    entry = store.add(png_bytes(), "image/png", meta("gone"))
    store.delete(entry)
    assert not entry.path.exists()
    assert not entry.sidecar.exists()
    store.delete(entry)  # already gone: no error
    assert store.entries() == []


def test_missing_folder_lists_nothing(tmp_path: Path) -> None:
    assert GalleryStore(tmp_path / "none").entries() == []
