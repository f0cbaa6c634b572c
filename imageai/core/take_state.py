"""Whether a rendered scene changed since its chosen take (so Render offers it again)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from imageai.core.errors import ImageAIError, ValidationError
from imageai.core.models import RenderState
from imageai.core.provider_names import short_name
from imageai.core.takes import current_take, list_takes

if TYPE_CHECKING:
    from pathlib import Path

    from imageai.core.catalog import Catalog
    from imageai.core.jobs import JobRequest
    from imageai.core.models import Project, ProviderName, Scene, Take


class TakeState(StrEnum):
    #: No chosen take: the scene is not rendered (or is rendering).
    NONE = "none"
    #: The chosen take was rendered from what the scene asks for now.
    CURRENT = "current"
    #: Something that affects the render changed since the chosen take: render it again.
    CHANGED = "changed"


@dataclass(frozen=True)
class TakeStatus:
    """A scene's take state and, when changed, what changed (for a card or `video status`)."""

    state: TakeState
    reason: str = ""

    @property
    def changed(self) -> bool:
        return self.state is TakeState.CHANGED


NOT_RENDERED = TakeStatus(TakeState.NONE)


def inputs_fingerprint(request: JobRequest) -> str:
    """What a take records of its request: the render's inputs (`JobRequest.content_fingerprint`:
    provider, model, the prompt as the template renders it with audio direction and continuity,
    shape, duration, references, source) plus the settings the ledger's fingerprint leaves out
    (seed, negative prompt, sound, fit). Not the take number: a new take of the same inputs is
    current."""
    settings = request.settings
    extra = [
        f"seed={getattr(settings, 'seed', None)}",
        f"negative={getattr(settings, 'negative_prompt', '')}",
        f"audio={getattr(settings, 'generate_audio', None)}",
        f"fit={request.fit.value}",
    ]
    digest = hashlib.sha256(request.content_fingerprint().encode())
    for part in extra:
        digest.update(b"\0" + part.encode())
    return digest.hexdigest()[:32]


def chosen_take(scene: Scene) -> Take | None:
    """The take the cut uses (the scene's current clip), or None when it has none."""
    number = current_take(scene) if scene.state is RenderState.DONE else None
    return list_takes(scene)[number - 1] if number is not None else None


def take_provider_of(scene: Scene, take: Take) -> ProviderName | None:
    """The provider that rendered ``take``: recorded on it, else the scene's job provider for
    the take the scene shows."""
    if take.provider is not None:
        return take.provider
    return scene.job_provider if take.job_id == scene.job_id else None


def take_status(
    catalog: Catalog,
    project: Project,
    scene: Scene,
    folder: Path,
    request: JobRequest | None = None,
) -> TakeStatus:
    """Whether ``scene`` changed since its chosen take.

    Compares the chosen take's recorded `inputs_fingerprint` with the scene's request now
    (``request`` when the caller has just built it). A take without one (recorded before
    takes had it) counts as current unless its provider differs. A scene whose request cannot
    be built now (a setting the provider refuses, a missing reference) has changed:
    rendering it again shows the reason.
    """
    # Imported here: render_plan imports this module (a take records its fingerprint).
    from imageai.core.render_plan import build_request

    take = chosen_take(scene)
    if take is None:
        return NOT_RENDERED
    provider = project.provider_for(scene)
    rendered_with = take_provider_of(scene, take)
    if rendered_with is not None and rendered_with is not provider:
        return TakeStatus(
            TakeState.CHANGED,
            f"rendered with {short_name(rendered_with)}, now {short_name(provider)}",
        )
    if take.fingerprint is None:
        return TakeStatus(TakeState.CURRENT)
    try:
        if request is None:
            request = build_request(catalog, project, scene, folder)
    except ValidationError as exc:
        return TakeStatus(TakeState.CHANGED, f"settings changed: {exc}")
    except (ImageAIError, OSError) as exc:
        return TakeStatus(TakeState.CHANGED, f"inputs changed: {exc}")
    if inputs_fingerprint(request) != take.fingerprint:
        return TakeStatus(TakeState.CHANGED, "prompt, references or settings changed")
    return TakeStatus(TakeState.CURRENT)


def changed_scene_ids(
    catalog: Catalog, project: Project, folder: Path, scenes: list[Scene] | None = None
) -> set[str]:
    """The ids of ``scenes`` (default all) that changed since their chosen take."""
    chosen = project.scenes if scenes is None else scenes
    return {s.id for s in chosen if take_status(catalog, project, s, folder).changed}
