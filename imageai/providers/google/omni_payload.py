"""Gemini Omni request checks and the ``interactions.create`` arguments (inputs, format, task)."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from imageai.core.errors import ValidationError
from imageai.core.imaging import fit_to_file
from imageai.core.jobs import SourceMode
from imageai.core.models import OmniSettings, VeoBackend
from imageai.core.shot import VEO_FRAME_SIZES

if TYPE_CHECKING:
    from pathlib import Path

    from imageai.core.catalog import ModelInfo
    from imageai.core.jobs import JobRequest

SEED_MAX = 2**32 - 1
#: Above 720p a video is too big to come back inline on the Gemini API: ask for a file URI.
URI_RESOLUTIONS = frozenset({"1080p", "4k"})
#: A source clip is sent inline; Google caps inline request bodies near 20 MB.
MAX_SOURCE_BYTES = 20 * 1024 * 1024


class Task:
    """``generation_config.video_config.task`` values (google-genai 3.6.1 ``videoconfig.py``)."""

    TEXT = "text_to_video"
    IMAGE = "image_to_video"
    REFERENCE = "reference_to_video"
    EDIT = "edit"
    EXTEND = "extend"


@dataclass(frozen=True)
class OmniCreate:
    """Everything one Omni create sends, as keyword arguments of ``interactions.create``."""

    model: str
    task: str
    input: list[dict[str, Any]]
    response_format: dict[str, Any]
    generation_config: dict[str, Any]
    previous_interaction_id: str | None = None

    def kwargs(self) -> dict[str, Any]:
        args: dict[str, Any] = {
            "model": self.model,
            "input": self.input,
            "response_format": self.response_format,
            "generation_config": self.generation_config,
            # Return at once with an id; the video is polled for (a held-open create could
            # outlive any timeout and lose the id).
            "background": True,
        }
        if self.previous_interaction_id:
            args["previous_interaction_id"] = self.previous_interaction_id
        return args


def omni_settings(request: JobRequest) -> OmniSettings:
    if not isinstance(request.settings, OmniSettings):
        raise ValidationError("provider", "this request carries no Gemini Omni settings")
    return request.settings


def check_request(request: JobRequest, info: ModelInfo) -> None:
    """Raise `ValidationError` (field + allowed values) for what this model or backend refuses."""
    settings = omni_settings(request)
    if settings.backend is VeoBackend.VERTEX:
        if not (settings.vertex_project or "").strip():
            raise ValidationError(
                "vertex_project",
                "Vertex AI needs a Google Cloud project: fill in the Omni settings",
            )
        if not settings.vertex_location.strip():
            raise ValidationError("vertex_location", "Vertex AI needs a location", ("global",))
        if settings.gcs_uri and not settings.gcs_uri.startswith("gs://"):
            raise ValidationError("gcs_uri", "must be a gs://bucket/prefix URI")
    _check_images(request, info)
    _check_source(request, info)
    if settings.seed is not None and not 0 <= settings.seed <= SEED_MAX:
        raise ValidationError("seed", "out of range", (f"0..{SEED_MAX}",))


def _check_images(request: JobRequest, info: ModelInfo) -> None:
    refs = request.extra_reference_images
    if len(refs) > info.max_reference_images:
        raise ValidationError(
            "reference_images",
            f"{info.id} takes at most {info.max_reference_images} reference images, got {len(refs)}",
        )
    frames = request.reference_image is not None or request.last_frame_image is not None
    if refs and frames:
        raise ValidationError(
            "reference_images", "Omni takes either reference images or first/last frames"
        )
    if request.last_frame_image is not None:
        if not info.supports_last_frame:
            raise ValidationError("last_frame_image", f"{info.id} takes no last frame")
        if request.reference_image is None:
            raise ValidationError("last_frame_image", "a last frame needs a first frame as well")
        limit = info.first_last_max_seconds
        if limit is not None and request.spec.seconds > limit:
            raise ValidationError(
                "seconds",
                f"{info.id} renders at most {limit} s with a first and a last frame",
                tuple(str(s) for s in info.seconds if s <= limit),
            )
    for path in (request.reference_image, request.last_frame_image, *refs):
        if path is not None and not path.is_file():
            raise ValidationError("reference_image", f"{path} does not exist")


def _check_source(request: JobRequest, info: ModelInfo) -> None:
    source = request.source
    if source is None:
        return
    if source.mode is SourceMode.EDIT and not info.supports_edit:
        raise ValidationError("source", f"{info.id} cannot edit a clip")
    if source.mode is SourceMode.EXTEND and not info.supports_extend:
        raise ValidationError("source", f"{info.id} cannot extend a clip")
    if request.reference_image is not None or request.last_frame_image is not None:
        raise ValidationError("source", "an edit or extend takes no first or last frame")
    if source.job_id:
        return
    clip = source.clip_path
    if clip is None or not clip.is_file():
        raise ValidationError("source", "the clip to edit or extend is missing")
    if clip.stat().st_size > MAX_SOURCE_BYTES:
        raise ValidationError("source", "the clip is too large to send (20 MB at most)")


def task_for(request: JobRequest) -> str:
    """The task: edit/extend for a source clip, else from the images given."""
    if request.source is not None:
        return Task.EDIT if request.source.mode is SourceMode.EDIT else Task.EXTEND
    if request.extra_reference_images:
        return Task.REFERENCE
    if request.reference_image is not None:
        return Task.IMAGE
    return Task.TEXT


def fit_size(aspect: str, resolution: str) -> tuple[int, int]:
    """Pixel size images are fitted to: the frame, capped at 1080p to keep requests small."""
    capped = "1080p" if resolution == "4k" else resolution
    width, height = VEO_FRAME_SIZES.get((aspect, capped), "1280x720").split("x")
    return int(width), int(height)


def _image_part(path: Path, request: JobRequest) -> dict[str, Any]:
    spec = request.spec
    size = fit_size(spec.aspect or "16:9", spec.resolution or "720p")
    fitted = fit_to_file(path, size, request.fit, request.refs_dir / "fitted")
    return {"type": "image", "mime_type": "image/png", "data": _b64(fitted.read_bytes())}


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _inputs(request: JobRequest) -> list[dict[str, Any]]:
    parts: list[dict[str, Any]] = [{"type": "text", "text": request.prompt}]
    # First then last frame: with two images, image_to_video reads them in this order.
    for path in (request.reference_image, request.last_frame_image):
        if path is not None:
            parts.append(_image_part(path, request))
    parts.extend(_image_part(path, request) for path in request.extra_reference_images)
    source = request.source
    if source is not None and not source.job_id and source.clip_path is not None:
        data = _b64(source.clip_path.read_bytes())
        parts.append({"type": "video", "mime_type": "video/mp4", "data": data})
    return parts


def _response_format(request: JobRequest, settings: OmniSettings) -> dict[str, Any]:
    spec = request.spec
    resolution = spec.resolution or settings.resolution
    fmt: dict[str, Any] = {
        "type": "video",
        "aspect_ratio": spec.aspect or settings.aspect,
        "resolution": resolution,
        "duration": f"{spec.seconds}s",
    }
    if settings.backend is VeoBackend.VERTEX:
        # Vertex writes uri output only to a bucket of the user's; without one, inline.
        if settings.gcs_uri:
            fmt.update(delivery="uri", gcs_uri=settings.gcs_uri)
        else:
            fmt["delivery"] = "inline"
    elif resolution in URI_RESOLUTIONS:
        fmt["delivery"] = "uri"
    return fmt


def build_create(request: JobRequest, info: ModelInfo) -> OmniCreate:
    """Fit the images (per ``request.fit``) and assemble the create arguments."""
    settings = omni_settings(request)
    config: dict[str, Any] = {"video_config": {"task": task_for(request)}}
    if settings.seed is not None:
        config["seed"] = settings.seed
    source = request.source
    return OmniCreate(
        model=info.id,
        task=task_for(request),
        input=_inputs(request),
        response_format=_response_format(request, settings),
        generation_config=config,
        previous_interaction_id=source.job_id if source is not None else None,
    )
