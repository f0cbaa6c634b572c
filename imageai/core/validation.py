"""Reject impossible settings before any API call, naming the field and the allowed values."""

from __future__ import annotations

from typing import TYPE_CHECKING

from imageai.core.catalog import ModelStatus
from imageai.core.errors import ModelRetiredError, ValidationError
from imageai.core.models import (
    OmniContinuity,
    OmniSettings,
    Project,
    ProviderName,
    Scene,
    VeoBackend,
    VeoSettings,
)
from imageai.core.prompts import scene_prompt
from imageai.core.shot import ShotSpec, parse_size, resolve
from imageai.core.videos_endpoint import azure_retirement, custom_model_info, is_compatible

if TYPE_CHECKING:
    from imageai.core.catalog import Catalog, ModelInfo


def _names(values: tuple[object, ...]) -> tuple[str, ...]:
    return tuple(str(v) for v in values)


def model_info(catalog: Catalog, spec: ShotSpec) -> ModelInfo:
    if spec.provider is ProviderName.SORA and is_compatible(spec.endpoint):
        return _compatible_model_info(catalog, spec)
    info = catalog.get(spec.provider, spec.model)
    offered = tuple(m.id for m in catalog.offered(spec.provider))
    if info is None and spec.provider is ProviderName.SORA:
        raise ValidationError(
            "model",
            f"OpenAI's own endpoint does not serve {spec.model!r} (it shut its Sora 2 video API "
            "down on 2026-09-24): set the base URL of an OpenAI-compatible endpoint that does",
            offered,
        )
    if info is None:
        raise ValidationError(
            "model", f"{spec.model!r} is not a known {spec.provider} model", offered
        )
    if info.status() is ModelStatus.RETIRED:
        key = info.successor_key()
        successor = (key[0].value, key[1]) if key else None
        raise ModelRetiredError(info.lifecycle_note(), successor, offered)
    if not info.offered:
        raise ValidationError("model", info.retired_note or f"{info.id} is not offered", offered)
    return info


def _compatible_model_info(catalog: Catalog, spec: ShotSpec) -> ModelInfo:
    """A model on an OpenAI-compatible `/v1/videos` endpoint: any id the gateway serves.

    A known id keeps the table's limits and price; OpenAI's retirement of it does not apply
    there. Any other id is free text priced by the user (or a price override in the table).
    """
    info = catalog.get(spec.provider, spec.model)
    if info is not None and (gone := azure_retirement(spec.endpoint, info.id)):
        key = info.successor_key()
        offered = tuple(m.id for m in catalog.offered(spec.provider))
        raise ModelRetiredError(gone, (key[0].value, key[1]) if key else None, offered)
    if info is not None:
        return info
    if not spec.model.strip():
        raise ValidationError("model", "enter the model id the endpoint serves")
    try:
        parse_size(spec.size or "")
    except ValueError as exc:
        raise ValidationError("size", str(exc)) from exc
    if spec.seconds <= 0:
        raise ValidationError("seconds", "the duration must be a positive number of seconds")
    return custom_model_info(spec.model, spec.usd_per_second, spec.seconds)


def validate_spec(catalog: Catalog, spec: ShotSpec) -> ModelInfo:
    """Check a resolved shot against its model's capabilities; returns the model info."""
    info = model_info(catalog, spec)
    if info.sizes and spec.size not in info.sizes:
        raise ValidationError("size", f"{info.id} cannot render {spec.size}", info.sizes)
    if info.aspects and spec.aspect not in info.aspects:
        raise ValidationError("aspect", f"{info.id} has no aspect {spec.aspect}", info.aspects)
    if info.resolutions and spec.resolution not in info.resolutions:
        raise ValidationError(
            "resolution", f"{info.id} has no resolution {spec.resolution}", info.resolutions
        )
    allowed_seconds = info.seconds_for(spec.resolution)
    if spec.seconds not in allowed_seconds:
        where = f" at {spec.resolution}" if allowed_seconds != info.seconds else ""
        raise ValidationError(
            "seconds",
            f"{info.id} cannot render {spec.seconds} s{where}",
            _names(allowed_seconds),
        )
    return info


def validate_scene(catalog: Catalog, project: Project, scene: Scene) -> ShotSpec:
    """Validate one scene; returns its resolved spec."""
    label = f"scene {project.index_of(scene.id) + 1}"
    if not scene.prompt.strip():
        raise ValidationError("prompt", f"{label} has an empty prompt")
    spec = resolve(project, scene)
    try:
        info = validate_spec(catalog, spec)
    except ValidationError as exc:
        raise exc.prefixed(label) from exc
    check_prompt_length(info, scene_prompt(project, scene), label)
    settings = project.settings_for(scene)
    if spec.provider is ProviderName.OMNI:
        assert isinstance(settings, OmniSettings)
        _check_google_backend(info, settings.backend, settings.vertex_project, label, "Omni")
        _check_omni_scene(info, project, scene, spec, label)
    elif scene.continuity is not OmniContinuity.NONE:
        raise ValidationError(
            "continuity", f"{label}: only Gemini Omni can extend the previous scene's clip"
        )
    if spec.provider is ProviderName.VEO:
        assert isinstance(settings, VeoSettings)
        if info.backend is not None and info.backend != settings.backend:
            raise ValidationError(
                "model", f"{label}: {info.id} is served by {info.backend}, not {settings.backend}"
            )
        if settings.backend is VeoBackend.VERTEX and not (settings.vertex_project or "").strip():
            raise ValidationError(
                "vertex_project",
                f"{label}: Vertex AI needs a Google Cloud project: fill in "
                "'Google Cloud project' in the Veo settings",
            )
        if len(scene.extra_reference_images) > info.max_reference_images:
            raise ValidationError(
                "reference_images",
                f"{label}: {info.id} takes at most {info.max_reference_images} reference images",
            )
        if scene.last_frame_image and not info.supports_last_frame:
            raise ValidationError("last_frame_image", f"{label}: {info.id} has no last frame")
    return spec


#: For models the table does not know (ids on a compatible endpoint): still a bound.
DEFAULT_MAX_PROMPT_CHARS = 10_000


def check_prompt_length(info: ModelInfo, prompt: str, label: str) -> None:
    """Refuse a prompt longer than the model's limit (the table's, with its source)."""
    limit = info.max_prompt_chars or DEFAULT_MAX_PROMPT_CHARS
    if len(prompt) > limit:
        source = f" ({info.prompt_limit_source})" if info.prompt_limit_source else ""
        raise ValidationError(
            "prompt",
            f"{label}: the prompt is {len(prompt):,} characters; {info.id} takes at most "
            f"{limit:,}{source}",
        )


def validate_project(
    catalog: Catalog, project: Project, scene_ids: list[str] | None = None
) -> None:
    """Validate the given scenes (default: all); raises on the first problem."""
    if not project.scenes:
        raise ValidationError("scenes", "the project has no scenes")
    for scene in project.scenes:
        if scene_ids is None or scene.id in scene_ids:
            validate_scene(catalog, project, scene)


def _check_google_backend(
    info: ModelInfo, backend: VeoBackend, project_id: str | None, label: str, name: str
) -> None:
    if info.backend is not None and info.backend != backend:
        raise ValidationError(
            "model", f"{label}: {info.id} is served by {info.backend}, not {backend}"
        )
    if backend is VeoBackend.VERTEX and not (project_id or "").strip():
        raise ValidationError(
            "vertex_project",
            f"{label}: Vertex AI needs a Google Cloud project: fill in "
            f"'Google Cloud project' in the {name} settings",
        )


def _check_omni_scene(
    info: ModelInfo, project: Project, scene: Scene, spec: ShotSpec, label: str
) -> None:
    refs = len(scene.extra_reference_images)
    if refs > info.max_reference_images:
        raise ValidationError(
            "reference_images",
            f"{label}: {info.id} takes at most {info.max_reference_images} reference images",
        )
    if scene.last_frame_image:
        if not scene.reference_image:
            raise ValidationError(
                "last_frame_image", f"{label}: a last frame needs a first frame (reference image)"
            )
        if not info.supports_last_frame:
            raise ValidationError("last_frame_image", f"{label}: {info.id} has no last frame")
        limit = info.first_last_max_seconds
        if limit is not None and spec.seconds > limit:
            raise ValidationError(
                "seconds",
                f"{label}: {info.id} renders at most {limit} s with a first and a last frame",
                tuple(str(s) for s in info.seconds if s <= limit),
            )
    if refs and (scene.reference_image or scene.last_frame_image):
        raise ValidationError(
            "reference_images",
            f"{label}: Omni takes either reference images or first/last frames, not both",
        )
    if scene.continuity is OmniContinuity.EXTEND:
        if not info.supports_extend:
            raise ValidationError("continuity", f"{label}: {info.id} cannot extend a clip")
        if project.index_of(scene.id) == 0:
            raise ValidationError(
                "continuity", f"{label}: the first scene has no previous clip to extend"
            )
