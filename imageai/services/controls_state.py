"""What each provider's controls may offer for a model, and clamping settings to it (no Qt)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import jinja2
from pydantic import BaseModel, ConfigDict

from imageai.core.catalog import ModelStatus
from imageai.core.errors import ValidationError
from imageai.core.models import (
    AnimaticSettings,
    OmniSettings,
    Project,
    ProviderName,
    ProviderSettingsT,
    Scene,
    SceneSettings,
    SoraSettings,
    VeoBackend,
    VeoSettings,
)
from imageai.core.prompts import scene_prompt
from imageai.core.shot import aspect_of, parse_size
from imageai.providers.google.veo_payload import SEED_MAX, VERTEX_PERSON

if TYPE_CHECKING:
    from imageai.core.catalog import Catalog, ModelInfo


class ControlOptions(BaseModel):
    """The choices a controls widget shows for one model."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    models: tuple[tuple[str, str], ...]  # (id, label)
    sizes: tuple[str, ...] = ()
    aspects: tuple[str, ...] = ()
    resolutions: tuple[str, ...] = ()
    seconds: tuple[int, ...] = ()
    audio_toggle: bool = False
    negative_prompt: bool = False
    max_reference_images: int = 0
    last_frame: bool = False
    #: The model's lifecycle sentence while it is deprecated or retired (empty while live), and
    #: the model the table names to move to: (provider, model id) and its label.
    retired_note: str = ""
    successor: tuple[str, str] | None = None
    successor_label: str = ""
    #: Veo: a seed field, the person-generation values offered, prompt enhancement, Cloud fields.
    seed: bool = False
    person_generation: tuple[str, ...] = ()
    enhance_prompt: bool = False
    cloud_project: bool = False
    #: `/v1/videos`: the model is free text (a compatible endpoint); a model the table does not
    #: know has free size and duration and asks for its price; where requests go, in words.
    model_editable: bool = False
    free_shape: bool = False
    price_field: bool = False
    endpoint_note: str = ""


def nearest_seconds(value: int, allowed: tuple[int, ...]) -> int:
    """The allowed duration closest to ``value``; the shorter (cheaper) one on a tie."""
    return min(allowed, key=lambda s: (abs(s - value), s))


def nearest_size(size: str, allowed: tuple[str, ...]) -> str:
    """Same orientation first, then the closest pixel count."""
    try:
        width, height = parse_size(size)
        orientation = aspect_of(size)
    except ValueError:
        return allowed[0]

    def score(candidate: str) -> tuple[int, int]:
        w, h = parse_size(candidate)
        return (0 if aspect_of(candidate) == orientation else 1, abs(w * h - width * height))

    return min(allowed, key=score)


def offered_models(
    catalog: Catalog, provider: ProviderName, settings: ProviderSettingsT
) -> tuple[ModelInfo, ...]:
    # Omni models name no backend: the Gemini API and Vertex AI serve the same ids.
    backend = settings.backend if isinstance(settings, VeoSettings) else None
    return catalog.offered(provider, backend)


def options_for(
    catalog: Catalog, provider: ProviderName, settings: ProviderSettingsT
) -> ControlOptions:
    """The choices for ``settings.model`` (or the first offered model if it is unknown).

    A deprecated or retired model is still what the project holds: its note and successor
    are shown while the choices come from the models offered.
    """
    if isinstance(settings, SoraSettings):
        from imageai.services.sora_controls_state import sora_options  # it imports this module

        return sora_options(catalog, settings)
    models = offered_models(catalog, provider, settings)
    info = catalog.get(provider, settings.model)
    lifecycle = lifecycle_options(catalog, info)
    labels = tuple((m.id, m.label) for m in models)
    if info is not None and info.status() is ModelStatus.RETIRED:
        # The combo shows the shut-down model the project holds, marked, not another model.
        labels = ((info.id, f"{info.label} (shut down)"), *labels)
    if info is None or info not in models:
        info = models[0] if models else None
    if info is None:
        return ControlOptions(models=labels, **lifecycle)
    resolution = settings.resolution if isinstance(settings, VeoSettings | OmniSettings) else None
    vertex = (
        isinstance(settings, VeoSettings | OmniSettings) and settings.backend is VeoBackend.VERTEX
    )
    return ControlOptions(
        models=labels,
        sizes=info.sizes,
        aspects=info.aspects,
        resolutions=info.resolutions,
        seconds=info.seconds_for(resolution),
        audio_toggle=info.supports_audio_toggle,
        negative_prompt=info.supports_negative_prompt,
        max_reference_images=info.max_reference_images,
        last_frame=info.supports_last_frame,
        seed=info.supports_seed,
        person_generation=person_choices(settings),
        enhance_prompt=vertex,
        cloud_project=vertex,
        **lifecycle,
    )


def lifecycle_options(catalog: Catalog, info: ModelInfo | None) -> dict[str, Any]:
    """``retired_note``, ``successor`` and ``successor_label`` for the project's own model."""
    if info is None:
        return {}
    note = info.lifecycle_note()
    successor = catalog.successor_of(info) if note else None
    if successor is None:
        return {"retired_note": note}
    return {
        "retired_note": note,
        "successor": (successor.provider.value, successor.id),
        "successor_label": successor.label,
    }


def person_choices(settings: ProviderSettingsT) -> tuple[str, ...]:
    """Values a user may pick; the Gemini API accepts one fixed value per request kind, so none."""
    if isinstance(settings, VeoSettings) and settings.backend is VeoBackend.VERTEX:
        return VERTEX_PERSON
    return ()


def clamp(
    catalog: Catalog, provider: ProviderName, settings: ProviderSettingsT
) -> tuple[ProviderSettingsT, list[str]]:
    """Settings changed to what their model allows, and one sentence per change made."""
    if isinstance(settings, SoraSettings):
        from imageai.services.sora_controls_state import clamp_sora  # it imports this module

        return clamp_sora(catalog, settings)
    notes: list[str] = []
    models = offered_models(catalog, provider, settings)
    if not models:
        return settings, [f"No {provider.value} model is offered."]
    info = catalog.get(provider, settings.model)
    if info is None or info not in models:
        info = models[0]
        notes.append(f"{settings.model} is not offered; using {info.label}.")
    update: dict[str, object] = {"model": info.id}
    if isinstance(settings, SoraSettings | AnimaticSettings):
        if info.sizes and settings.size not in info.sizes:
            size = nearest_size(settings.size, info.sizes)
            notes.append(f"{info.label} has no {settings.size}; size set to {size}.")
            update["size"] = size
        resolution = None
    else:
        resolution = _clamp_veo(info, settings, update, notes)
    allowed = info.seconds_for(resolution)
    if settings.seconds not in allowed:
        seconds = nearest_seconds(settings.seconds, allowed)
        where = f" at {resolution}" if allowed != info.seconds else ""
        notes.append(
            f"{info.label} cannot do {settings.seconds} s{where}; duration set to {seconds} s."
        )
        update["seconds"] = seconds
    clamped = settings.model_copy(update=update)
    return clamped, notes


def _clamp_veo(
    info: ModelInfo,
    settings: VeoSettings | OmniSettings,
    update: dict[str, object],
    notes: list[str],
) -> str:
    if info.aspects and settings.aspect not in info.aspects:
        notes.append(f"{info.label} has no {settings.aspect}; aspect set to {info.aspects[0]}.")
        update["aspect"] = info.aspects[0]
    resolution = settings.resolution
    if info.resolutions and resolution not in info.resolutions:
        resolution = info.resolutions[0]
        notes.append(f"{info.label} has no {settings.resolution}; resolution set to {resolution}.")
        update["resolution"] = resolution
    if info.supports_seed is False and settings.seed is not None:
        notes.append(f"{info.label} takes no seed; it was cleared.")
        update["seed"] = None
    if not isinstance(settings, VeoSettings):
        return resolution
    if not info.supports_audio_toggle and not settings.generate_audio:
        notes.append(f"{info.label} always generates audio; audio turned back on.")
        update["generate_audio"] = True
    if settings.negative_prompt and not info.supports_negative_prompt:
        notes.append(f"{info.label} takes no negative prompt; it was cleared.")
        update["negative_prompt"] = ""
    person = settings.person_generation
    if person is not None and person not in person_choices(settings):
        where = "Vertex AI" if settings.backend is VeoBackend.VERTEX else "The Gemini API"
        notes.append(f"{where} takes no person generation {person!r}; it was reset to the default.")
        update["person_generation"] = None
    if settings.enhance_prompt is not None and settings.backend is not VeoBackend.VERTEX:
        notes.append("Prompt enhancement is a Vertex AI switch; it was reset to the default.")
        update["enhance_prompt"] = None
    return resolution


def change(
    catalog: Catalog, provider: ProviderName, settings: ProviderSettingsT, **changes: object
) -> tuple[ProviderSettingsT, list[str]]:
    """Apply one control's change, then clamp the rest to the (possibly new) model."""
    updated = settings.model_copy(update=changes)
    return clamp(catalog, provider, updated)


def scene_seconds(catalog: Catalog, project: Project, scene: Scene) -> tuple[int, ...]:
    """Durations the scene's provider and model allow (empty when the model is unknown)."""
    provider = project.provider_for(scene)
    settings = project.settings_for(scene)
    if isinstance(settings, SoraSettings):
        from imageai.services.sora_controls_state import sora_scene_seconds  # imports this module

        return sora_scene_seconds(catalog, settings, scene)
    info = catalog.get(provider, settings.model)
    if info is None:
        return ()
    resolution = settings.resolution if isinstance(settings, VeoSettings | OmniSettings) else None
    allowed = info.seconds_for(resolution)
    limit = info.first_last_max_seconds
    if provider is ProviderName.OMNI and limit and scene.reference_image and scene.last_frame_image:
        # Omni 1.2 renders up to 15 s, but at most 10 s between a first and a last frame.
        allowed = tuple(s for s in allowed if s <= limit)
    return allowed


def with_own_settings(
    scene: Scene, provider: ProviderName, settings: ProviderSettingsT
) -> SceneSettings:
    """The scene's own settings with ``provider``'s replaced (the others kept)."""
    own = scene.provider_settings or SceneSettings()
    return own.model_copy(update={provider.value: settings})


def rendered_prompt(project: Project, scene: Scene) -> str:
    """The text the scene's provider will be sent (from the prompt template)."""
    try:
        return scene_prompt(project, scene)
    except (jinja2.TemplateError, KeyError) as exc:
        return f"(cannot render the prompt template: {exc})"


class SceneImageOptions(BaseModel):
    """The per-scene images a scene's model takes beyond its first frame (Veo and Omni)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    model_label: str = ""
    max_reference_images: int = 0
    last_frame: bool = False
    #: Omni: reference images and first/last frames exclude each other; Veo: refs only at 8 s.
    provider: ProviderName | None = None
    first_last_max_seconds: int | None = None

    @property
    def shown(self) -> bool:
        return self.max_reference_images > 0 or self.last_frame


def scene_image_options(catalog: Catalog, project: Project, scene: Scene) -> SceneImageOptions:
    """What the scene's Veo or Omni model accepts; nothing for other providers or unknown models."""
    provider = project.provider_for(scene)
    settings = project.settings_for(scene)
    info = catalog.get(provider, settings.model)
    if provider not in (ProviderName.VEO, ProviderName.OMNI) or info is None:
        return SceneImageOptions()
    return SceneImageOptions(
        model_label=info.label,
        max_reference_images=info.max_reference_images,
        last_frame=info.supports_last_frame,
        provider=provider,
        first_last_max_seconds=info.first_last_max_seconds,
    )


def with_reference_added(
    options: SceneImageOptions, current: tuple[str, ...], stored: str
) -> tuple[str, ...]:
    """``current`` with ``stored`` appended, or a `ValidationError` saying why it cannot be."""
    if options.max_reference_images == 0:
        raise ValidationError(
            "reference_images", f"{options.model_label or 'This model'} takes no reference images"
        )
    if stored in current:
        raise ValidationError("reference_images", "that image is already a reference")
    if len(current) >= options.max_reference_images:
        raise ValidationError(
            "reference_images",
            f"{options.model_label} takes at most {options.max_reference_images} reference "
            "images per scene; remove one before adding another",
        )
    return (*current, stored)


def parse_seed(text: str) -> int | None:
    """``""`` means a random seed each render; otherwise an integer in the range Veo accepts."""
    cleaned = text.strip()
    if not cleaned:
        return None
    try:
        value = int(cleaned)
    except ValueError:
        raise ValidationError("seed", f"{cleaned!r} is not a whole number") from None
    if not 0 <= value <= SEED_MAX:
        raise ValidationError("seed", f"must be between 0 and {SEED_MAX}", (f"0..{SEED_MAX}",))
    return value
