"""A batch of configs: plan, budget, then at most ``concurrency`` jobs at once, results in order."""

from __future__ import annotations

import functools
import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING

from imageai.api.config import public_name
from imageai.api.plan import committed, finished
from imageai.api.results import VideoResult
from imageai.api.runner import JobMeta, follow, render_job
from imageai.core.budget import reservations_for
from imageai.core.errors import BudgetExceededError, ImageAIError, JobError
from imageai.core.project_lock import holding_project
from imageai.core.stop_token import detach

if TYPE_CHECKING:
    import threading
    from collections.abc import Callable, Sequence

    from imageai.api.config import VideoConfig
    from imageai.api.plan import Planner
    from imageai.api.results import VideoProgress
    from imageai.core.jobs import JobRequest
    from imageai.core.ledger import Ledger
    from imageai.core.models import Project
    from imageai.providers.router import ProviderRouter

log = logging.getLogger(__name__)


@dataclass
class _Slot:
    """One config of the batch: what will run, or the result decided before anything runs."""

    meta: JobMeta
    project: Project | None = None
    request: JobRequest | None = None
    #: USD of a new create (0 for a resume).
    cost: float = 0.0
    result: VideoResult | None = None


def _failed(meta: JobMeta, exc: BaseException) -> VideoResult:
    return VideoResult(
        success=False,
        config=meta.config,
        provider=public_name(meta.provider),
        key=meta.key,
        error=JobError.from_exception(exc),
    )


def _prepare(planner: Planner, configs: Sequence[VideoConfig], ledger: Ledger) -> list[_Slot]:
    """Validate each config and look in the ledger: done earlier (reuse), open (resume), or new."""
    slots = []
    for index, (config, key) in enumerate(zip(configs, planner.keys(configs), strict=True)):
        slot = _Slot(JobMeta(index=index, key=key, config=config, provider=planner.provider))
        slots.append(slot)
        try:
            slot.project = planner.project(config, key)
            slot.request = request = planner.request(slot.project, ledger)
        except ImageAIError as exc:
            slot.result = _failed(slot.meta, exc)
            continue
        if request.resume_job_id is not None:
            continue
        done = finished(ledger, key, request.fingerprint())
        if done is not None:
            slot.result = VideoResult(
                success=True,
                config=config,
                provider=public_name(planner.provider),
                key=key,
                video_path=done.clip_path,
                job_id=done.job_id,
                cost_usd=done.billed_usd,
                reused=True,
            )
            continue
        slot.cost = planner.cost(slot.project).usd
    return slots


def _reserve(
    planner: Planner, slots: list[_Slot], ledger: Ledger, budget_usd: float | None
) -> list[_Slot]:
    """The slots that fit the budget, their cost held until their create is on record; the rest
    get a budget error. Resumes (already paid) always run; new creates go in order while they fit.
    """
    runnable = [s for s in slots if s.result is None]
    reservations = reservations_for(planner.folder)
    projects = [s.project for s in runnable if s.project is not None]
    spent = committed(ledger, projects, planner.catalog, reservations.held())
    costs = {s.meta.key: s.cost for s in runnable}
    fits, over = reservations.fit(costs, spent, budget_usd)
    for slot in runnable:
        if slot.meta.key in over:
            held = round(spent + reservations.total(), 4)
            assert budget_usd is not None
            slot.result = _failed(slot.meta, BudgetExceededError(slot.cost, held, budget_usd))
    chosen = [s for s in runnable if s.meta.key in set(fits)]
    try:
        reservations.reserve({s.meta.key: s.cost for s in chosen}, spent, budget_usd)
    except BudgetExceededError as exc:  # another batch took the headroom meanwhile
        for slot in chosen:
            slot.result = _failed(slot.meta, exc)
        return []
    return chosen


def run_batch(
    planner: Planner,
    router: ProviderRouter,
    ledger: Ledger,
    configs: Sequence[VideoConfig],
    *,
    concurrency: int,
    cancel: threading.Event,
    budget_usd: float | None,
    on_progress: Callable[[VideoProgress], None] | None,
    resend_unknown: bool,
) -> list[VideoResult]:
    """Generate ``configs``; results in the same order. Ctrl+C cancels the jobs and re-raises.

    Raises:
        ProjectLockedError: another process is making videos in the same output folder.
    """
    with holding_project(planner.folder, "Python API"):
        slots = _prepare(planner, configs, ledger)
        chosen = _reserve(planner, slots, ledger, budget_usd)
        reservations = reservations_for(planner.folder)
        with ThreadPoolExecutor(concurrency, thread_name_prefix="imageai-api") as pool:
            futures = []
            for slot in chosen:
                assert slot.request is not None
                job = render_job(slot.request, router, ledger, resend_unknown=resend_unknown)
                release = functools.partial(reservations.release, slot.meta.key)
                futures.append(
                    (
                        slot,
                        pool.submit(follow, slot.meta, job, cancel, ledger, on_progress, release),
                    )
                )
            try:
                for slot, future in futures:
                    slot.result = future.result()
            except BaseException:
                # Ctrl+C (or any interruption): stop every job at its next stop point. Jobs
                # already created stay in the ledger (not cancelled at the provider) and are
                # resumed by the next run.
                detach(cancel)
                raise
    results = [s.result for s in slots]
    assert all(r is not None for r in results)
    return [r for r in results if r is not None]
