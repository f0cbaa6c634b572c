"""Fit images to a video frame (crop to fill, or pad) with Pillow."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from PIL import Image, ImageOps, UnidentifiedImageError

from imageai.core.errors import ValidationError
from imageai.core.models import FitMode

if TYPE_CHECKING:
    from pathlib import Path

SUPPORTED_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp")
MIME_FOR_FORMAT = {"PNG": "image/png", "JPEG": "image/jpeg", "WEBP": "image/webp"}


def open_image(path: Path) -> Image.Image:
    """Open and fully load an image, with EXIF rotation applied; clear error when unreadable."""
    if not path.is_file():
        raise ValidationError("reference_image", f"{path} does not exist")
    try:
        with Image.open(path) as img:
            img.load()
            return ImageOps.exif_transpose(img)
    except (UnidentifiedImageError, OSError) as exc:
        raise ValidationError(
            "reference_image", f"{path} is not a readable image (PNG, JPEG or WebP): {exc}"
        ) from exc


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
    data = source.read_bytes()
    key = hashlib.sha256(data + f"{size}{mode}".encode()).hexdigest()[:10]
    target = out_dir / f"{source.stem}-{size[0]}x{size[1]}-{mode.value}-{key}.png"
    if target.is_file():
        return target
    fitted = fit_image(open_image(source), size, mode)
    out_dir.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".tmp.png")
    fitted.save(tmp, format="PNG")
    tmp.replace(target)
    return target
