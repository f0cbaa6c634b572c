"""Scenes that follow the one before: chained (last frame as reference) or extended (Omni)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from imageai.core.errors import ValidationError
from imageai.core.jobs import SourceClip, SourceMode
from imageai.core.models import OmniContinuity, RenderState
from imageai.core.takes import BY_JOB_ID, take_provider

if TYPE_CHECKING:
    from imageai.core.jobs import JobRequest
    from imageai.core.ledger import Ledger
    from imageai.core.models import Project, Scene


@dataclass(frozen=True)
class ChainStep:
    """One scene of a chained render.

    Attributes:
        request: the scene's request, as planned (without the chained reference yet).
        after: the scene whose last frame seeds this one; None for the first of the chain.
        waits: True when ``after`` renders in the same batch, so this scene must wait for it.
    """

    request: JobRequest
    after: str | None = None
    waits: bool = False


def chain_steps(project: Project, requests: list[JobRequest]) -> list[ChainStep]:
    """Order ``requests`` as a chain: each scene follows the scene before it in the storyboard.

    Raises:
        ValidationError: a scene follows one that has no clip and is not in this render.
    """
    in_batch = {r.scene_id for r in requests}
    return [
        _step(project, request, in_batch)
        for request in sorted(requests, key=lambda r: project.index_of(r.scene_id))
    ]


def extends(scene: Scene) -> bool:
    """True when the scene continues the previous scene's clip (Omni ``extend``)."""
    return scene.continuity is OmniContinuity.EXTEND


def render_steps(project: Project, requests: list[JobRequest]) -> list[ChainStep]:
    """The steps of a render: all chained with ``chain_scenes``, else only extending scenes
    follow (and, in the same batch, wait for) the scene before them.

    Raises:
        ValidationError: a following scene's predecessor has no clip and is not in this render.
    """
    if project.chain_scenes:
        return chain_steps(project, requests)
    in_batch = {r.scene_id for r in requests}
    return [
        _step(project, request, in_batch)
        if extends(project.scene(request.scene_id))
        else ChainStep(request)
        for request in sorted(requests, key=lambda r: project.index_of(r.scene_id))
    ]


def _step(project: Project, request: JobRequest, in_batch: set[str]) -> ChainStep:
    index = project.index_of(request.scene_id)
    if index == 0:
        return ChainStep(request)
    previous = project.scenes[index - 1]
    if previous.id in in_batch:
        return ChainStep(request, after=previous.id, waits=True)
    if previous.state is RenderState.DONE and previous.clip_path:
        return ChainStep(request, after=previous.id)
    if request.resume_job_id:
        # Already created (with its reference or source) before a restart: just finish it.
        return ChainStep(request)
    if extends(project.scenes[index]):
        raise ValidationError(
            "scenes",
            f"scene {index + 1} extends scene {index}, which has no clip yet; "
            f"render scene {index} too (or set scene {index + 1}'s continuity to none)",
        )
    raise ValidationError(
        "scenes",
        f"scene {index + 1} continues scene {index}, which has no clip yet; "
        f"render scene {index} too (or turn chaining off)",
    )


def previous_clip(project: Project, project_dir: Path, after: str) -> Path:
    """The clip of scene ``after``, whose last frame seeds the next scene."""
    clip = project.scene(after).clip_path
    if clip is None:
        raise ValidationError("scenes", f"scene {project.index_of(after) + 1} has no clip")
    path = Path(clip)
    return path if path.is_absolute() else project_dir / path


def last_frame_path(request: JobRequest) -> Path:
    """Where the previous scene's last frame is kept for this scene (under ``refs/``)."""
    return request.refs_dir / f"{request.scene_id}-chained-from-previous.png"


def with_reference(request: JobRequest, image: Path, ledger: Ledger | None) -> JobRequest:
    """The request seeded by ``image``; resumes a job already created for exactly that input."""
    seeded = request.model_copy(update={"reference_image": image})
    if seeded.resume_job_id is None and ledger is not None:
        job_id = ledger.open_job(seeded.scene_id, seeded.fingerprint())
        if job_id is not None:
            seeded = seeded.model_copy(update={"resume_job_id": job_id})
    return seeded


def extend_source(
    project: Project, project_dir: Path, after: str, ledger: Ledger | None
) -> SourceClip:
    """Scene ``after``'s current clip as what the next scene extends: its clip file, and its
    job id too when the provider that made it keeps it (Omni)."""
    previous = project.scene(after)
    clip = previous_clip(project, project_dir, after)
    provider = take_provider(previous, previous.job_id, ledger)
    job_id = previous.job_id if provider in BY_JOB_ID else None
    return SourceClip(mode=SourceMode.EXTEND, job_id=job_id, clip_path=clip)


def with_source(request: JobRequest, source: SourceClip, ledger: Ledger | None) -> JobRequest:
    """The request extending ``source``; resumes a job already created for exactly that input."""
    extended = request.model_copy(update={"source": source})
    if extended.resume_job_id is None and ledger is not None:
        job_id = ledger.open_job(extended.scene_id, extended.fingerprint())
        if job_id is not None:
            extended = extended.model_copy(update={"resume_job_id": job_id})
    return extended


def follow_previous(
    project: Project, project_dir: Path, request: JobRequest, after: str, ledger: Ledger | None
) -> tuple[JobRequest, Path | None]:
    """The request of a scene whose predecessor ``after`` is done, and the clip whose last frame
    seeds it (chained), or None when it extends that clip instead (the source is filled in)."""
    clip = previous_clip(project, project_dir, after)
    if not extends(project.scene(request.scene_id)):
        return request, clip
    if request.resume_job_id is not None:
        return request, None  # created already, with the source it had then
    return with_source(request, extend_source(project, project_dir, after, ledger), ledger), None
