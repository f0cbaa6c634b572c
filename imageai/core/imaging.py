"""Fit images to a video frame (crop to fill, or pad) with Pillow."""

from __future__ import annotations

import hashlib
import io
import mmap
import os
import warnings
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING

from PIL import ExifTags, Image, ImageOps, UnidentifiedImageError

from imageai.core.errors import ValidationError
from imageai.core.models import FitMode
from imageai.core.project_files import open_regular, write_atomic

if TYPE_CHECKING:
    from pathlib import Path

SUPPORTED_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp")
MIME_FOR_FORMAT = {"PNG": "image/png", "JPEG": "image/jpeg", "WEBP": "image/webp"}


#: The largest reference the app decodes: 40 megapixels (8K is 33); far more than any video
#: frame needs, and a bound on memory (a 12000x12000 image would take over 800 MB).
MAX_PIXELS = 40_000_000
#: The largest reference file read at all.
MAX_BYTES = 100 << 20


def check_image_size(width: int, height: int, path: Path | str) -> None:
    """Refuse an image larger than `MAX_PIXELS`, naming its size and the limit."""
    if width * height > MAX_PIXELS:
        raise ValidationError(
            "reference_image",
            f"{path} is {width}x{height} pixels; references may have at most "
            f"{MAX_PIXELS // 1_000_000} megapixels (e.g. 7680x5200): scale it down first",
        )


def _check_file_size(path: Path) -> None:
    size = path.stat().st_size if path.is_file() else 0
    if size > MAX_BYTES:
        raise ValidationError(
            "reference_image",
            f"{path} is {size >> 20} MB; references may be at most {MAX_BYTES >> 20} MB",
        )


def _opened(source: Path | IO[bytes], label: Path | str) -> Image.Image:
    """``Image.open`` that turns Pillow's decompression-bomb warning or error into ours."""
    with warnings.catch_warnings():
        # Our own limit (below Pillow's) is checked next, before any pixel is decoded.
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            img = Image.open(source)
        except Image.DecompressionBombError as exc:
            bomb = 2 * (Image.MAX_IMAGE_PIXELS or 0) // 1_000_000
            raise ValidationError(
                "reference_image",
                f"{label} has more than {bomb} megapixels; references may have at most "
                f"{MAX_PIXELS // 1_000_000} megapixels: scale it down first",
            ) from exc
    try:
        check_image_size(img.width, img.height, label)
    except ValidationError:
        img.close()
        raise
    return img


def decode_image(data: bytes, label: Path | str) -> Image.Image:
    """Decode ``data`` fully (size-checked before any pixel is decoded); clear error if not an
    image the providers take."""
    try:
        with _opened(io.BytesIO(data), label) as img:
            if img.format not in MIME_FOR_FORMAT:
                raise ValidationError(
                    "reference_image", f"{label} is a {img.format} image, not PNG, JPEG or WebP"
                )
            img.load()
            return ImageOps.exif_transpose(img)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ValidationError(
            "reference_image", f"{label} is not a readable image (PNG, JPEG or WebP)"
        ) from exc


def open_image(path: Path) -> Image.Image:
    """Open and fully load an image, with EXIF rotation applied; clear error when unreadable
    or larger than `MAX_PIXELS`."""
    if not path.is_file():
        raise ValidationError("reference_image", f"{path} does not exist")
    _check_file_size(path)
    try:
        with _opened(path, path) as img:
            img.load()
            return ImageOps.exif_transpose(img)
    except (UnidentifiedImageError, OSError) as exc:
        raise ValidationError(
            "reference_image", f"{path} is not a readable image (PNG, JPEG or WebP): {exc}"
        ) from exc


@dataclass(frozen=True)
class ImageHeader:
    """What a reference's header says, read without decoding a pixel."""

    format: str
    mode: str
    width: int
    height: int
    #: EXIF orientation (1-8, 1 upright); None when only decoding the whole file could tell.
    orientation: int | None
    #: Pictures in the file: more than 1 for an animated PNG or WebP.
    frames: int = 1


#: Bytes that may mean a PNG carries an orientation after its pixels, where Pillow only
#: looks once it has decoded them all. XMP by its keyword: its text may be deflated, where
#: "Orientation" is not to be seen.
_PNG_ORIENTATION_MARKERS = (
    b"eXIf",
    b"Orientation",
    b"Raw profile type exif",
    b"XML:com.adobe.xmp",
)


def open_reference(path: Path) -> IO[bytes]:
    """The reference at ``path``, opened for reading: a regular file of at most `MAX_BYTES`.

    A FIFO or a device is refused without waiting on it. Reading the header and then the
    pixels from this one open file means the file checked is the file read, even if another is
    put at ``path`` meanwhile.
    """
    try:
        file = open_regular(path)
    except FileNotFoundError as exc:
        raise ValidationError("reference_image", f"{path} does not exist") from exc
    except ValidationError as exc:  # not a regular file
        raise ValidationError("reference_image", exc.message) from exc
    except OSError as exc:
        raise ValidationError("reference_image", f"{path} cannot be read: {exc}") from exc
    size = os.fstat(file.fileno()).st_size
    if size > MAX_BYTES:
        file.close()
        raise ValidationError(
            "reference_image",
            f"{path} is {size >> 20} MB; references may be at most {MAX_BYTES >> 20} MB",
        )
    return file


def read_header(path: Path) -> ImageHeader:
    """Format, mode, size and orientation of a reference, checked against `MAX_BYTES` and
    `MAX_PIXELS` like `open_image`, without decoding its pixels."""
    with open_reference(path) as file:
        return header_of(file, path)


def header_of(file: IO[bytes], label: Path | str) -> ImageHeader:
    """`read_header` of a reference already open (`open_reference`); reads it from where it
    is, and leaves it anywhere."""
    try:
        with _opened(file, label) as img:
            orientation = _orientation(img, file)
            frames = int(getattr(img, "n_frames", 1))
            return ImageHeader(
                img.format or "", img.mode, img.width, img.height, orientation, frames
            )
    except (UnidentifiedImageError, OSError) as exc:
        raise ValidationError(
            "reference_image", f"{label} is not a readable image (PNG, JPEG or WebP): {exc}"
        ) from exc


def _orientation(img: Image.Image, file: IO[bytes]) -> int | None:
    if img.format == "PNG" and "exif" not in img.info:
        # Pillow reads a PNG's EXIF found after the pixels only by decoding them all: a file
        # that never names one has none; one that might is left to a full decode.
        with mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ) as data:
            if any(data.find(marker) != -1 for marker in _PNG_ORIENTATION_MARKERS):
                return None
        return 1
    value = img.getexif().get(ExifTags.Base.Orientation, 1)
    # exif_transpose leaves any other value as it is.
    return value if isinstance(value, int) and 1 <= value <= 8 else 1


def fit_image(
    img: Image.Image,
    size: tuple[int, int],
    mode: FitMode,
    pad_color: tuple[int, int, int] = (0, 0, 0),
) -> Image.Image:
    """Return an RGB image of exactly ``size``: cropped to fill, or scaled to fit and padded."""
    rgb = img.convert("RGB")
    if mode is FitMode.CROP:
        return ImageOps.fit(rgb, size, method=Image.Resampling.LANCZOS, centering=(0.5, 0.5))
    return ImageOps.pad(rgb, size, method=Image.Resampling.LANCZOS, color=pad_color)


def fit_to_file(source: Path, size: tuple[int, int], mode: FitMode, out_dir: Path) -> Path:
    """Fit ``source`` to ``size`` and save it as PNG in ``out_dir``; reuses an identical earlier fit."""
    _check_file_size(source)
    data = source.read_bytes()
    key = hashlib.sha256(data + f"{size}{mode}".encode()).hexdigest()[:10]
    target = out_dir / f"{source.stem}-{size[0]}x{size[1]}-{mode.value}-{key}.png"
    # A link there (a received project's) could point at any private image: it is not reused.
    if target.is_file() and not target.is_symlink():
        return target
    fitted = fit_image(open_image(source), size, mode)
    if out_dir.is_symlink():
        raise ValidationError("reference_image", f"{out_dir} is a symbolic link; not writing there")
    out_dir.mkdir(parents=True, exist_ok=True)
    png = io.BytesIO()
    fitted.save(png, format="PNG")
    # A temp file of a fresh name, renamed: a link left at the target is replaced, not followed.
    write_atomic(target, png.getvalue())
    return target
