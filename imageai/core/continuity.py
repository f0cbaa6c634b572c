"""Scene chaining: the last frame of scene n seeds scene n+1, so chained scenes render in order."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from imageai.core.errors import ValidationError
from imageai.core.models import RenderState

if TYPE_CHECKING:
    from imageai.core.jobs import JobRequest
    from imageai.core.ledger import Ledger
    from imageai.core.models import Project


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
    steps: list[ChainStep] = []
    for request in sorted(requests, key=lambda r: project.index_of(r.scene_id)):
        index = project.index_of(request.scene_id)
        if index == 0:
            steps.append(ChainStep(request))
            continue
        previous = project.scenes[index - 1]
        if previous.id in in_batch:
            steps.append(ChainStep(request, after=previous.id, waits=True))
        elif previous.state is RenderState.DONE and previous.clip_path:
            steps.append(ChainStep(request, after=previous.id))
        elif request.resume_job_id:
            # Already created (with its reference) before a restart: just finish it.
            steps.append(ChainStep(request))
        else:
            raise ValidationError(
                "scenes",
                f"scene {index + 1} continues scene {index}, which has no clip yet; "
                f"render scene {index} too (or turn chaining off)",
            )
    return steps


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
