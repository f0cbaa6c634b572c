"""Runs one job to a `VideoResult` in a plain thread: the core job loop, no Qt."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from imageai.api.config import public_name
from imageai.api.results import VideoProgress, VideoResult
from imageai.core.errors import JobCancelledError, JobError, OutcomeUnknownError
from imageai.core.job_loop import LOST_CREATE_MESSAGE, recover_lost_create, run_job
from imageai.core.jobs import Created, Done, Downloading, Progress, Queued
from imageai.core.models import ProviderName
from imageai.core.remix_plan import outcome_unknown
from imageai.core.takes import created_usd

if TYPE_CHECKING:
    import threading
    from collections.abc import Callable, Iterator

    from imageai.api.config import VideoConfig
    from imageai.core.jobs import JobEvent, JobRequest
    from imageai.core.ledger import Ledger
    from imageai.providers.router import ProviderRouter

log = logging.getLogger(__name__)

RESEND_HINT = " Pass resend_unknown=True to create it again anyway."


def render_job(
    request: JobRequest, router: ProviderRouter, ledger: Ledger, *, resend_unknown: bool
) -> Callable[[threading.Event], Iterator[JobEvent]]:
    """The job of one render: adopt a create lost in a crash, then create (or resume) and follow.

    A create whose outcome stayed unknown (sent, answer never seen, and the provider has no way
    to look it up) is not sent again unless ``resend_unknown``: it may have been billed.
    """

    def job(cancel: threading.Event) -> Iterator[JobEvent]:
        provider = router.provider_for(request)
        current = recover_lost_create(request, provider, ledger, cancel)
        if (
            current.resume_job_id is None
            and current.provider is not ProviderName.ANIMATIC
            and not resend_unknown
            and getattr(provider, "find_existing", None) is None
            and outcome_unknown(ledger, current.scene_id, current.fingerprint())
        ):
            name = public_name(current.provider).title()
            message = LOST_CREATE_MESSAGE.format(provider=name) + RESEND_HINT
            raise OutcomeUnknownError(message, detail=current.scene_id)
        yield from run_job(current, provider, cancel, journal=ledger)

    return job


@dataclass(frozen=True)
class JobMeta:
    """Who a job is for: its place in the batch, its ledger key and config."""

    index: int
    key: str
    config: VideoConfig
    provider: ProviderName


def follow(
    meta: JobMeta,
    job: Callable[[threading.Event], Iterator[JobEvent]],
    cancel: threading.Event,
    ledger: Ledger,
    on_progress: Callable[[VideoProgress], None] | None = None,
    on_created: Callable[[], None] | None = None,
) -> VideoResult:
    """Run ``job`` to its end; never raises for a job's failure (it becomes the result's error).

    ``on_created`` runs once the create is in the ledger (or the job failed or ended first),
    so a budget reservation is released exactly when the spend is on record.
    """
    base = {"config": meta.config, "provider": public_name(meta.provider), "key": meta.key}
    job_id: str | None = None
    new_spend = 0.0
    resumed = False
    released = False
    try:
        for event in job(cancel):
            if isinstance(event, Created):
                # The first Created says whether this run made the job: a remix yields its
                # own, then the job loop follows that job as a resume.
                if job_id is None:
                    resumed = event.resumed
                job_id = event.job_id
                new_spend += 0.0 if event.resumed else event.billed_usd
                if on_created is not None and not released:
                    released = True
                    on_created()
            if isinstance(event, Done):
                result = event.result
                return VideoResult(
                    success=True,
                    video_path=result.clip_path,
                    thumbnail_path=result.thumbnail_path,
                    job_id=result.job_id,
                    cost_usd=created_usd(ledger, result.job_id) or result.billed_usd,
                    new_spend_usd=round(new_spend, 4),
                    resumed=resumed,
                    **base,
                )
            _report(meta, event, job_id, on_progress)
        raise RuntimeError("the job ended without a result")  # run_job always ends with Done
    except JobCancelledError:
        cost = created_usd(ledger, job_id) if job_id else 0.0
        return VideoResult(
            success=False,
            cancelled=True,
            job_id=job_id,
            cost_usd=cost,
            new_spend_usd=round(new_spend, 4),
            resumed=resumed,
            **base,
        )
    except Exception as exc:  # the job's boundary: a failure becomes the result's error
        log.info("job %s failed: %s", meta.key, type(exc).__name__, exc_info=True)
        cost = created_usd(ledger, job_id) if job_id else 0.0
        return VideoResult(
            success=False,
            error=JobError.from_exception(exc),
            job_id=job_id,
            cost_usd=cost,
            new_spend_usd=round(new_spend, 4),
            resumed=resumed,
            **base,
        )
    finally:
        if on_created is not None and not released:
            on_created()


def _report(
    meta: JobMeta,
    event: JobEvent,
    job_id: str | None,
    on_progress: Callable[[VideoProgress], None] | None,
) -> None:
    if on_progress is None:
        return
    if isinstance(event, Queued):
        fraction, message = -1.0, "queued"
    elif isinstance(event, Created):
        fraction, message = 0.0, f"{'resumed' if event.resumed else 'created'} job {event.job_id}"
    elif isinstance(event, Progress):
        fraction, message = event.fraction, event.message
    elif isinstance(event, Downloading):
        fraction, message = 1.0, "downloading"
    else:
        return
    report = VideoProgress(
        index=meta.index, key=meta.key, fraction=fraction, message=message, job_id=job_id
    )
    try:
        on_progress(report)
    except Exception:  # a script's callback must not lose a paid job
        log.exception("on_progress raised; the job goes on")
