"""A scene's takes (each render, render again, remix or edit): add, choose, list, name files."""

from __future__ import annotations

from typing import TYPE_CHECKING

from imageai.core.errors import ValidationError
from imageai.core.models import ProviderName, RenderState, Scene, Take

if TYPE_CHECKING:
    from collections.abc import Iterable
    from pathlib import Path

    from imageai.core.jobs import JobRequest, JobResult
    from imageai.core.ledger import Ledger


#: Providers whose own job id a later edit or extend can refer to (Omni's
#: ``previous_interaction_id``); other clips are sent as files.
BY_JOB_ID = frozenset({ProviderName.OMNI})


def take_stem(scene_id: str, number: int) -> str:
    """The file stem of take ``number``'s clip and thumbnail, e.g. ``ab12-take2``."""
    return f"{scene_id}-take{number}"


def first_render(scene: Scene) -> Take | None:
    """The scene's own render as a take, or None if it has no finished clip."""
    if scene.state is not RenderState.DONE or not scene.job_id or not scene.clip_path:
        return None
    return Take(
        job_id=scene.job_id,
        clip_path=scene.clip_path,
        thumbnail_path=scene.thumbnail_path,
        prompt=scene.rendered_prompt or scene.prompt,
        billed_usd=scene.billed_usd,
    )


def list_takes(scene: Scene) -> tuple[Take, ...]:
    """The scene's takes; a rendered scene with none recorded has its render as take 1."""
    if scene.takes:
        return scene.takes
    first = first_render(scene)
    return (first,) if first is not None else ()


def next_take_number(scene: Scene) -> int:
    return len(list_takes(scene)) + 1


def current_take(scene: Scene) -> int | None:
    """The 1-based number of the take the scene shows now, or None."""
    for number, take in enumerate(list_takes(scene), 1):
        if take.job_id == scene.job_id and take.clip_path == scene.clip_path:
            return number
    return None


def add_take(scene: Scene, take: Take, *, choose: bool = False, count_cost: bool = True) -> Scene:
    """The scene with ``take`` appended and (``count_cost``) its cost added to the scene's.

    The first render becomes take 1 first, so adding a remix loses nothing. With ``choose`` the
    new take also becomes the scene's current clip. A render's cost is counted when its create
    returns, so a render's take is added with ``count_cost=False``.
    """
    existing = list_takes(scene)
    if any(t.job_id == take.job_id for t in existing):
        raise ValidationError("take", f"job {take.job_id} is already a take of this scene")
    takes = (*existing, take)
    billed = scene.billed_usd + (take.billed_usd if count_cost else 0.0)
    updated = scene.model_copy(update={"takes": takes, "billed_usd": round(billed, 4)})
    return choose_take(updated, len(takes)) if choose else updated


def choose_take(scene: Scene, number: int) -> Scene:
    """The scene showing take ``number`` (1-based): its clip, thumbnail and job id follow it.

    Raises:
        ValidationError: the scene has no take ``number``.
    """
    takes = list_takes(scene)
    if not takes:
        raise ValidationError("take", "the scene has no takes yet; render it first")
    if not 1 <= number <= len(takes):
        raise ValidationError(
            "take", f"take {number} does not exist (the scene has 1-{len(takes)})"
        )
    take = takes[number - 1]
    if take.clip_path is None:
        raise ValidationError("take", f"take {number} has no clip")
    return scene.model_copy(
        update={
            "takes": takes,
            "job_id": take.job_id,
            "clip_path": take.clip_path,
            "thumbnail_path": take.thumbnail_path,
            "rendered_prompt": take.prompt or scene.rendered_prompt,
            "state": RenderState.DONE,
            "error": None,
        }
    )


def take_provider(scene: Scene, job_id: str | None, ledger: Ledger | None) -> ProviderName | None:
    """The provider that made ``job_id`` (one of the scene's takes), or None when unknown.

    The ledger's create entry names it; a take added before the ledger knew of it falls back to
    the provider of the scene's first render.
    """
    if job_id is None:
        return None
    if ledger is not None:
        for entry in reversed(ledger.entries()):
            if entry.event == "created" and entry.job_id == job_id:
                try:
                    return ProviderName(entry.provider)
                except ValueError:
                    return None
    return scene.job_provider if job_id == scene.job_id else None


def free_take_number(scene: Scene, folder: Path, reserved: Iterable[int] = ()) -> int:
    """The next take number whose clip file does not exist and no running remix holds."""
    taken = set(reserved)
    number = next_take_number(scene)
    while number in taken or (folder / "clips" / f"{take_stem(scene.id, number)}.mp4").exists():
        number += 1
    return number


def take_request(request: JobRequest, number: int, job_id: str | None) -> JobRequest:
    """``request`` writing into the files of take ``number``; following ``job_id`` if given."""
    return request.model_copy(
        update={"scene_id": take_stem(request.scene_id, number), "resume_job_id": job_id}
    )


def relative(path: Path | None, base: Path) -> str | None:
    """``path`` relative to ``base`` (POSIX), or as it is when outside ``base``."""
    if path is None:
        return None
    try:
        return path.resolve().relative_to(base.resolve()).as_posix()
    except ValueError:
        return str(path)


def make_take(
    result: JobResult, request: JobRequest, source_job_id: str | None, billed_usd: float
) -> Take:
    """The take a downloaded remix becomes (paths relative to the project folder)."""
    folder = request.project_dir
    return Take(
        job_id=result.job_id,
        clip_path=relative(result.clip_path, folder),
        thumbnail_path=relative(result.thumbnail_path, folder),
        prompt=request.prompt,
        remixed_from_job_id=source_job_id,
        billed_usd=billed_usd,
    )


def created_usd(ledger: Ledger, job_id: str) -> float:
    """What the ledger says the create of ``job_id`` was billed."""
    return sum(e.usd for e in ledger.entries() if e.event == "created" and e.job_id == job_id)


class SceneJournal:
    """A `Journal` filing a take's entries under its scene, so spend and open jobs add up.

    A take downloads under its own file stem (``<scene>-take<k>``); the ledger must still see
    the scene's id and the fingerprint its create was recorded with.
    """

    def __init__(self, ledger: Ledger, scene_request: JobRequest) -> None:
        self._ledger = ledger
        self._request = scene_request

    def intent(self, request: JobRequest) -> None:
        self._ledger.intent(self._request.model_copy(update={"endpoint": request.endpoint}))

    def created(self, request: JobRequest, job_id: str, billed_usd: float) -> None:
        scene_request = self._request.model_copy(update={"endpoint": request.endpoint})
        self._ledger.created(scene_request, job_id, billed_usd)

    def created_endpoint(self, job_id: str) -> str:
        return self._ledger.created_endpoint(job_id)

    def completed(self, request: JobRequest, job_id: str) -> None:
        self._ledger.completed(self._request, job_id)

    def downloaded(self, request: JobRequest, result: JobResult) -> None:
        self._ledger.downloaded(self._request, result)

    def failed(self, request: JobRequest, job_id: str | None, kind: str, message: str) -> None:
        self._ledger.failed(self._request, job_id, kind, message)
