"""Reject impossible settings before any API call, naming the field and the allowed values."""

from __future__ import annotations

from typing import TYPE_CHECKING

from imageai.core.errors import ValidationError
from imageai.core.models import Project, ProviderName, Scene, VeoBackend, VeoSettings
from imageai.core.shot import ShotSpec, resolve

if TYPE_CHECKING:
    from imageai.core.catalog import Catalog, ModelInfo


def _names(values: tuple[object, ...]) -> tuple[str, ...]:
    return tuple(str(v) for v in values)


def model_info(catalog: Catalog, spec: ShotSpec) -> ModelInfo:
    info = catalog.get(spec.provider, spec.model)
    offered = tuple(m.id for m in catalog.offered(spec.provider))
    if info is None:
        raise ValidationError(
            "model", f"{spec.model!r} is not a known {spec.provider} model", offered
        )
    if not info.offered:
        raise ValidationError("model", info.retired_note or f"{info.id} is not offered", offered)
    return info


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
    settings = project.settings.for_provider(spec.provider)
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


def validate_project(
    catalog: Catalog, project: Project, scene_ids: list[str] | None = None
) -> None:
    """Validate the given scenes (default: all); raises on the first problem."""
    if not project.scenes:
        raise ValidationError("scenes", "the project has no scenes")
    for scene in project.scenes:
        if scene_ids is None or scene.id in scene_ids:
            validate_scene(catalog, project, scene)
