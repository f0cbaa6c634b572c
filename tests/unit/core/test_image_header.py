"""read_header: format, mode, size and EXIF orientation of a reference without decoding a pixel."""

from __future__ import annotations

import os
import struct
import zlib
from typing import TYPE_CHECKING

import pytest
from PIL import Image, ImageFile
from PIL.PngImagePlugin import PngInfo

from imageai.core.errors import ValidationError
from imageai.core.imaging import MAX_PIXELS, read_header

if TYPE_CHECKING:
    from pathlib import Path


def _exif(orientation: int) -> Image.Exif:
    exif = Image.Exif()
    exif[0x0112] = orientation
    return exif


def png_chunk(kind: bytes, data: bytes) -> bytes:
    """One PNG chunk: length, type, data, CRC."""
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def with_chunk_before_iend(png: bytes, kind: bytes, data: bytes) -> bytes:
    """A PNG with one more chunk after its pixels (where only a full decode finds it)."""
    iend = png.rindex(b"IEND") - 4
    return png[:iend] + png_chunk(kind, data) + png[iend:]


@pytest.fixture
def no_pixel_decode(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(self: ImageFile.ImageFile) -> None:
        raise AssertionError("a pixel was decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", refuse)


@pytest.mark.parametrize("orientation", range(1, 9))
@pytest.mark.parametrize(("suffix", "fmt"), [(".jpg", "JPEG"), (".webp", "WEBP"), (".png", "PNG")])
def test_orientation_is_read_from_the_header(
    tmp_path: Path, orientation: int, suffix: str, fmt: str
) -> None:
    path = tmp_path / f"ref{suffix}"
    Image.new("RGB", (64, 48), (10, 20, 30)).save(path, exif=_exif(orientation))

    header = read_header(path)

    assert (header.format, header.mode, header.width, header.height) == (fmt, "RGB", 64, 48)
    assert header.orientation == orientation


@pytest.mark.usefixtures("no_pixel_decode")
def test_no_pixel_is_decoded(tmp_path: Path) -> None:
    jpeg, png = tmp_path / "a.jpg", tmp_path / "b.png"
    Image.new("RGB", (64, 48)).save(jpeg, exif=_exif(6))
    Image.new("RGBA", (64, 48)).save(png)

    assert read_header(jpeg).orientation == 6
    assert read_header(png).orientation == 1
    assert read_header(png).mode == "RGBA"


def test_a_png_that_may_name_an_orientation_after_its_pixels_is_left_to_a_full_decode(
    tmp_path: Path,
) -> None:
    plain = tmp_path / "plain.png"
    Image.new("RGB", (64, 48)).save(plain)
    late = tmp_path / "late.png"
    exif = _exif(8).tobytes()[6:]  # the chunk holds the TIFF data without the "Exif\0\0" mark
    late.write_bytes(with_chunk_before_iend(plain.read_bytes(), b"eXIf", exif))
    with Image.open(late) as img:  # Pillow finds it only after decoding
        img.load()
        assert img.getexif()[0x0112] == 8

    assert read_header(plain).orientation == 1
    assert read_header(late).orientation is None


@pytest.mark.usefixtures("no_pixel_decode")
def test_limits_are_checked_from_the_header(tmp_path: Path) -> None:
    huge = tmp_path / "huge.png"
    side = int(MAX_PIXELS**0.5) + 10
    # A valid header for a huge picture, with hardly any data: refused before decoding.
    ihdr = struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0)
    huge.write_bytes(b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr) + png_chunk(b"IEND", b""))
    with pytest.raises(ValidationError, match="megapixels"):
        read_header(huge)


def test_unreadable_and_missing_files_get_clear_errors(tmp_path: Path) -> None:
    text = tmp_path / "notes.png"
    text.write_text("not a picture")
    with pytest.raises(ValidationError, match="not a readable image"):
        read_header(text)
    with pytest.raises(ValidationError, match="does not exist"):
        read_header(tmp_path / "gone.png")


XMP_TURNED_LEFT = (
    '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
    'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
    'xmlns:tiff="http://ns.adobe.com/tiff/1.0/" tiff:Orientation="6"/></rdf:RDF></x:xmpmeta>'
)


def save_with_deflated_xmp(picture: Image.Image, path: Path) -> None:
    """A PNG turned left by deflated XMP, which Pillow's exif_transpose applies."""
    info = PngInfo()
    info.add_itxt("XML:com.adobe.xmp", XMP_TURNED_LEFT, zip=True)
    picture.save(path, format="PNG", pnginfo=info)


def test_a_png_with_compressed_xmp_is_not_taken_as_upright(tmp_path: Path) -> None:
    # The word "Orientation" is deflated: a scan of the bytes does not see it, Pillow does.
    path = tmp_path / "xmp.png"
    save_with_deflated_xmp(Image.new("RGB", (64, 48)), path)
    with Image.open(path) as img:
        assert img.getexif()[0x0112] == 6

    assert read_header(path).orientation in (None, 6)


@pytest.mark.usefixtures("no_pixel_decode")
@pytest.mark.parametrize("suffix", [".png", ".webp"])
def test_frames_are_counted_from_the_header(tmp_path: Path, suffix: str) -> None:
    still, animated = tmp_path / f"still{suffix}", tmp_path / f"animated{suffix}"
    frames = [Image.new("RGB", (64, 48), colour) for colour in ("red", "green", "blue")]
    frames[0].save(still)
    frames[0].save(animated, save_all=True, append_images=frames[1:], duration=100)

    assert read_header(still).frames == 1
    assert read_header(animated).frames == 3


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX FIFOs")
def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    fifo = tmp_path / "ref.png"
    os.mkfifo(fifo)  # opened for reading without O_NONBLOCK, this would wait forever

    with pytest.raises(ValidationError, match="not a regular file"):
        read_header(fifo)
