"""run_job with a scripted fake provider: event order, resume, retries, cancel, deadline."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

import pytest

from imageai.core.errors import (
    AuthError,
    ContentPolicyError,
    JobCancelledError,
    JobTimeoutError,
    NetworkError,
    NotFoundError,
    PermissionDeniedError,
    QuotaError,
    RateLimitError,
)
from imageai.core.job_loop import run_job
from imageai.core.jobs import Created, Done, Downloading, JobRequest, Progress, Queued
from imageai.core.ledger import Ledger
from imageai.core.models import AnimaticSettings, ProviderName
from imageai.core.shot import ShotSpec
from tests.fakes.fake_provider import FakeProvider

if TYPE_CHECKING:
    from pathlib import Path


def make_request(tmp_path: Path, **changes: object) -> JobRequest:
    request = JobRequest(
        scene_id="s1",
        index=1,
        spec=ShotSpec(provider=ProviderName.ANIMATIC, model="animatic", seconds=4, size="640x360"),
        prompt="a fox",
        settings=AnimaticSettings(),
        project_dir=tmp_path,
    )
    return request.model_copy(update=changes)


def test_events_in_order(tmp_path: Path) -> None:
    provider = FakeProvider([0.3, 0.7, "done"])
    events = list(run_job(make_request(tmp_path), provider, threading.Event()))
    kinds = [type(e) for e in events]
    assert kinds == [Queued, Created, Progress, Progress, Downloading, Done]
    assert [e.fraction for e in events if isinstance(e, Progress)] == [0.3, 0.7]
    done = events[-1]
    assert isinstance(done, Done) and done.result.clip_path.is_file()


def test_resume_polls_without_creating(tmp_path: Path) -> None:
    provider = FakeProvider(["done"])
    events = list(
        run_job(make_request(tmp_path, resume_job_id="old-1"), provider, threading.Event())
    )
    assert provider.started == []
    created = events[1]
    assert isinstance(created, Created) and created.resumed and created.job_id == "old-1"


def test_transient_poll_errors_are_retried(tmp_path: Path) -> None:
    provider = FakeProvider(
        [NetworkError("reset"), RateLimitError("slow", retry_after=0.0), 0.5, "done"]
    )
    # Each poll pops the next step: fail, fail, then progress and completion.
    events = list(run_job(make_request(tmp_path), provider, threading.Event()))
    assert isinstance(events[-1], Done)
    assert len(provider.started) == 1


def test_final_poll_error_raises(tmp_path: Path) -> None:
    provider = FakeProvider([ContentPolicyError("blocked")])
    with pytest.raises(ContentPolicyError):
        list(run_job(make_request(tmp_path), provider, threading.Event()))


def test_cancel_mid_job_stops_and_cancels_remote(tmp_path: Path) -> None:
    cancel = threading.Event()
    provider = FakeProvider([0.1, 0.2, 0.3, "done"])
    seen: list[object] = []

    def consume() -> None:
        for event in run_job(make_request(tmp_path), provider, cancel):
            seen.append(event)
            if isinstance(event, Progress):
                cancel.set()

    with pytest.raises(JobCancelledError):
        consume()
    assert provider.cancelled == ["fake-s1-1"]
    assert not any(isinstance(e, Done) for e in seen)


def test_deadline_keeps_job_id(tmp_path: Path) -> None:
    ticks = iter(range(0, 10_000, 100))
    provider = FakeProvider([0.1])
    with pytest.raises(JobTimeoutError) as err:
        list(
            run_job(
                make_request(tmp_path, deadline_s=150),
                provider,
                threading.Event(),
                clock=lambda: float(next(ticks)),
            )
        )
    assert err.value.detail == "fake-s1-1"


def test_journal_records_every_billable_step(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "ledger.jsonl")
    list(run_job(make_request(tmp_path), FakeProvider(), threading.Event(), journal=ledger))
    assert [e.event for e in ledger.entries()] == ["intent", "created", "completed", "downloaded"]
    assert ledger.spent_by_scene() == {"s1": pytest.approx(0.4)}
    assert ledger.open_job("s1", make_request(tmp_path).fingerprint()) is None


def test_failed_create_is_journaled(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "ledger.jsonl")
    provider = FakeProvider(start_error=ContentPolicyError("no"))
    with pytest.raises(ContentPolicyError):
        list(run_job(make_request(tmp_path), provider, threading.Event(), journal=ledger))
    assert [e.event for e in ledger.entries()] == ["intent", "failed"]


@pytest.mark.parametrize(
    "error", [AuthError("key revoked"), QuotaError("daily quota"), PermissionDeniedError("no")]
)
def test_caller_side_poll_errors_keep_the_paid_job_open(tmp_path: Path, error: Exception) -> None:
    """A revoked key or a spent quota says nothing about the job: it may still finish (billed)."""
    ledger = Ledger(tmp_path / "ledger.jsonl")
    request = make_request(tmp_path)
    with pytest.raises(type(error)):
        list(run_job(request, FakeProvider([error]), threading.Event(), journal=ledger))
    assert ledger.open_job("s1", request.fingerprint()) == "fake-s1-1"


def test_a_job_that_is_gone_is_closed(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "ledger.jsonl")
    request = make_request(tmp_path)
    with pytest.raises(NotFoundError):
        list(
            run_job(
                request, FakeProvider([NotFoundError("gone")]), threading.Event(), journal=ledger
            )
        )
    assert ledger.open_job("s1", request.fingerprint()) is None
