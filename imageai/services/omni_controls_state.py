"""Gemini Omni controls: choices for a model and a scene, clamping to them, the live price (no Qt)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict

from imageai.core.models import OmniSettings, ProviderName, RenderState
from imageai.core.pricing import estimate
from imageai.services.controls_state import (
    ControlOptions,
    SceneImageOptions,
    change,
    options_for,
)

if TYPE_CHECKING:
    from imageai.core.catalog import Catalog, ModelInfo
    from imageai.core.models import Project, Scene


def has_first_and_last(scene: Scene | None) -> bool:
    return scene is not None and bool(scene.reference_image and scene.last_frame_image)


def first_last_cap(info: ModelInfo | None, scene: Scene | None) -> int | None:
    """The longest duration ``scene`` may have on ``info`` (None: the model's own list applies).

    Omni 1.2 renders 3-15 s, but at most 10 s when given both a first and a last frame.
    """
    if info is None or not has_first_and_last(scene):
        return None
    return info.first_last_max_seconds


def _capped(seconds: tuple[int, ...], cap: int | None) -> tuple[int, ...]:
    if cap is None:
        return seconds
    return tuple(s for s in seconds if s <= cap) or seconds[:1]


def _follows_default(scene: Scene | None) -> bool:
    """The project's Omni duration applies to the scene (it has no duration of its own)."""
    return scene is not None and scene.duration is None


def omni_options(catalog: Catalog, settings: OmniSettings, scene: Scene | None) -> ControlOptions:
    """What the Omni controls offer, with the first+last frame cap of the selected scene."""
    options = options_for(catalog, ProviderName.OMNI, settings)
    info = catalog.get(ProviderName.OMNI, settings.model)
    cap = first_last_cap(info, scene) if _follows_default(scene) else None
    return options.model_copy(update={"seconds": _capped(options.seconds, cap)})


def omni_change(
    catalog: Catalog, settings: OmniSettings, scene: Scene | None, **changes: object
) -> tuple[OmniSettings, list[str]]:
    """Apply one control's change and clamp to the model and to the selected scene's frames."""
    updated, notes = change(catalog, ProviderName.OMNI, settings, **changes)
    assert isinstance(updated, OmniSettings)
    return _clamp_to_scene(catalog, updated, scene, notes)


def _clamp_to_scene(
    catalog: Catalog, settings: OmniSettings, scene: Scene | None, notes: list[str]
) -> tuple[OmniSettings, list[str]]:
    info = catalog.get(ProviderName.OMNI, settings.model)
    cap = first_last_cap(info, scene) if _follows_default(scene) else None
    if info is None or cap is None or settings.seconds <= cap:
        return settings, notes
    note = (
        f"{info.label} renders at most {cap} s with a first and a last frame; "
        f"duration set to {cap} s."
    )
    return settings.model_copy(update={"seconds": cap}), [*notes, note]


def cap_hint(catalog: Catalog, settings: OmniSettings, scene: Scene | None) -> str:
    """A line under the duration when the selected scene's frames limit it."""
    info = catalog.get(ProviderName.OMNI, settings.model)
    cap = first_last_cap(info, scene)
    if info is None or cap is None or cap >= max(info.seconds):
        return ""
    return f"This scene has a first and a last frame: {info.label} renders at most {cap} s."


def capabilities_text(catalog: Catalog, settings: OmniSettings) -> str:
    """What the model takes beyond a prompt, in one sentence for the controls."""
    info = catalog.get(ProviderName.OMNI, settings.model)
    if info is None:
        return ""
    parts = []
    if info.max_reference_images:
        parts.append(f"up to {info.max_reference_images} reference images")
    if info.supports_last_frame:
        frames = "a first and a last frame"
        if info.first_last_max_seconds is not None:
            frames += f" (at most {info.first_last_max_seconds} s with both)"
        parts.append(frames)
    text = f"{info.label} takes {' or '.join(parts)}." if parts else ""
    more = [w for w, ok in (("edit", info.supports_edit), ("extend", info.supports_extend)) if ok]
    if more:
        text += f" It can {' and '.join(more)} clips."
    return f"{text} Audio is always generated.".strip()


class OmniPrice(BaseModel):
    """The Omni price line: rate at the chosen resolution, one scene, the Omni scenes in all."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    rate: str
    per_scene: str
    storyboard: str
    verified: bool
    source: str

    def text(self) -> str:
        flag = "" if self.verified else " (unverified)"
        parts = [f"{self.rate}{flag}", self.per_scene]
        if self.storyboard:
            parts.append(self.storyboard)
        return " · ".join(parts)


def _dollars_per_second(usd: float) -> str:
    # Omni's rates have three decimals ($0.023/s, $0.105/s): keep them when they are there.
    return f"${usd:.2f}/s" if round(usd, 2) == usd else f"${usd:.3f}/s"


def omni_price(catalog: Catalog, project: Project, settings: OmniSettings) -> OmniPrice | None:
    """Prices for the current Omni settings; None when the table has no price for them."""
    info = catalog.get(ProviderName.OMNI, settings.model)
    if info is None:
        return None
    try:
        rule = info.price_rule(None, settings.resolution, True)
    except LookupError:
        return None
    per_scene = rule.usd_per_second * settings.seconds
    # Priced with ``settings``, which may be a change not yet in the project.
    project = project.model_copy(
        update={"settings": project.settings.model_copy(update={"omni": settings})}
    )
    omni_ids = [
        s.id
        for s in project.scenes
        if project.provider_for(s) is ProviderName.OMNI and s.state is not RenderState.DONE
    ]
    storyboard = ""
    if omni_ids:
        est = estimate(project, omni_ids, catalog)
        noun = "Omni scene" if len(omni_ids) == 1 else "Omni scenes"
        storyboard = f"{len(omni_ids)} {noun} to render, {est.seconds} s: ${est.total_usd:.2f}"
    return OmniPrice(
        rate=f"{_dollars_per_second(rule.usd_per_second)} at {settings.resolution}",
        per_scene=f"one {settings.seconds} s scene: ${per_scene:.2f}",
        storyboard=storyboard,
        verified=rule.verified,
        source=f"{rule.source} (checked {rule.checked})",
    )


class OmniSceneFields(BaseModel):
    """The scene editor's Omni rows: audio direction and "continues the previous clip"."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    shown: bool = False
    extend_enabled: bool = False
    extend_tip: str = ""


def omni_scene_fields(catalog: Catalog, project: Project, scene: Scene) -> OmniSceneFields:
    """Shown for Omni scenes; extend needs a model that extends and a scene before this one."""
    if project.provider_for(scene) is not ProviderName.OMNI:
        return OmniSceneFields()
    settings = project.settings_for(scene)
    info = catalog.get(ProviderName.OMNI, settings.model)
    if info is None or not info.supports_extend:
        label = info.label if info else settings.model
        return OmniSceneFields(shown=True, extend_tip=f"{label} cannot extend a clip.")
    if project.index_of(scene.id) == 0:
        return OmniSceneFields(shown=True, extend_tip="The first scene has no clip to continue.")
    return OmniSceneFields(
        shown=True,
        extend_enabled=True,
        extend_tip="Omni continues the previous scene's clip (extend) instead of starting afresh.",
    )


class ImageHints(BaseModel):
    """Texts of the scene's reference-image and last-frame rows, per provider."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    refs_hint: str
    refs_tip: str
    last_frame_tip: str


def image_hints(options: SceneImageOptions, count: int) -> ImageHints:
    """Veo takes reference images only in 8 s clips; Omni takes them or first/last frames."""
    most = options.max_reference_images
    if options.provider is ProviderName.OMNI:
        cap = options.first_last_max_seconds
        limit = f"; at most {cap} s with both" if cap is not None else ""
        return ImageHints(
            refs_hint=f"{count} of {most} · instead of a first or last frame, not with them",
            refs_tip="Images of a character, object or style to keep. Omni takes them or a "
            "first/last frame, not both.",
            last_frame_tip=f"Omni ends the clip on this image; it needs the reference image "
            f"as the first frame{limit}",
        )
    return ImageHints(
        refs_hint=f"{count} of {most} · used instead of the reference image, in 8 s clips only",
        refs_tip="Images of a character, object or style to keep. Veo takes them instead of the "
        "reference image (first frame), and only for 8 s clips.",
        last_frame_tip="Veo ends the clip on this image; it needs the reference image as the "
        "first frame",
    )
