"""Plan a retarget: a project (or some scenes) moved to another provider, mapped and priced."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict

from imageai.core.catalog import Catalog, ModelStatus
from imageai.core.models import (
    AnimaticSettings,
    OmniSettings,
    Project,
    ProviderName,
    ProviderSettingsT,
    Scene,
    SoraSettings,
    VeoSettings,
)
from imageai.core.pricing import CostEstimate, estimate
from imageai.core.retarget import map_from_sora, map_to_omni, map_to_sora, nearest
from imageai.core.shot import aspect_of, parse_size, resolve, spec_for_settings
from imageai.core.videos_endpoint import is_free_model, models_at

if TYPE_CHECKING:
    from imageai.core.catalog import ModelInfo
    from imageai.core.shot import ShotSpec


class RetargetPlan(BaseModel):
    """The project after the move, the cost before and after, and what had to change."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    target: ProviderName
    #: The target's model after the move.
    model: str = ""
    #: None: the whole project switches; else these scenes get the target as their override.
    scene_ids: tuple[str, ...] | None
    project: Project
    before: CostEstimate
    after: CostEstimate
    notes: tuple[str, ...]

    @property
    def delta_usd(self) -> float:
        return round(self.after.total_usd - self.before.total_usd, 4)

    def comparison(self) -> str:
        """E.g. ``Before: 3 scenes, 12 s: $1.20 -> after: 3 scenes, 12 s: $1.80 (+$0.60)``."""
        sign = "+" if self.delta_usd >= 0 else "-"
        return (
            f"Before: {self.before.summary()} -> after: {self.after.summary()} "
            f"({sign}${abs(self.delta_usd):.2f})"
        )


def plan_retarget(
    project: Project,
    target: ProviderName,
    catalog: Catalog,
    scene_ids: list[str] | None = None,
    model: str | None = None,
) -> RetargetPlan:
    """Move the project (``scene_ids`` None) or those scenes to ``target`` (and its ``model``).

    The shot (shape and duration) of the provider the scenes used is expressed in the target's
    settings, scene durations go to the nearest allowed value, and each change gets a note.
    Rendered scenes keep their clips, so they cost nothing before or after. A retired model's
    "before" is what it cost while it lived, so the comparison still means something.

    Raises:
        KeyError: a scene id is not in the project.
    """
    ids = [s.id for s in project.scenes] if scene_ids is None else list(scene_ids)
    chosen = [project.scene(i) for i in ids]
    source = project.provider_for(chosen[0]) if chosen else project.provider
    notes: list[str] = []
    settings = project.settings.for_provider(target)
    if source is not target:
        settings = _map_settings(project.settings.for_provider(source), source, settings, notes)
    if model is not None:
        settings = settings.model_copy(update={"model": model})
    settings = _fit_model(catalog, target, settings, notes)
    settings = _fit_scene_durations(chosen, catalog, target, settings, notes)
    info = catalog.get(target, settings.model)
    allowed = info.seconds_for(_resolution(settings)) if info is not None else ()
    moved_seconds = settings.seconds
    if scene_ids is not None:
        # The project's default duration is shared with scenes that stay: the moved scenes
        # carry their duration themselves, so no other scene is relabelled (or re-priced).
        kept = project.settings.for_provider(target).seconds
        if not allowed or kept in allowed:
            settings = settings.model_copy(update={"seconds": kept})
    scenes = []
    for index, scene in enumerate(project.scenes):
        if scene.id in ids:
            update: dict[str, Any] = {"provider": _override(project, target, scene_ids)}
            if scene_ids is not None and scene.duration is None:
                scene = scene.model_copy(update={"duration": moved_seconds})
            if scene_ids is None and scene.provider not in (None, target):
                notes.append(f"Scene {index + 1}: its own provider ({scene.provider}) is dropped.")
            if scene.duration is not None and allowed and scene.duration not in allowed:
                new = nearest(scene.duration, allowed)
                notes.append(f"Scene {index + 1}: {scene.duration} s becomes {new} s.")
                update["duration"] = new
            scene = scene.model_copy(update=update)
        scenes.append(scene)
    changes: dict[str, Any] = {
        "scenes": tuple(scenes),
        "settings": project.settings.model_copy(update={target.value: settings}),
    }
    if scene_ids is None:
        changes["provider"] = target
    after_project = project.model_copy(update=changes)
    notes.extend(_side_effects(project, after_project, ids))
    gone = catalog.get(source, project.settings.for_provider(source).model)
    moved = source is not target or settings.model != (gone.id if gone else None)
    if gone is not None and moved and gone.status() is ModelStatus.RETIRED:
        notes.append(f"Before: what {gone.label} cost until it shut down on {gone.retired_on}.")
    return RetargetPlan(
        target=target,
        model=settings.model,
        scene_ids=None if scene_ids is None else tuple(ids),
        project=after_project,
        before=estimate(project, ids, _as_if_live(catalog)),
        after=estimate(after_project, ids, catalog),
        notes=tuple(notes),
    )


def _side_effects(before: Project, after: Project, ids: list[str]) -> list[str]:
    """A note for each scene not moved whose shot still changes (shared provider settings):
    a retarget changes only what it lists."""
    notes = []
    for index, scene in enumerate(before.scenes):
        if scene.id in ids:
            continue
        old, new = resolve(before, scene), resolve(after, after.scenes[index])
        if old != new:
            what = "rendered, its clip is kept; " if scene.clip_path else ""
            notes.append(
                f"Scene {index + 1} also changes ({what}it shares the project's "
                f"{new.provider.value} settings): {_shot(old)} becomes {_shot(new)}."
            )
    return notes


def _shot(spec: ShotSpec) -> str:
    shape = spec.size or f"{spec.aspect} {spec.resolution}"
    return f"{spec.model} {shape} {spec.seconds} s"


def _as_if_live(catalog: Catalog) -> Catalog:
    """The table with every shutdown lifted: a retired model priced as when it rendered."""
    return Catalog(
        [
            m.model_copy(update={"retired_on": None, "offered": True})
            if m.status() is ModelStatus.RETIRED
            else m
            for m in catalog.models
        ]
    )


def _override(
    project: Project, target: ProviderName, scene_ids: list[str] | None
) -> ProviderName | None:
    if scene_ids is None or target is project.provider:
        return None
    return target


def _resolution(settings: ProviderSettingsT) -> str | None:
    return settings.resolution if isinstance(settings, VeoSettings | OmniSettings) else None


def _map_settings(
    source: ProviderSettingsT,
    source_name: ProviderName,
    current: ProviderSettingsT,
    notes: list[str],
) -> ProviderSettingsT:
    """``source``'s shot in the target provider's settings (``current`` gives the rest)."""
    frame = spec_for_settings(source_name, source).frame_size
    size = f"{frame[0]}x{frame[1]}"
    label = f"{source_name.value.title()} to"
    if isinstance(current, OmniSettings):
        shot = (source.aspect, source.resolution) if isinstance(source, VeoSettings) else None
        aspect, resolution, seconds, note = map_to_omni(size, source.seconds, shot)
        _note(notes, note.replace("Shot to", label, 1))
        return current.model_copy(
            update={"aspect": aspect, "resolution": resolution, "seconds": seconds}
        )
    if isinstance(current, VeoSettings):
        aspect, resolution, seconds, note = map_from_sora(size, source.seconds)
        _note(notes, note.replace("Sora to", label, 1))
        return current.model_copy(
            update={"aspect": aspect, "resolution": resolution, "seconds": seconds}
        )
    if isinstance(current, SoraSettings):
        resolution = f"{min(frame)}p" if min(frame) in (720, 1080) else "720p"
        new_size, seconds, note = map_to_sora(
            aspect_of(size), resolution, source.seconds, current.model
        )
        _note(notes, note.replace("Veo to", label, 1))
        return current.model_copy(update={"size": new_size, "seconds": seconds})
    assert isinstance(current, AnimaticSettings)
    return current.model_copy(update={"size": size, "seconds": source.seconds})


def _note(notes: list[str], note: str) -> None:
    if note:
        notes.append(note)


def _fit_model(
    catalog: Catalog, target: ProviderName, settings: ProviderSettingsT, notes: list[str]
) -> ProviderSettingsT:
    """The settings changed to what their model offers (an unknown model becomes the first)."""
    # Omni models name no backend: the Gemini API and Vertex AI serve the same ids.
    backend = settings.backend if isinstance(settings, VeoSettings) else None
    offered = catalog.offered(target, backend)
    if isinstance(settings, SoraSettings):
        if is_free_model(catalog, settings):
            return settings  # a model only the compatible endpoint knows: the gateway decides
        offered = models_at(catalog, settings)
    info = catalog.get(target, settings.model)
    if info is None or info not in offered:
        if not offered:
            notes.append(f"No {target.value} model is offered.")
            return settings
        info = offered[0]
        notes.append(f"{settings.model} is not offered; using {info.label}.")
    update: dict[str, Any] = {"model": info.id}
    if isinstance(settings, SoraSettings | AnimaticSettings):
        if info.sizes and settings.size not in info.sizes:
            size = _nearest_size(settings.size, info.sizes)
            notes.append(f"{info.label} has no {settings.size}; size set to {size}.")
            update["size"] = size
    else:
        _fit_veo(info, settings, update, notes)
    allowed = info.seconds_for(update.get("resolution", _resolution(settings)))
    if settings.seconds not in allowed:
        seconds = nearest(settings.seconds, allowed)
        notes.append(f"{info.label} cannot do {settings.seconds} s; duration set to {seconds} s.")
        update["seconds"] = seconds
    return settings.model_copy(update=update)


def _fit_veo(
    info: ModelInfo, settings: VeoSettings | OmniSettings, update: dict[str, Any], notes: list[str]
) -> None:
    if info.aspects and settings.aspect not in info.aspects:
        notes.append(f"{info.label} has no {settings.aspect}; aspect set to {info.aspects[0]}.")
        update["aspect"] = info.aspects[0]
    if info.resolutions and settings.resolution not in info.resolutions:
        notes.append(
            f"{info.label} has no {settings.resolution}; resolution set to {info.resolutions[0]}."
        )
        update["resolution"] = info.resolutions[0]


def _fit_scene_durations(
    chosen: list[Scene],
    catalog: Catalog,
    target: ProviderName,
    settings: ProviderSettingsT,
    notes: list[str],
) -> ProviderSettingsT:
    """Veo renders above 720p only at 8 s: keep the scenes' durations, give up resolution."""
    info = catalog.get(target, settings.model)
    resolution = _resolution(settings)
    if info is None or resolution in (None, "720p") or not info.high_res_seconds:
        return settings
    wanted = {nearest(s.duration, info.seconds) for s in chosen if s.duration is not None}
    if wanted <= set(info.high_res_seconds):
        return settings
    notes.append(
        f"Some scenes last {', '.join(f'{s} s' for s in sorted(wanted))}; "
        f"{info.label} renders {resolution} only at "
        f"{', '.join(f'{s} s' for s in info.high_res_seconds)}, so resolution is 720p."
    )
    return settings.model_copy(update={"resolution": "720p"})


def _nearest_size(size: str, allowed: tuple[str, ...]) -> str:
    """Same orientation first, then the closest pixel count."""
    try:
        width, height = parse_size(size)
    except ValueError:
        return allowed[0]
    orientation = aspect_of(size)

    def score(candidate: str) -> tuple[int, int]:
        w, h = parse_size(candidate)
        return (0 if aspect_of(candidate) == orientation else 1, abs(w * h - width * height))

    return min(allowed, key=score)


def project_model(project: Project, catalog: Catalog) -> ModelInfo | None:
    """The table's entry for the model the project renders with, if the table knows it."""
    return catalog.get(project.provider, project.settings.for_provider(project.provider).model)


def successor_plan(project: Project, catalog: Catalog) -> RetargetPlan | None:
    """The whole project moved to its model's successor; None while the model is live or has
    no successor in the table."""
    info = project_model(project, catalog)
    if info is None or info.status() is ModelStatus.LIVE:
        return None
    successor = catalog.successor_of(info)
    if successor is None:
        return None
    return plan_retarget(project, successor.provider, catalog, None, successor.id)
