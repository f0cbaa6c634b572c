"""run_job's money rules: Retry-After honoured, final errors not retried, lost creates settled right."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

import pytest

from imageai.core.errors import (
    AuthError,
    NetworkError,
    NotFoundError,
    OutcomeUnknownError,
    RateLimitError,
)
from imageai.core.job_loop import MAX_POLL_FAILURES, recover_lost_create, run_job
from imageai.core.jobs import Created, JobRequest, StartedJob
from imageai.core.ledger import Ledger
from imageai.core.models import ProviderName
from tests.fakes.fake_provider import FakeProvider
from tests.unit.core.test_job_loop import make_request

if TYPE_CHECKING:
    from pathlib import Path


class RecordingCancel(threading.Event):
    """A cancel event that never fires and keeps every wait asked of it (no real sleeping)."""

    def __init__(self) -> None:
        super().__init__()
        self.waits: list[float | None] = []

    def wait(self, timeout: float | None = None) -> bool:
        self.waits.append(timeout)
        return False


class ListingProvider(FakeProvider):
    """A provider whose API lists its jobs (a `settling.JobFinder`): ``listed`` all match."""

    reconcile_delays: tuple[float, ...] = (0.0, 0.0)

    def __init__(self, listed: list[str], lose_answers: int = 0) -> None:
        super().__init__(("done",), name=ProviderName.SORA, lose_answers=lose_answers)
        self.listed = listed
        self.excluded: list[frozenset[str]] = []

    def find_existing(self, request: JobRequest, exclude: frozenset[str]) -> StartedJob | None:
        self.excluded.append(exclude)
        job_id = next((j for j in self.listed if j not in exclude), None)
        return StartedJob(job_id=job_id, billed_usd=0.4) if job_id else None


def _sora(tmp_path: Path, scene_id: str = "s1") -> JobRequest:
    request = make_request(tmp_path, scene_id=scene_id)
    spec = request.spec.model_copy(update={"provider": ProviderName.SORA, "model": "sora-2"})
    return request.model_copy(update={"spec": spec})


def test_retry_after_on_a_poll_error_is_honoured(tmp_path: Path) -> None:
    provider = FakeProvider([RateLimitError("slow down", retry_after=7.0), "done"])
    provider.poll_interval = 0.01
    cancel = RecordingCancel()
    list(run_job(make_request(tmp_path), provider, cancel))
    assert any(w is not None and 6.0 <= w <= 8.0 for w in cancel.waits), cancel.waits


def test_a_poll_error_without_retry_after_backs_off(tmp_path: Path) -> None:
    provider = FakeProvider([NetworkError("reset"), NetworkError("reset"), "done"])
    provider.poll_interval = 1.0
    cancel = RecordingCancel()
    list(run_job(make_request(tmp_path), provider, cancel))
    waits = [w for w in cancel.waits if w]
    assert len(waits) == 2 and waits[1] > waits[0]


def test_a_final_error_on_a_poll_is_not_retried(tmp_path: Path) -> None:
    provider = FakeProvider([AuthError("the key was revoked"), "done"])
    with pytest.raises(AuthError):
        list(run_job(make_request(tmp_path), provider, RecordingCancel()))
    assert sum(provider.polls.values()) == 1


def test_transient_poll_errors_are_retried_up_to_the_limit(tmp_path: Path) -> None:
    errors = [NetworkError("reset")] * MAX_POLL_FAILURES
    provider = FakeProvider([*errors, "done"])
    list(run_job(make_request(tmp_path), provider, RecordingCancel()))
    provider = FakeProvider([NetworkError("reset")] * (MAX_POLL_FAILURES + 2))
    with pytest.raises(NetworkError):
        list(run_job(make_request(tmp_path), provider, RecordingCancel()))
    assert sum(provider.polls.values()) == MAX_POLL_FAILURES + 1


def test_a_job_that_no_longer_exists_is_closed_in_the_ledger(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "ledger.jsonl")
    provider = FakeProvider([NotFoundError("gone")])
    with pytest.raises(NotFoundError):
        list(run_job(make_request(tmp_path), provider, RecordingCancel(), ledger))
    assert ledger.open_job("s1", make_request(tmp_path).fingerprint()) is None


def test_a_lost_create_never_adopts_another_scenes_job(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "ledger.jsonl")
    other = _sora(tmp_path, "s2")
    ledger.intent(other)
    ledger.created(other, "video_of_s2", 0.4)
    # Both videos match what scene 1 asked for; only the one no scene has is scene 1's.
    provider = ListingProvider(["video_of_s2", "video_new"], lose_answers=1)
    events = list(run_job(_sora(tmp_path), provider, RecordingCancel(), ledger))
    created = [e for e in events if isinstance(e, Created)]
    assert [e.job_id for e in created] == ["video_new"]
    assert "video_of_s2" in provider.excluded[0]
    assert ledger.spent_by_scene()["s2"] == pytest.approx(0.4)


def test_recovery_after_a_crash_never_adopts_another_scenes_job(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "ledger.jsonl")
    other = _sora(tmp_path, "s2")
    ledger.intent(other)
    ledger.created(other, "video_of_s2", 0.4)
    request = _sora(tmp_path)
    ledger.intent(request)  # the app stopped before the create's answer came
    provider = ListingProvider(["video_of_s2", "video_new"])
    resumed = recover_lost_create(request, provider, ledger, RecordingCancel())
    assert resumed.resume_job_id == "video_new"


def test_a_created_entry_settles_its_intent(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "ledger.jsonl")
    request = _sora(tmp_path)
    ledger.intent(request)
    ledger.created(request, "video_1", 0.4)
    provider = FakeProvider(name=ProviderName.SORA)  # cannot list: an open intent would fail
    assert recover_lost_create(request, provider, ledger) == request
    assert ledger.unsettled_intents() == {}
    lines = ledger.path.read_text().count("\n")
    assert lines == 2  # nothing recorded: there was nothing to settle


def test_an_intent_without_its_created_is_outcome_unknown(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "ledger.jsonl")
    request = _sora(tmp_path)
    ledger.intent(request)
    with pytest.raises(OutcomeUnknownError):
        recover_lost_create(request, FakeProvider(name=ProviderName.SORA), ledger)
    assert ledger.unsettled_intents() == {"s1": 1}
