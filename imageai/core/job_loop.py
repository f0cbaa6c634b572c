"""`run_job`: the pure create -> poll -> download loop every render goes through (no Qt)."""

from __future__ import annotations

import logging
import random
import threading
import time
from typing import TYPE_CHECKING

from imageai.core import settling
from imageai.core.errors import (
    JobCancelledError,
    JobTimeoutError,
    NotFoundError,
    OutcomeUnknownError,
    ProviderError,
)
from imageai.core.job_endpoint import (
    EndpointMovedError,
    EndpointRecord,
    moved,
    provider_endpoint,
)
from imageai.core.jobs import (
    Created,
    Done,
    Downloading,
    JobEvent,
    JobRequest,
    Journal,
    PollState,
    Progress,
    Queued,
    StartedJob,
    VideoProvider,
)
from imageai.core.journal_guard import GuardedJournal
from imageai.core.stop_token import keeps_remote
from imageai.core.thumbnails import ensure_thumbnail

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from imageai.core.ledger import Ledger, LedgerEntry

log = logging.getLogger(__name__)

#: Longest wait between polls when the provider gives no hint (backoff ceiling).
MAX_POLL_INTERVAL = 20.0
#: Consecutive transient poll failures tolerated before the job fails.
MAX_POLL_FAILURES = 8
LOOKING_MESSAGE = "The create's answer was lost; looking for the video in the account's list."


#: The clock polls are scheduled by (a test moves it by hand).
_now = time.monotonic


def _jittered(seconds: float) -> float:
    # Jitter keeps many jobs started together from polling in lockstep.
    return seconds * random.uniform(0.9, 1.1)


def run_job(
    request: JobRequest,
    provider: VideoProvider,
    cancel: threading.Event,
    journal: Journal | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> Iterator[JobEvent]:
    """Render one scene, yielding events; every yield is a progress report and a stop point.

    Raises:
        JobCancelledError: ``cancel`` was set.
        ProviderError: the provider failed; the job id, if any, stays in the journal.
        LedgerWriteError: the intent could not be written, so nothing was created. Later
            ledger writes that fail are retried and reported, never fatal: the job is paid.
    """
    scene_id = request.scene_id
    ledger = GuardedJournal(journal)
    # The ledger records where each create goes: a job id means something only there.
    request = request.model_copy(update={"endpoint": provider_endpoint(provider)})
    yield Queued(scene_id=scene_id)
    if cancel.is_set():
        raise JobCancelledError(scene_id)
    started = clock()
    first_due: float | None = None
    if request.resume_job_id:
        job_id = request.resume_job_id
        _check_same_endpoint(request, job_id, journal)
        yield Created(scene_id=scene_id, job_id=job_id, billed_usd=0.0, resumed=True)
    else:
        provider.validate(request)
        ledger.intent(request)
        try:
            job = provider.start(request)
        except OutcomeUnknownError as exc:
            # The create may be billed: never sent again here. Where the API lists its jobs,
            # look for it long enough to outlast a list that lags behind the create.
            finder, entries = _finder(provider), getattr(journal, "entries", None)
            if finder is None or entries is None:
                ledger.failed(request, None, exc.kind.value, exc.user_message)
                raise
            yield Progress(scene_id=scene_id, fraction=-1.0, message=LOOKING_MESSAGE)
            found = find_lost_create(request, finder, entries(), cancel, finder.reconcile_delays)
            if found is None:
                ledger.failed(request, None, exc.kind.value, NOT_FOUND_MESSAGE)
                raise OutcomeUnknownError(NOT_FOUND_MESSAGE, detail=exc.detail) from exc
            log.info("adopted %s, made by the create whose answer was lost", found.job_id)
            job = StartedJob(job_id=found.job_id, billed_usd=provider.estimate(request))
        except ProviderError as exc:
            ledger.failed(request, None, exc.kind.value, exc.user_message)
            raise
        answered = _now()
        job_id = job.job_id
        # The job is paid for now: a ledger that cannot take the line must not lose its id.
        # Created still goes out (project.json records the id) and the write is retried.
        ledger.created(request, job_id, job.billed_usd)
        yield Created(scene_id=scene_id, job_id=job_id, billed_usd=job.billed_usd)
        # A job just created is not done: the first poll waits for the hint, counted from
        # the create's answer.
        first_due = answered + job.poll_after if job.poll_after else None

    try:
        yield from _poll_until_done(
            request, provider, cancel, job_id, started, clock, ledger, first_due
        )
    except JobCancelledError:
        if not keeps_remote(cancel):  # detached (the app quits): the paid job lives on
            provider.cancel(job_id)
        raise
    ledger.completed(request, job_id)
    yield Downloading(scene_id=scene_id, job_id=job_id)
    result = provider.download(job_id, request, cancel)
    ledger.downloaded(request, result)
    # Cosmetic, after the paid clip is journalled: a picture for every provider's clip.
    result = ensure_thumbnail(result, request.project_dir)
    if ledger.pending:
        # Failing the job now would drop a paid clip; say it plainly and keep the clip.
        message = ledger.report(job_id)
        log.warning("%s: %s", scene_id, message)
        yield Progress(scene_id=scene_id, fraction=1.0, message=message)
    yield Done(result=result)


def _check_same_endpoint(request: JobRequest, job_id: str, journal: Journal | None) -> None:
    """Refuse to resume a job the ledger says was created on another endpoint.

    Polled here it would be "not found", the ledger would close it and the scene would be
    created (paid) again. Nothing is polled and nothing written: the job stays open, counted
    by the budget, for when the endpoint is switched back.

    Raises:
        EndpointMovedError: the job was created elsewhere.
    """
    record: object = journal  # a Ledger or SceneJournal can say; other journals cannot
    if not isinstance(record, EndpointRecord):
        return
    created = record.created_endpoint(job_id)
    if moved(created, request.endpoint):
        raise EndpointMovedError(request, job_id, created, request.endpoint)


def _poll_until_done(
    request: JobRequest,
    provider: VideoProvider,
    cancel: threading.Event,
    job_id: str,
    started: float,
    clock: Callable[[], float],
    ledger: GuardedJournal,
    due: float | None,
) -> Iterator[JobEvent]:
    """Poll until the job ends; ``due`` is when the first poll is due (`_now`), None for at once."""
    interval = provider.poll_interval
    failures = 0
    while True:
        if due is not None:
            _wait_or_cancel(cancel, due - _now(), request)
            due = None
        if cancel.is_set():
            raise JobCancelledError(request.scene_id)
        polled_at = _now()
        try:
            status = provider.poll(job_id)
        except ProviderError as exc:
            failures += 1
            if exc.final or failures > MAX_POLL_FAILURES:
                # Only "this job does not exist" ends the job. After an outage, a revoked key,
                # a lost permission or a spent quota the job may still finish remotely, so the
                # ledger keeps it open: the next render polls it instead of paying again.
                if isinstance(exc, NotFoundError):
                    ledger.failed(request, job_id, exc.kind.value, exc.user_message)
                raise
            wait = exc.retry_after or min(MAX_POLL_INTERVAL, provider.poll_interval * 2**failures)
            log.info("poll of %s failed (%s); retrying in %.1fs", job_id, exc.kind, wait)
            _wait_or_cancel(cancel, _jittered(wait), request)
            continue
        failures = 0
        ledger.flush()  # a ledger write refused earlier (disk full) goes in as soon as it can
        if status.state is PollState.COMPLETED:
            return
        if status.state is PollState.FAILED:
            error = status.error or ProviderError("The provider reported the job failed.")
            ledger.failed(request, job_id, error.kind.value, error.user_message)
            raise error
        yield Progress(scene_id=request.scene_id, fraction=status.fraction, message=status.message)
        if clock() - started > request.deadline_s:
            message = (
                f"Gave up waiting after {request.deadline_s:.0f} s; job {job_id} is kept "
                "and can be resumed later."
            )
            raise JobTimeoutError(message, detail=job_id)
        if status.poll_after is not None:
            due = _next_due(polled_at, status.poll_after)
        else:
            wait, interval = interval, min(MAX_POLL_INTERVAL, interval * 1.5)
            _wait_or_cancel(cancel, _jittered(wait), request)


def _next_due(polled_at: float, hint: float) -> float:
    """When to poll next on the provider's hint: ``hint`` after this poll was sent.

    Counted from the send, not the answer, so a poll's round trip does not stretch every
    interval (at a 0.5 s hint and 0.2 s round trips, a finished job would be seen 0.35 s
    late on average instead of 0.25 s). No jitter: the server set the cadence, and jobs
    created at different moments already poll at different phases.
    """
    return polled_at + hint


def _wait_or_cancel(cancel: threading.Event, seconds: float, request: JobRequest) -> None:
    if cancel.wait(seconds if seconds > 0 else 0):
        raise JobCancelledError(request.scene_id)


LOST_CREATE_MESSAGE = (
    "A create for this scene was sent before the app stopped, and {provider} offers no way to "
    "look it up, so it is unknown whether it was accepted (and billed). Check the provider's "
    "console; rendering the scene again creates a new job."
)
NOT_FOUND_MESSAGE = (
    "The answer to this scene's create was lost and the video did not appear in the account's "
    "list, so it is unknown whether it was accepted: possibly billed. Check the account's "
    "videos; rendering this scene again (by its number) looks once more, then creates a new one."
)


def _finder(provider: VideoProvider) -> settling.JobFinder | None:
    """The provider as a finder of lost creates, when its API can list jobs (Sora can)."""
    return provider if isinstance(provider, settling.JobFinder) else None


def find_lost_create(
    request: JobRequest,
    finder: settling.JobFinder,
    entries: list[LedgerEntry],
    cancel: threading.Event,
    delays: tuple[float, ...],
) -> StartedJob | None:
    """The job a lost create of ``request`` made, looked for over ``delays``: only a job no
    ledger line gives to any scene, matched by what was asked (never by the clock)."""
    known = settling.known_job_ids(entries)
    return settling.reconcile(
        lambda: finder.find_existing(request, known), cancel, delays, label=request.scene_id
    )


def recover_lost_create(
    request: JobRequest,
    provider: VideoProvider,
    ledger: Ledger,
    cancel: threading.Event | None = None,
) -> JobRequest:
    """Before creating: settle a create whose outcome was never learned (crash, lost answer).

    The rule of what is open is `settling.open_intents`. A provider that can list
    (`settling.JobFinder`) is asked for the job, over its full reconcile schedule the first
    time and once after the user was told; if found it is recorded as created and resumed.
    Not found, or without a way to look, the scene fails as outcome unknown (possibly billed)
    once; rendering it again after that is the user's word to create anew.

    Raises:
        OutcomeUnknownError: the job was not found, or cannot be looked for (first time only).
        EndpointMovedError: the create was sent to another endpoint than the provider's.
        JobCancelledError: ``cancel`` was set while looking; the intent stays open.
    """
    if request.resume_job_id or request.provider.value == "animatic":
        return request
    request = request.model_copy(update={"endpoint": provider_endpoint(provider)})
    entries = ledger.entries()
    intent = settling.open_intent(entries, request.scene_id, request.fingerprint())
    if intent is None:
        return request
    if moved(intent.entry.endpoint, request.endpoint):
        # Only the list of the endpoint it was sent to can hold it; searched elsewhere it is
        # "not found" and the user would be led to create (pay) again. Nothing is written.
        raise EndpointMovedError(request, None, intent.entry.endpoint, request.endpoint)
    finder = _finder(provider)
    if finder is not None:
        delays = () if intent.told else finder.reconcile_delays
        found = find_lost_create(request, finder, entries, cancel or threading.Event(), delays)
        if found is not None:
            log.info(
                "adopted %s, created before the app stopped, for %s", found.job_id, request.scene_id
            )
            ledger.created(request, found.job_id, provider.estimate(request))
            return request.model_copy(update={"resume_job_id": found.job_id})
    if intent.told:
        log.info(
            "creating %s again: the user was told its last create is unknown", request.scene_id
        )
        return request
    if finder is not None:
        message = NOT_FOUND_MESSAGE
    else:
        message = LOST_CREATE_MESSAGE.format(provider=request.provider.value.title())
    ledger.failed(request, None, OutcomeUnknownError.kind.value, message)
    raise OutcomeUnknownError(message, detail=f"intent at {intent.entry.ts:.0f}")
