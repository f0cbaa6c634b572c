"""ReferenceDialog fits real Pillow images to the frame: crop fills, pad keeps all, preview agrees."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from PIL import Image, ImageDraw

from imageai.core.models import FitMode
from imageai.gui.images.reference_dialog import ReferenceDialog, preview_size

if TYPE_CHECKING:
    from pathlib import Path

    from pytestqt.qtbot import QtBot

RED, BLUE = (220, 20, 20), (20, 20, 220)


@pytest.fixture
def square(tmp_path: Path) -> Path:
    """A 400x400 red square with a 100 px blue band at the top."""
    img = Image.new("RGB", (400, 400), RED)
    ImageDraw.Draw(img).rectangle((0, 0, 399, 99), fill=BLUE)
    path = tmp_path / "square.png"
    img.save(path)
    return path


def make(qtbot: QtBot, source: Path, frame: tuple[int, int] | None, out: Path) -> ReferenceDialog:
    dialog = ReferenceDialog(source, frame, out)
    qtbot.add_widget(dialog)
    return dialog


def test_crop_fills_a_wide_frame_and_cuts_top_and_bottom(
    qtbot: QtBot, square: Path, tmp_path: Path
) -> None:
    dialog = make(qtbot, square, (1280, 720), tmp_path / "refs")
    assert dialog.frame() == (1280, 720)
    assert dialog.mode() is FitMode.CROP
    assert "edges are cut off" in dialog.info.text()
    dialog.accept()
    assert dialog.fitted_path is not None
    with Image.open(dialog.fitted_path) as fitted:
        assert fitted.size == (1280, 720)
        # a centre crop to 16:9 keeps source rows 88-312: only the band's last rows remain
        assert fitted.getpixel((640, 5)) == BLUE
        assert fitted.getpixel((640, 60)) == RED
        assert fitted.getpixel((640, 700)) == RED
        assert fitted.getpixel((0, 360)) == RED


def test_pad_keeps_the_whole_image_with_black_bars(
    qtbot: QtBot, square: Path, tmp_path: Path
) -> None:
    dialog = make(qtbot, square, (1280, 720), tmp_path / "refs")
    dialog.pad.setChecked(True)
    assert dialog.mode() is FitMode.PAD
    assert "bars fill the rest" in dialog.info.text()
    dialog.accept()
    assert dialog.fitted_path is not None
    with Image.open(dialog.fitted_path) as fitted:
        assert fitted.size == (1280, 720)
        assert fitted.getpixel((10, 360)) == (0, 0, 0)  # bar on the left
        assert fitted.getpixel((640, 10)) == BLUE  # the band is kept
        assert fitted.getpixel((640, 600)) == RED


def test_preview_has_the_frame_shape_and_changes_with_the_mode(
    qtbot: QtBot, square: Path, tmp_path: Path
) -> None:
    dialog = make(qtbot, square, (720, 1280), tmp_path)
    crop = dialog.preview_image()
    assert (crop.width(), crop.height()) == preview_size((720, 1280))
    assert crop.pixelColor(5, crop.height() // 2).red() > 200
    dialog.pad.setChecked(True)
    pad = dialog.preview_image()
    assert pad.pixelColor(5, 5).red() == 0  # bars above the image
    assert dialog.preview.pixmap().size() == pad.size()
    assert [p.name for p in tmp_path.glob("*.png")] == ["square.png"]  # nothing written yet


def test_unknown_frame_is_added_and_preselected(qtbot: QtBot, square: Path, tmp_path: Path) -> None:
    dialog = make(qtbot, square, (1000, 500), tmp_path)
    assert dialog.size_box.currentData() == "1000x500"
    dialog.size_box.setCurrentIndex(dialog.size_box.findData("1024x1024"))
    assert "nothing is lost" in dialog.info.text()


@pytest.mark.parametrize(
    ("frame", "expected"), [((1280, 720), (360, 202)), ((720, 1280), (202, 360))]
)
def test_preview_size_keeps_the_aspect(frame: tuple[int, int], expected: tuple[int, int]) -> None:
    assert preview_size(frame) == expected
