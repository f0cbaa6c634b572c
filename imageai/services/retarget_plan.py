"""Retarget: move a project, or some scenes, to another provider with settings mapped and priced."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict

from imageai.core.models import (
    AnimaticSettings,
    Project,
    ProviderName,
    ProviderSettingsT,
    SoraSettings,
    VeoSettings,
)
from imageai.core.pricing import CostEstimate, estimate
from imageai.core.retarget import map_from_sora, map_to_sora
from imageai.core.shot import aspect_of, spec_for_settings
from imageai.services.controls_state import clamp, nearest_seconds

if TYPE_CHECKING:
    from imageai.core.catalog import Catalog


class RetargetPlan(BaseModel):
    """The project after the move, the cost before and after, and what had to change."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    target: ProviderName
    project: Project
    before: CostEstimate
    after: CostEstimate
    notes: tuple[str, ...]

    def comparison(self) -> str:
        """E.g. ``Before: 3 scenes, 24 s: $2.40 -> after: 3 scenes, 24 s: $3.60``."""
        return f"Before: {self.before.summary()}  →  after: {self.after.summary()}"


def map_settings(
    source: ProviderSettingsT, target: ProviderName, current: ProviderSettingsT, catalog: Catalog
) -> tuple[ProviderSettingsT, list[str]]:
    """``source``'s shot (shape and duration) expressed in the ``target`` provider's settings."""
    notes: list[str] = []
    if isinstance(source, SoraSettings) and isinstance(current, VeoSettings):
        aspect, resolution, seconds, note = map_from_sora(source.size, source.seconds)
        mapped: ProviderSettingsT = current.model_copy(
            update={"aspect": aspect, "resolution": resolution, "seconds": seconds}
        )
        notes += [note] if note else []
    elif isinstance(source, VeoSettings) and isinstance(current, SoraSettings):
        size, seconds, note = map_to_sora(
            source.aspect, source.resolution, source.seconds, current.model
        )
        mapped = current.model_copy(update={"size": size, "seconds": seconds})
        notes += [note] if note else []
    else:
        mapped = _map_generic(source, current)
    clamped, more = clamp(catalog, target, mapped)
    return clamped, notes + more


def _map_generic(source: ProviderSettingsT, current: ProviderSettingsT) -> ProviderSettingsT:
    width, height = spec_for_settings(ProviderName.ANIMATIC, source).frame_size
    if isinstance(source, VeoSettings):
        width, height = spec_for_settings(ProviderName.VEO, source).frame_size
    size = f"{width}x{height}"
    if isinstance(current, VeoSettings):
        return current.model_copy(update={"aspect": aspect_of(size), "seconds": source.seconds})
    assert isinstance(current, SoraSettings | AnimaticSettings)
    return current.model_copy(update={"size": size, "seconds": source.seconds})


def plan_retarget(
    project: Project, target: ProviderName, catalog: Catalog, scene_ids: list[str] | None = None
) -> RetargetPlan:
    """Whole project (``scene_ids`` None) or a scene override; rendered scenes keep their clips."""
    chosen = [s for s in project.scenes if scene_ids is None or s.id in scene_ids]
    ids = [s.id for s in chosen]
    before = estimate(project, ids, catalog)
    source_provider = chosen[0].provider or project.provider if chosen else project.provider
    source = project.settings.for_provider(source_provider)
    current = project.settings.for_provider(target)
    settings, notes = (
        (current, [])
        if source_provider is target
        else map_settings(source, target, current, catalog)
    )
    info = catalog.get(target, settings.model)
    resolution = settings.resolution if isinstance(settings, VeoSettings) else None
    allowed = info.seconds_for(resolution) if info is not None else ()
    scenes = []
    for index, scene in enumerate(project.scenes):
        if scene.id in ids:
            update: dict[str, object] = {"provider": None if scene_ids is None else target}
            if scene.duration is not None and allowed and scene.duration not in allowed:
                new = nearest_seconds(scene.duration, allowed)
                notes.append(f"Scene {index + 1}: {scene.duration} s becomes {new} s.")
                update["duration"] = new
            scene = scene.model_copy(update=update)
        scenes.append(scene)
    changes: dict[str, object] = {
        "scenes": tuple(scenes),
        "settings": project.settings.model_copy(update={target.value: settings}),
    }
    if scene_ids is None:
        changes["provider"] = target
    after_project = project.model_copy(update=changes)
    after = estimate(after_project, ids, catalog)
    return RetargetPlan(
        target=target, project=after_project, before=before, after=after, notes=tuple(notes)
    )
