"""The animatic hands the reference to ffmpeg untouched: it comes out upright and fitted exactly as
Pillow would make it, with no pixel decoded in the app, and the thumbnail comes from ffmpeg too."""

from __future__ import annotations

import os
import threading
from typing import TYPE_CHECKING

import pytest
from PIL import Image, ImageChops, ImageFile, ImageStat

from imageai.core.errors import InvalidRequestError
from imageai.core.imaging import fit_image, open_image
from imageai.core.jobs import PollState
from imageai.core.models import FitMode
from imageai.providers.animatic import provider as provider_module
from tests.unit.core.test_image_header import save_with_deflated_xmp, with_chunk_before_iend
from tests.unit.providers.animatic.test_provider import make_request, wait_done

if TYPE_CHECKING:
    from pathlib import Path
    from typing import IO

    from imageai.core.imaging import ImageHeader
    from imageai.providers.animatic.provider import AnimaticProvider

SIZE = (320, 180)


def quadrants(width: int = 300, height: int = 400) -> Image.Image:
    """A picture whose every turn and mirror looks different: four colours, one corner mark."""
    img = Image.new("RGB", (width, height), (220, 40, 40))
    img.paste((40, 200, 60), (width // 2, 0, width, height // 2))
    img.paste((40, 60, 220), (0, height // 2, width // 2, height))
    img.paste((240, 230, 60), (width // 2, height // 2, width, height))
    img.paste((255, 255, 255), (0, 0, width // 6, height // 8))
    return img


def exif(orientation: int) -> Image.Exif:
    tags = Image.Exif()
    tags[0x0112] = orientation
    return tags


def pillow_thumbnail(reference: Path, fit: FitMode) -> Image.Image:
    """What the clip's first frame should be, made the way the app always made it."""
    frame = fit_image(open_image(reference), SIZE, fit)
    frame.thumbnail((480, 480))
    return frame


def thumbnail_of(provider: AnimaticProvider, reference: Path, fit: FitMode) -> Image.Image:
    request = make_request(reference.parent, size="320x180", reference=reference, fit=fit)
    job = provider.start(request)
    assert wait_done(provider, job.job_id)[-1].state is PollState.COMPLETED
    result = provider.download(job.job_id, request, threading.Event())
    assert result.thumbnail_path is not None
    with Image.open(result.thumbnail_path) as thumb:
        return thumb.convert("RGB")


def assert_alike(made: Image.Image, expected: Image.Image) -> None:
    assert made.size == expected.size
    # JPEG and a different scaler differ a little at the edges; a wrong turn differs by ~100.
    difference = ImageStat.Stat(ImageChops.difference(made, expected)).mean
    assert max(difference) < 8, difference


@pytest.mark.parametrize("orientation", range(1, 9))
def test_every_exif_orientation_is_turned_upright(
    provider: AnimaticProvider, tmp_path: Path, orientation: int
) -> None:
    reference = tmp_path / "photo.jpg"
    quadrants().save(reference, exif=exif(orientation), quality=95)

    assert_alike(
        thumbnail_of(provider, reference, FitMode.CROP),
        pillow_thumbnail(reference, FitMode.CROP),
    )


@pytest.mark.parametrize(
    ("name", "orientation", "fit"),
    [
        ("wide.png", 1, FitMode.PAD),
        ("tall.webp", 6, FitMode.PAD),
        ("tall.png", 3, FitMode.CROP),
    ],
)
def test_png_and_webp_references_are_fitted_like_pillow_fits_them(
    provider: AnimaticProvider, tmp_path: Path, name: str, orientation: int, fit: FitMode
) -> None:
    reference = tmp_path / name
    shape = (600, 200) if name.startswith("wide") else (200, 500)
    quadrants(*shape).convert("RGBA").save(reference, exif=exif(orientation))

    assert_alike(thumbnail_of(provider, reference, fit), pillow_thumbnail(reference, fit))


def test_no_pixel_of_the_reference_is_decoded_in_the_app(
    provider: AnimaticProvider, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reference = tmp_path / "photo.jpg"
    quadrants(3000, 4000).save(reference, exif=exif(6))
    decoded: list[object] = []
    real_load = ImageFile.ImageFile.load

    def counted(self: ImageFile.ImageFile) -> object:
        decoded.append(self)
        return real_load(self)

    monkeypatch.setattr(ImageFile.ImageFile, "load", counted)
    request = make_request(tmp_path, size="1280x720", reference=reference)

    job = provider.start(request)
    assert wait_done(provider, job.job_id)[-1].state is PollState.COMPLETED
    provider.download(job.job_id, request, threading.Event())

    assert decoded == []


def test_a_reference_ffmpeg_might_read_otherwise_is_fitted_by_pillow(
    provider: AnimaticProvider, tmp_path: Path
) -> None:
    # A PNG naming its orientation after the pixels: only Pillow's full decode sees it.
    plain = tmp_path / "plain.png"
    quadrants().save(plain)
    late = tmp_path / "late.png"
    late.write_bytes(with_chunk_before_iend(plain.read_bytes(), b"eXIf", exif(8).tobytes()[6:]))
    cmyk = tmp_path / "print.jpg"
    quadrants().convert("CMYK").save(cmyk)
    # Its orientation in deflated XMP, which Pillow reads and a scan of the bytes cannot.
    xmp = tmp_path / "xmp.png"
    save_with_deflated_xmp(quadrants(), xmp)
    # An APNG whose still picture is no frame of its animation: ffmpeg plays the animation,
    # Pillow (and any viewer that does not animate) shows the still.
    apng = tmp_path / "moving.png"
    turned = [quadrants().rotate(180), quadrants().transpose(Image.Transpose.FLIP_LEFT_RIGHT)]
    quadrants().save(apng, save_all=True, append_images=turned, default_image=True)

    for reference in (late, cmyk, xmp, apng):
        assert_alike(
            thumbnail_of(provider, reference, FitMode.CROP),
            pillow_thumbnail(reference, FitMode.CROP),
        )


@pytest.mark.parametrize("name", ["shot%03d.png", "concat:a.png", "-i.png"])
def test_reference_names_ffmpeg_would_parse_are_read_as_they_are(
    provider: AnimaticProvider, tmp_path: Path, name: str
) -> None:
    reference = tmp_path / name
    quadrants().save(reference, format="PNG")

    assert_alike(
        thumbnail_of(provider, reference, FitMode.CROP),
        pillow_thumbnail(reference, FitMode.CROP),
    )


def test_a_damaged_reference_fails_by_name_not_as_an_ffmpeg_error(
    provider: AnimaticProvider, tmp_path: Path
) -> None:
    # The header reads well; the pixels stop halfway (a copy cut short).
    reference = tmp_path / "door.png"
    Image.effect_noise((800, 600), 60).convert("RGB").save(reference)
    reference.write_bytes(reference.read_bytes()[: reference.stat().st_size // 2])

    job = provider.start(make_request(tmp_path, size="1280x720", reference=reference))
    status = wait_done(provider, job.job_id)[-1]

    assert status.state is PollState.FAILED
    assert isinstance(status.error, InvalidRequestError)
    assert status.error.final
    assert "door.png could not be decoded" in status.error.user_message
    assert list((tmp_path / "clips").iterdir()) == []


@pytest.mark.parametrize("fit", list(FitMode))
@pytest.mark.parametrize("shape", [(4000, 2), (2, 3000), (1, 1)])
def test_references_of_any_shape_are_fitted_like_pillow_fits_them(
    provider: AnimaticProvider, tmp_path: Path, shape: tuple[int, int], fit: FitMode
) -> None:
    # Crop: scaled to cover the frame before the crop, a strip became a picture as long as
    # itself: 2x3000 at 320x180 needed a 1280x1920000 frame, which ffmpeg refuses to make (and
    # a 1000x39000 one at 1280x720 took 1.7 GB). Pad: scaled to fit, 4000x2 was 0 pixels high.
    reference = tmp_path / "strip.jpg"
    Image.new("RGB", shape, (200, 40, 40)).save(reference, quality=95)

    assert_alike(thumbnail_of(provider, reference, fit), pillow_thumbnail(reference, fit))


def test_ffmpeg_reads_the_file_whose_header_was_checked_even_if_another_takes_its_name(
    provider: AnimaticProvider, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reference = tmp_path / "door.png"
    quadrants().save(reference)
    expected = pillow_thumbnail(reference, FitMode.CROP)
    swapped = tmp_path / "other.png"
    Image.new("RGB", (300, 400), (0, 255, 255)).save(swapped)
    real_header_of = provider_module.header_of

    def header_then_swap(file: IO[bytes], label: Path | str) -> ImageHeader:
        header = real_header_of(file, label)
        os.replace(swapped, reference)  # another picture takes the name after the check
        return header

    monkeypatch.setattr(provider_module, "header_of", header_then_swap)

    assert_alike(thumbnail_of(provider, reference, FitMode.CROP), expected)
