"""Veo request checks (per model and backend) and the payload: fitted images plus parameters."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from imageai.core.errors import ValidationError
from imageai.core.imaging import fit_to_file
from imageai.core.models import VeoBackend, VeoSettings
from imageai.core.shot import VEO_FRAME_SIZES

if TYPE_CHECKING:
    from pathlib import Path

    from imageai.core.catalog import ModelInfo
    from imageai.core.jobs import JobRequest

PERSON_GENERATION = ("allow_all", "allow_adult", "dont_allow")
#: Vertex AI: "allow_all" needs an allow-listed project, so it is not offered.
VERTEX_PERSON = ("allow_adult", "dont_allow")
#: Durations accepted with reference images (as with 1080p and 4k).
REFERENCE_SECONDS = (8,)
SEED_MAX = 2**32 - 1
VERTEX_PROJECT_MISSING = (
    "Vertex AI needs a Google Cloud project: fill in 'Google Cloud project' in the Veo settings"
)
VERTEX_LOCATION_MISSING = (
    "Vertex AI needs a location: fill in 'Location' in the Veo settings, e.g. us-central1"
)


@dataclass(frozen=True)
class ImagePart:
    """An image sent inline: bytes and MIME type."""

    data: bytes
    mime_type: str


@dataclass(frozen=True)
class VeoPayload:
    """Everything one Veo create sends; built after validation, images already fitted."""

    model: str
    prompt: str
    aspect: str
    resolution: str
    seconds: int
    image: ImagePart | None = None
    last_frame: ImagePart | None = None
    reference_images: tuple[ImagePart, ...] = ()
    negative_prompt: str | None = None
    person_generation: str | None = None
    seed: int | None = None
    enhance_prompt: bool | None = None
    generate_audio: bool | None = None


def veo_settings(request: JobRequest) -> VeoSettings:
    if not isinstance(request.settings, VeoSettings):
        raise ValidationError("provider", "this request carries no Veo settings")
    return request.settings


def check_request(request: JobRequest, info: ModelInfo, backend: VeoBackend) -> None:
    """Raise `ValidationError` (field + allowed values) for what this model/backend refuses."""
    settings = veo_settings(request)
    if info.backend is not None and info.backend != backend:
        raise ValidationError("model", f"{info.id} is served by {info.backend}, not {backend}")
    _check_cloud(settings, backend)
    _check_images(request, info)
    if settings.negative_prompt.strip() and not info.supports_negative_prompt:
        raise ValidationError("negative_prompt", f"{info.id} takes no negative prompt")
    _check_person(settings.person_generation)
    if settings.seed is not None:
        if not info.supports_seed:
            raise ValidationError("seed", f"{info.id} takes no seed", ("none",))
        if not 0 <= settings.seed <= SEED_MAX:
            raise ValidationError("seed", "out of range", (f"0..{SEED_MAX}",))
    if not request.spec.audio and not info.supports_audio_toggle:
        raise ValidationError(
            "generate_audio", f"{info.id} on {backend} always generates audio", ("true",)
        )


def _check_cloud(settings: VeoSettings, backend: VeoBackend) -> None:
    """Vertex AI bills a named Google Cloud project: refuse before guessing one."""
    if backend is not VeoBackend.VERTEX:
        return
    if not (settings.vertex_project or "").strip():
        raise ValidationError("vertex_project", VERTEX_PROJECT_MISSING)
    if not settings.vertex_location.strip():
        raise ValidationError("vertex_location", VERTEX_LOCATION_MISSING, ("us-central1",))


def _check_images(request: JobRequest, info: ModelInfo) -> None:
    extra = request.extra_reference_images
    if len(extra) > info.max_reference_images:
        raise ValidationError(
            "reference_images",
            f"{info.id} takes at most {info.max_reference_images} reference images, got {len(extra)}",
            tuple(str(n) for n in range(info.max_reference_images + 1)),
        )
    if extra and request.reference_image is not None:
        raise ValidationError(
            "reference_images",
            "use either a first frame or reference images; Veo ignores one when given both",
        )
    if extra and request.spec.seconds not in REFERENCE_SECONDS:
        raise ValidationError(
            "seconds", "reference images need 8 s clips", tuple(map(str, REFERENCE_SECONDS))
        )
    if request.last_frame_image is not None:
        if not info.supports_last_frame:
            raise ValidationError("last_frame_image", f"{info.id} takes no last frame")
        if request.reference_image is None:
            raise ValidationError("last_frame_image", "a last frame needs a first frame as well")
    for path in (request.reference_image, request.last_frame_image, *extra):
        if path is not None and not path.is_file():
            raise ValidationError("reference_image", f"{path} does not exist")


def _check_person(value: str | None) -> None:
    if value is not None and value not in VERTEX_PERSON:
        raise ValidationError(
            "person_generation", f"{value!r} is not accepted on Vertex AI", VERTEX_PERSON
        )


def fit_size(aspect: str, resolution: str) -> tuple[int, int]:
    """Pixel size images are fitted to: the frame, capped at 1080p to keep requests small."""
    capped = "1080p" if resolution == "4k" else resolution
    size = VEO_FRAME_SIZES.get((aspect, capped), "1280x720")
    width, height = size.split("x")
    return int(width), int(height)


def _fitted(path: Path, request: JobRequest) -> ImagePart:
    spec = request.spec
    size = fit_size(spec.aspect or "16:9", spec.resolution or "720p")
    fitted = fit_to_file(path, size, request.fit, request.refs_dir / "fitted")
    return ImagePart(data=fitted.read_bytes(), mime_type="image/png")


def build_payload(request: JobRequest, info: ModelInfo, backend: VeoBackend) -> VeoPayload:
    """Fit the images (crop or pad, per ``request.fit``) and assemble the create payload."""
    settings = veo_settings(request)
    spec = request.spec
    return VeoPayload(
        model=info.id,
        prompt=request.prompt,
        aspect=spec.aspect or settings.aspect,
        resolution=spec.resolution or settings.resolution,
        seconds=spec.seconds,
        image=_fitted(request.reference_image, request) if request.reference_image else None,
        last_frame=(
            _fitted(request.last_frame_image, request) if request.last_frame_image else None
        ),
        reference_images=tuple(_fitted(p, request) for p in request.extra_reference_images),
        negative_prompt=settings.negative_prompt.strip() or None,
        person_generation=settings.person_generation,
        seed=settings.seed,
        enhance_prompt=settings.enhance_prompt if backend is VeoBackend.VERTEX else None,
        generate_audio=spec.audio if info.supports_audio_toggle else None,
    )
