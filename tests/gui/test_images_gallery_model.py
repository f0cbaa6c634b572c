"""GalleryModel over a real gallery folder: rows, thumbnails, tooltips, filter, add, delete."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap

from imageai.core.gallery_store import GalleryStore, ImageMeta
from imageai.services.gallery_model import CAPTION_CHARS, ENTRY_ROLE, PATH_ROLE, GalleryModel

if TYPE_CHECKING:
    from pathlib import Path

    from pytestqt.qtbot import QtBot

T0 = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


def add(store: GalleryStore, prompt: str, minutes: int, size: tuple[int, int] = (640, 320)):  # type: ignore[no-untyped-def]
    buf = io.BytesIO()
    Image.new("RGB", size, (0, 90, 200)).save(buf, format="PNG")
    meta = ImageMeta(
        prompt=prompt,
        provider="google",
        model="gemini-3-pro-image",
        size="16:9",
        quality="2K",
        width=size[0],
        height=size[1],
        cost_usd=0.134,
        created=T0 + timedelta(minutes=minutes),
    )
    return store.add(buf.getvalue(), "image/png", meta)


def test_rows_newest_first_with_thumbnails_and_tooltips(qtbot: QtBot, tmp_path: Path) -> None:
    store = GalleryStore(tmp_path)
    add(store, "first " * 20, 0)
    newest = add(store, "second", 1)
    model = GalleryModel(store, thumb_edge=64)
    with qtbot.wait_signal(model.count_changed) as counted:
        model.refresh()
    assert counted.args == [2]
    index = model.index(0, 0)
    assert model.data(index, ENTRY_ROLE) == newest
    assert model.data(index, PATH_ROLE) == str(newest.path)
    thumb = model.data(index, Qt.ItemDataRole.DecorationRole)
    assert isinstance(thumb, QPixmap)
    assert (thumb.width(), thumb.height()) == (64, 64)  # square cells line up in the grid
    pixels = thumb.toImage()
    assert pixels.pixelColor(32, 32).blue() == 200  # the image, scaled to 64x32, centred
    assert pixels.pixelColor(32, 4).alpha() == 0  # transparent above it
    tip = model.data(index, Qt.ItemDataRole.ToolTipRole)
    assert "gemini-3-pro-image" in tip and "$0.134" in tip and "640" in tip
    long_label = model.data(model.index(1, 0), Qt.ItemDataRole.DisplayRole)
    first_line, when = long_label.split("\n")
    assert len(first_line) == CAPTION_CHARS and first_line.endswith("…")
    assert len(when) == len("09:00")  # the time it was made tells same-prompt images apart


def test_filter_add_and_delete(qtbot: QtBot, tmp_path: Path) -> None:
    store = GalleryStore(tmp_path)
    add(store, "a harbour at night", 0)
    model = GalleryModel(store)
    model.set_filter("harbour")
    assert model.rowCount() == 1
    other = add(store, "a mountain", 1)
    match = add(store, "harbour boats", 2)
    model.add_paths([other.path, match.path])
    assert model.rowCount() == 2
    assert model.entry(0) == match
    assert model.row_of(other.path) == -1
    with qtbot.wait_signal(model.rowsRemoved):
        model.delete(0)
    assert not match.path.exists()
    assert model.rowCount() == 1
    model.set_filter("")
    assert model.rowCount() == 2


def test_images_of_one_prompt_made_together_get_numbered_captions(tmp_path: Path) -> None:
    store = GalleryStore(tmp_path)
    add(store, "a lighthouse at dusk", 0)
    add(store, "a lighthouse at dusk", 0)
    add(store, "a harbour", 0)
    model = GalleryModel(store)
    model.refresh()
    captions = [model.index(row, 0).data() for row in range(model.rowCount())]
    assert len(set(captions)) == 3
    numbered = sorted(c for c in captions if c.startswith("a lighthouse"))
    assert numbered[0].endswith(" · 1 of 2") and numbered[1].endswith(" · 2 of 2")
