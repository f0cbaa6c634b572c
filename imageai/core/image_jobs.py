"""Image requests and results, the `ImageProvider` protocol, and the pure `run_image_job` loop."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from PIL import Image, UnidentifiedImageError
from pydantic import BaseModel, ConfigDict

from imageai.core.errors import JobCancelledError, ProviderError, ValidationError
from imageai.core.gallery_store import GalleryEntry, GalleryStore, ImageMeta, now
from imageai.core.image_catalog import (
    ImageCatalog,
    ImageModelInfo,
    ImageProviderName,
    default_image_catalog,
)
from imageai.core.jobs import Progress, Queued

if TYPE_CHECKING:
    import threading
    from collections.abc import Iterator

log = logging.getLogger(__name__)

MAX_PROMPT_CHARS = 32000


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ImageRequest(_Frozen):
    """Everything a provider needs for one generate (or edit) of ``count`` images."""

    job_id: str = "image"
    provider: ImageProviderName
    model: str
    prompt: str
    #: "WxH" for OpenAI, an aspect ratio such as "16:9" for Google; None for the model's default.
    size: str | None = None
    quality: str | None = None
    count: int = 1
    #: Folder where the images and their sidecars are written (the gallery).
    out_dir: Path
    #: An edit: the image to change, and where the model supports it a mask (transparent = edit).
    edit_image: Path | None = None
    mask_image: Path | None = None
    #: Seconds each API call may take before it counts as timed out.
    timeout_s: float = 180.0


class GeneratedImage(_Frozen):
    """One image as the API returned it."""

    data: bytes
    mime_type: str = "image/png"


class ImageResult(_Frozen):
    """A finished image job: the gallery files written and what they cost."""

    job_id: str
    paths: tuple[Path, ...]
    billed_usd: float
    #: Fewer images than asked for (a content filter dropped some, or the job was cancelled).
    requested: int


class ImagesSaved(_Frozen):
    """Some images of the job are in the gallery (sent after every call)."""

    job_id: str
    paths: tuple[Path, ...]


class ImagesDone(_Frozen):
    """The last event of a job that produced images; carries the result."""

    result: ImageResult


ImageEvent = Queued | Progress | ImagesSaved | ImagesDone


class ImageProvider(Protocol):
    """An image backend (OpenAI Images, Gemini, Imagen)."""

    name: ImageProviderName

    def generate(
        self, request: ImageRequest, model: ImageModelInfo, count: int
    ) -> list[GeneratedImage]:
        """Make ``count`` images (at most ``model.per_call``) in one API call; edit when asked."""
        ...


def validate_image_request(catalog: ImageCatalog, request: ImageRequest) -> ImageModelInfo:
    """The model's entry, or `ValidationError` for a request it cannot serve."""
    model = catalog.get(request.provider, request.model)
    if model is None:
        offered = tuple(m.id for m in catalog.offered(request.provider))
        raise ValidationError("model", f"unknown {request.provider.value} image model", offered)
    if not model.offered:
        raise ValidationError("model", model.retired_note or f"{model.id} is not offered")
    if not request.prompt.strip():
        raise ValidationError("prompt", "is empty")
    if len(request.prompt) > MAX_PROMPT_CHARS:
        raise ValidationError("prompt", f"is longer than {MAX_PROMPT_CHARS} characters")
    if request.size is not None and request.size not in model.shapes:
        raise ValidationError("size", f"{model.id} does not take {request.size}", model.shapes)
    if request.quality is not None and request.quality not in model.qualities:
        raise ValidationError(
            "quality", f"{model.id} does not take {request.quality}", model.qualities
        )
    if not 1 <= request.count <= model.max_count:
        raise ValidationError("count", f"must be 1 to {model.max_count} for {model.id}")
    _validate_edit(model, request)
    return model


def _validate_edit(model: ImageModelInfo, request: ImageRequest) -> None:
    if request.edit_image is not None:
        if not model.supports_edit:
            raise ValidationError("edit_image", f"{model.id} cannot edit images")
        _check_readable("edit_image", request.edit_image)
    if request.mask_image is not None:
        if request.edit_image is None or not model.supports_mask:
            raise ValidationError("mask_image", f"{model.id} takes no mask here")
        _check_readable("mask_image", request.mask_image)
        if _size_of(request.mask_image) != _size_of(request.edit_image):
            raise ValidationError("mask_image", "must have the same size as the image it masks")


def _check_readable(field: str, path: Path) -> None:
    try:
        with Image.open(path) as img:
            img.verify()
    except (OSError, UnidentifiedImageError) as exc:
        raise ValidationError(field, f"{path} is not a readable image") from exc


def _size_of(path: Path) -> tuple[int, int]:
    with Image.open(path) as img:
        return img.size


def estimate_image_request(catalog: ImageCatalog, request: ImageRequest) -> float:
    """USD the request will cost, from the price table."""
    model = validate_image_request(catalog, request)
    return model.estimate(request.size, _quality(model, request), request.count)


def _quality(model: ImageModelInfo, request: ImageRequest) -> str | None:
    return request.quality or model.default_quality


def _dimensions(data: bytes) -> tuple[int, int]:
    from io import BytesIO

    try:
        with Image.open(BytesIO(data)) as img:
            return img.size
    except (OSError, UnidentifiedImageError) as exc:
        raise ProviderError("The API returned data that is not an image.") from exc


def run_image_job(
    request: ImageRequest,
    provider: ImageProvider,
    cancel: threading.Event,
    catalog: ImageCatalog | None = None,
) -> Iterator[ImageEvent]:
    """Generate the request's images call by call, saving each batch to the gallery.

    Yields `Queued`, then `Progress` and `ImagesSaved` after each call, then `ImagesDone`.
    Cancel is checked between calls (a call already sent is paid for, so its images are kept).

    Raises:
        ValidationError: before any call, for a request the model cannot serve.
        ProviderError: from the provider; images of earlier calls stay in the gallery.
        JobCancelledError: cancelled before any image arrived.
    """
    model = validate_image_request(catalog or default_image_catalog(), request)
    quality = _quality(model, request)
    price = model.price_rule(request.size, quality).usd_per_image
    store = GalleryStore(request.out_dir)
    yield Queued(scene_id=request.job_id)
    paths: list[Path] = []
    remaining = request.count
    while remaining > 0:
        if cancel.is_set():
            break
        done = request.count - remaining
        yield Progress(
            scene_id=request.job_id,
            fraction=done / request.count if done else -1.0,
            message=f"generating image {done + 1} of {request.count}",
        )
        batch = min(remaining, max(1, model.per_call))
        images = provider.generate(request, model, batch)
        if not images:
            raise ProviderError("The API returned no image.")
        saved = [_save(store, request, model, quality, price, img).path for img in images[:batch]]
        paths.extend(saved)
        remaining -= batch
        yield ImagesSaved(job_id=request.job_id, paths=tuple(saved))
    if not paths:
        raise JobCancelledError(request.job_id)
    yield Progress(scene_id=request.job_id, fraction=1.0, message="done")
    result = ImageResult(
        job_id=request.job_id,
        paths=tuple(paths),
        billed_usd=round(price * len(paths), 4),
        requested=request.count,
    )
    yield ImagesDone(result=result)


def _save(
    store: GalleryStore,
    request: ImageRequest,
    model: ImageModelInfo,
    quality: str | None,
    price: float,
    image: GeneratedImage,
) -> GalleryEntry:
    width, height = _dimensions(image.data)
    meta = ImageMeta(
        prompt=request.prompt,
        provider=request.provider.value,
        model=model.id,
        size=request.size or f"{width}x{height}",
        quality=quality or "",
        width=width,
        height=height,
        cost_usd=price,
        created=now(),
        edit_of=request.edit_image.name if request.edit_image else "",
    )
    return store.add(image.data, image.mime_type, meta)
