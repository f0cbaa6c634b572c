"""`RenderPlan`: one priced, checked render, shown to the user and then run as it was shown."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from imageai.core import project_store
from imageai.core.errors import ImageAIError, ValidationError
from imageai.core.ledger import LEDGER_NAME
from imageai.core.provider_names import short_name
from imageai.services.job_keys import JobKey

if TYPE_CHECKING:
    from pathlib import Path

    from imageai.core.continuity import ChainStep
    from imageai.core.jobs import JobRequest
    from imageai.core.pricing import CostEstimate

#: ``(inode, size, mtime_ns)`` of a file, or None when it does not exist.
FileStamp = tuple[int, int, int] | None


def job_id_for(scene_id: str) -> str:
    """The runner job id of a scene's render (also its budget reservation key)."""
    return str(JobKey.render(scene_id))


def _stamp(path: Path) -> FileStamp:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return (st.st_ino, st.st_size, st.st_mtime_ns)


def disk_stamp(folder: Path) -> tuple[FileStamp, FileStamp]:
    """What the ledger and project.json look like on disk now: another process that rendered
    the project appended to the one and replaced the other."""
    return _stamp(folder / LEDGER_NAME), _stamp(project_store.project_file(folder))


class StalePlanError(ValidationError):
    """The project's files changed on disk after the plan was made (another process rendered)."""

    def __init__(self, folder: Path) -> None:
        super().__init__(
            "project",
            f"{folder} changed on disk since this render was priced (another ImageAI process "
            "rendered it?). Nothing was sent; look at the new plan before rendering.",
        )


class ProjectSaveError(ImageAIError):
    """project.json could not be written: no new create may start (the ledger keeps the rest)."""

    def __init__(self, folder: Path, exc: OSError) -> None:
        reason = exc.strerror or str(exc) or type(exc).__name__
        super().__init__(
            f"Cannot write the project file in {folder} ({reason}). No new scene is created "
            "while it cannot be saved; jobs already paid for finish, and the ledger keeps "
            "them, so the next render picks them up without paying again."
        )
        self.cause = exc


@dataclass(frozen=True)
class FinishedInLedger:
    """A scene the ledger says was rendered (created and downloaded, clip present)."""

    request: JobRequest
    job_id: str
    clip: Path


@dataclass(frozen=True)
class RenderPlan:
    """Everything a render will do, decided before any call, from one read of the ledger.

    ``render(plan)`` runs exactly this (after checking, under the project lock, that the
    files it was made from are unchanged); the GUI's confirm dialog and the CLI show it.
    """

    folder: Path
    budget_usd: float | None
    #: The scenes to run, in order: new creates that fit the budget and resumed paid jobs.
    requests: tuple[JobRequest, ...]
    #: The order and waits of `requests` (chained scenes wait for the one before).
    steps: tuple[ChainStep, ...]
    #: Estimate of each new create that runs, by runner job id (a resume costs nothing).
    costs: dict[str, float]
    #: Per-scene rows of the new creates that run (for the confirm dialog).
    estimate: CostEstimate
    #: New creates left out because they do not fit the budget.
    over_budget: tuple[JobRequest, ...] = ()
    #: 1-based numbers of scenes left alone because a create's outcome is unknown.
    held_back: tuple[int, ...] = ()
    #: Scenes another run finished (the ledger says so): marked done, never created again.
    finished: tuple[FinishedInLedger, ...] = ()
    #: What the budget counts as spent: billed plus possibly billed.
    spent_usd: float = 0.0
    #: Creates sent whose outcome is unknown (they may have been billed), USD per scene id.
    possibly_billed: dict[str, float] = field(default_factory=dict)
    #: The providers built for `requests` before any call (a missing key raised instead).
    providers: tuple[str, ...] = ()
    #: The ledger and project.json on disk when the plan was made.
    stamp: tuple[FileStamp, FileStamp] = (None, None)
    #: The controller's lock term the plan was made in (None: it held no lock).
    lock_term: int | None = None

    @property
    def total_usd(self) -> float:
        """The estimate of the new creates this render sends."""
        return round(sum(self.costs.values()), 4)

    def summary(self) -> str:
        """E.g. ``2 scenes, 16 s: $1.60`` (the new creates)."""
        return self.estimate.summary()

    @property
    def resumes(self) -> tuple[JobRequest, ...]:
        """Jobs already paid for that this render polls and downloads ($0)."""
        return tuple(r for r in self.requests if r.resume_job_id is not None)

    @property
    def renders_again(self) -> tuple[JobRequest, ...]:
        """New creates of scenes that have takes: each becomes a new take beside them."""
        return tuple(r for r in self.requests if r.take is not None and r.resume_job_id is None)

    @property
    def possibly_billed_usd(self) -> float:
        return round(sum(self.possibly_billed.values()), 4)

    def scene_numbers(self, requests: tuple[JobRequest, ...]) -> str:
        return ",".join(str(r.index) for r in requests)


def plan_lines(plan: RenderPlan) -> list[str]:
    """The plan as lines of text, one per scene and one per group left out (GUI and CLI)."""
    lines = again_lines(plan)
    again = {r.scene_id for r in plan.renders_again}
    for row in plan.estimate.scenes:
        note = "" if row.price_verified else " (unverified price)"
        if row.id in again:
            note += " (render again: a new take, earlier takes kept)"
        lines.append(f"Scene {row.index}  {row.provider.value} {row.model}: {row.formula()}{note}")
    for request in plan.resumes:
        lines.append(f"Scene {request.index}: resumes job {request.resume_job_id}, paid: $0.00")
    for done in plan.finished:
        lines.append(
            f"Scene {done.request.index}: already rendered by another run (the ledger has "
            "its clip): kept, not paid again"
        )
    if plan.held_back:
        numbers = ",".join(map(str, plan.held_back))
        lines.append(
            f"Not rendering scene(s) {numbers}: a create was sent but its outcome is unknown "
            "(it may be billed). Check the provider's console; select them and render to "
            "create again anyway."
        )
    if plan.over_budget and plan.budget_usd is not None:
        lines.append(
            f"Not rendering scene(s) {plan.scene_numbers(plan.over_budget)}: over the "
            f"${plan.budget_usd:.2f} budget (spent, possibly billed and this render's new "
            "creates leave no room)."
        )
    return lines


def again_lines(plan: RenderPlan) -> list[str]:
    """E.g. ``3 scenes render again on Gemini Omni (new takes; earlier takes kept): 1,2,4``."""
    by_provider: dict[str, list[int]] = {}
    for request in plan.renders_again:
        by_provider.setdefault(short_name(request.provider), []).append(request.index)
    lines = []
    for name, numbers in by_provider.items():
        noun = "scene renders" if len(numbers) == 1 else "scenes render"
        lines.append(
            f"{len(numbers)} {noun} again on {name} (new takes; earlier takes kept): "
            + ",".join(map(str, numbers))
        )
    return lines


def spend_line(plan: RenderPlan, billed_usd: float) -> str:
    """Billed so far, what may have been billed, and the budget."""
    text = f"Billed so far: ${billed_usd:.2f}"
    if plan.possibly_billed_usd:
        text += f", possibly billed ${plan.possibly_billed_usd:.2f} (answers never came)"
    if plan.budget_usd is not None:
        text += f", of a ${plan.budget_usd:.2f} budget"
    return text
