"""Pure render bookkeeping: which scenes to render, their requests, and how events change them."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from imageai.core import continuity
from imageai.core.errors import JobError, ValidationError
from imageai.core.jobs import Created, Done, Downloading, JobEvent, JobRequest, Progress, Queued
from imageai.core.models import Project, ProviderName, RenderState, Scene, Take
from imageai.core.prompts import scene_prompt
from imageai.core.take_state import inputs_fingerprint
from imageai.core.takes import add_take, choose_take, list_takes, next_take_number
from imageai.core.validation import validate_scene

if TYPE_CHECKING:
    from collections.abc import Collection

    from imageai.core.catalog import Catalog
    from imageai.core.ledger import Ledger

#: States a render leaves alone unless asked to re-render.
FINISHED = frozenset({RenderState.DONE})
#: States a render of "all scenes" skips: only the user may decide to create them again.
ASK_FIRST = frozenset({RenderState.OUTCOME_UNKNOWN})


def parse_scene_selection(text: str, count: int) -> list[int]:
    """``"1,3-5"`` -> ``[0, 2, 3, 4]`` (0-based indexes), checked against ``count`` scenes."""
    indexes: list[int] = []
    for part in text.replace(" ", "").split(","):
        if not part:
            continue
        first, sep, last = part.partition("-")
        if not first.isdigit() or (sep and not last.isdigit()):
            raise ValidationError("scenes", f"{part!r} is not a scene number or range like 3-5")
        start, end = int(first), int(last) if sep else int(first)
        if start < 1 or end > count or start > end:
            raise ValidationError("scenes", f"{part} is outside 1-{count}")
        indexes.extend(i - 1 for i in range(start, end + 1) if i - 1 not in indexes)
    if not indexes:
        raise ValidationError("scenes", "no scenes selected")
    return indexes


def scenes_to_render(
    project: Project, indexes: list[int] | None = None, again: Collection[str] = ()
) -> list[Scene]:
    """The selected scenes (default all) that are not done yet, and the done ones in ``again``
    (ids: changed since their take, or asked for), which render a new take.

    A scene whose create may or may not have been billed (outcome unknown) is rendered again only
    when it is selected by name: creating it anew is the user's choice, never a side effect of
    "render all".
    """

    def wanted(scene: Scene) -> bool:
        return scene.state not in FINISHED or scene.id in again

    if indexes is None:
        return [s for s in project.scenes if wanted(s) and s.state not in ASK_FIRST]
    return [project.scenes[i] for i in indexes if wanted(project.scenes[i])]


def again_number(scene: Scene) -> int | None:
    """The take a render of ``scene`` becomes when it has takes already (a render again), else
    None (its first render). Stable until that take is added, so a crash mid-render rebuilds
    the same request and fingerprint, and the ledger resumes its job."""
    return next_take_number(scene) if list_takes(scene) else None


def held_back(project: Project, indexes: list[int] | None = None) -> list[int]:
    """1-based numbers of scenes a default render leaves alone because their outcome is unknown."""
    if indexes is not None:
        return []
    return [i + 1 for i, s in enumerate(project.scenes) if s.state in ASK_FIRST]


def _abs(project_dir: Path, relative: str | None) -> Path | None:
    if relative is None:
        return None
    path = Path(relative)
    return path if path.is_absolute() else project_dir / path


def build_request(
    catalog: Catalog,
    project: Project,
    scene: Scene,
    project_dir: Path,
    ledger: Ledger | None = None,
) -> JobRequest:
    """Validate ``scene`` and build its request; resumes the job already paid for, if any."""
    spec = validate_scene(catalog, project, scene)
    reference = _abs(project_dir, scene.reference_image)
    if reference is not None and not reference.is_file():
        raise ValidationError(
            "reference_image", f"scene {project.index_of(scene.id) + 1}: {reference} is missing"
        )
    request = JobRequest(
        scene_id=scene.id,
        index=project.index_of(scene.id) + 1,
        title=project.title,
        spec=spec,
        prompt=scene_prompt(project, scene),
        settings=project.settings_for(scene),
        project_dir=project_dir,
        reference_image=reference,
        last_frame_image=_abs(project_dir, scene.last_frame_image),
        extra_reference_images=tuple(
            p for p in (_abs(project_dir, r) for r in scene.extra_reference_images) if p
        ),
        fit=scene.fit,
        audio_direction=scene.audio_direction if spec.provider is ProviderName.OMNI else "",
        take=again_number(scene),
    )
    request = _with_extend_source(project, scene, request, ledger)
    resume = resumable_job(project, scene, request, ledger)
    return request.model_copy(update={"resume_job_id": resume}) if resume else request


def _with_extend_source(
    project: Project, scene: Scene, request: JobRequest, ledger: Ledger | None
) -> JobRequest:
    """An extending scene whose predecessor has a clip gets it as its source now, so the
    fingerprint (and a resumable job) is exact; otherwise the source is set when that
    predecessor finishes (`continuity.follow_previous`)."""
    if not continuity.extends(scene):
        return request
    previous = project.scenes[project.index_of(scene.id) - 1]
    if previous.state is not RenderState.DONE or not previous.clip_path:
        return request
    source = continuity.extend_source(project, request.project_dir, previous.id, ledger)
    return request.model_copy(update={"source": source})


def resumable_job(
    project: Project, scene: Scene, request: JobRequest, ledger: Ledger | None
) -> str | None:
    """A job created for exactly this request and never finished: poll it, don't pay again."""
    if request.provider is ProviderName.ANIMATIC:
        return None  # local renders die with the process and cost nothing to redo
    if (
        scene.job_id
        and scene.job_provider == request.provider
        and scene.state in (RenderState.QUEUED, RenderState.RENDERING, RenderState.DOWNLOADING)
    ):
        return scene.job_id
    if ledger is not None:
        return ledger.open_job(scene.id, request.fingerprint())
    return None


def finished_in_ledger(ledger: Ledger | None, request: JobRequest) -> tuple[str, Path] | None:
    """The job and clip of a render of exactly this request that the ledger says ended well.

    A ``created`` of the request's fingerprint and a ``downloaded`` of that job whose clip is
    still a file in the project folder: another process (or a run whose project save failed)
    finished the scene, and creating it again would pay twice.
    """
    if ledger is None:
        return None
    fingerprint, created, found = request.fingerprint(), set(), None
    for entry in ledger.entries():
        if entry.scene_id != request.scene_id or entry.job_id is None:
            continue
        if entry.event == "created" and entry.fingerprint == fingerprint:
            created.add(entry.job_id)
        elif entry.event == "downloaded" and entry.job_id in created:
            clip = _clip_in(request.project_dir, entry.detail)
            found = (entry.job_id, clip) if clip is not None else found
    return found


def _clip_in(project_dir: Path, recorded: str) -> Path | None:
    """The ledger's clip path if it is a non-empty regular file inside the project, else None.

    The ledger is a file in a folder someone else may have written: its path is not trusted.
    """
    if not recorded:
        return None
    path = Path(recorded)
    path = path if path.is_absolute() else project_dir / path
    try:
        inside = path.resolve().is_relative_to(project_dir.resolve())
        ok = inside and not path.is_symlink() and path.is_file() and path.stat().st_size > 0
    except OSError:
        return None
    return path if ok else None


def apply_finished(project: Project, request: JobRequest, job_id: str, clip: Path) -> Project:
    """The project with the scene done from the ledger's record of its finished job, kept as
    a take beside the earlier ones and chosen."""
    # The ledger records no thumbnail; an older one is of another clip.
    take = _take(request, job_id, _relative(clip, request.project_dir), None, 0.0)
    return _with_take(project, request, take)


def _take(
    request: JobRequest, job_id: str, clip: str, thumb: str | None, billed_usd: float
) -> Take:
    return Take(
        job_id=job_id,
        clip_path=clip,
        thumbnail_path=thumb,
        prompt=request.prompt,
        billed_usd=billed_usd,
        provider=request.provider,
        fingerprint=inputs_fingerprint(request),
    )


def _with_take(project: Project, request: JobRequest, take: Take) -> Project:
    """The scene showing ``take``, added beside its earlier takes (its cost is already in the
    scene's billed figure, counted when the create returned)."""
    scene = project.scene(request.scene_id)
    takes = list_takes(scene)
    if not any(t.job_id == take.job_id for t in takes):
        scene = add_take(scene.model_copy(update={"takes": takes}), take, count_cost=False)
    number = next(i for i, t in enumerate(list_takes(scene), 1) if t.job_id == take.job_id)
    scene = choose_take(scene, number)
    return project.with_scene(
        scene.model_copy(update={"job_provider": request.provider, "error": None})
    )


def apply_event(project: Project, event: JobEvent, request: JobRequest) -> Project:
    """The project after ``event`` for the request's scene."""
    scene_id = request.scene_id
    if isinstance(event, Queued):
        # The job this render will follow: the resumed one, or none yet. A job id left from an
        # earlier render must not stay, or a crash now would resume it for the new request.
        # The earlier render stays as a take (a render again keeps it).
        job_provider = request.provider if request.resume_job_id else None
        return project.update_scene(
            scene_id,
            state=RenderState.QUEUED,
            error=None,
            job_id=request.resume_job_id,
            job_provider=job_provider,
            takes=list_takes(project.scene(scene_id)),
        )
    if isinstance(event, Created):
        scene = project.scene(scene_id)
        billed = scene.billed_usd + (0.0 if event.resumed else event.billed_usd)
        return project.update_scene(
            scene_id,
            state=RenderState.RENDERING,
            job_id=event.job_id,
            job_provider=request.provider,
            billed_usd=round(billed, 4),
            rendered_prompt=request.prompt,
        )
    if isinstance(event, Progress):
        return project.update_scene(scene_id, state=RenderState.RENDERING)
    if isinstance(event, Downloading):
        return project.update_scene(scene_id, state=RenderState.DOWNLOADING)
    return apply_result(project, event, request)


def apply_result(project: Project, event: Done, request: JobRequest) -> Project:
    """The scene done: the render is a new take beside the earlier ones, and the chosen one."""
    result = event.result
    clip = _relative(result.clip_path, request.project_dir)
    thumb = _relative(result.thumbnail_path, request.project_dir) if result.thumbnail_path else None
    take = _take(request, result.job_id, clip, thumb, result.billed_usd)
    return _with_take(project, request, take)


def apply_failure(project: Project, scene_id: str, error: JobError) -> Project:
    state = RenderState.OUTCOME_UNKNOWN if error.kind == "outcome_unknown" else RenderState.FAILED
    return project.update_scene(scene_id, state=state, error=error)


def apply_cancel(project: Project, scene_id: str) -> Project:
    # The job id stays: a cancelled remote job may still finish and can be resumed.
    return project.update_scene(scene_id, state=RenderState.CANCELLED)


def _relative(path: Path, base: Path) -> str:
    try:
        return path.resolve().relative_to(base.resolve()).as_posix()
    except ValueError:
        return str(path)
