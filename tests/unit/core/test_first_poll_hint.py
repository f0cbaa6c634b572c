"""A job just created is first polled at the provider's hint, not at once; later polls keep the
provider's cadence counted from each poll's send; a cancel during a wait still cancels the job."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

import pytest

from imageai.core import job_loop
from imageai.core.errors import JobCancelledError
from imageai.core.job_loop import run_job
from tests.fakes.fake_provider import FakeProvider
from tests.unit.core.test_job_loop import make_request

if TYPE_CHECKING:
    from pathlib import Path

    from imageai.core.jobs import PollStatus


def _record(monkeypatch: pytest.MonkeyPatch, provider: FakeProvider) -> list[object]:
    seen: list[object] = []
    real_poll, real_wait = provider.poll, job_loop._wait_or_cancel

    def poll(job_id: str) -> object:
        seen.append("poll")
        return real_poll(job_id)

    def wait(cancel: threading.Event, seconds: float, request: object) -> None:
        seen.append(round(seconds, 3))
        real_wait(cancel, 0, request)  # type: ignore[arg-type]

    monkeypatch.setattr(provider, "poll", poll)
    monkeypatch.setattr(job_loop, "_wait_or_cancel", wait)
    return seen


def test_the_first_poll_waits_for_the_hint_the_create_gave(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    provider = FakeProvider(["done"])
    provider.first_poll_after = 0.5
    seen = _record(monkeypatch, provider)
    list(run_job(make_request(tmp_path), provider, threading.Event()))
    assert seen[0] == pytest.approx(0.5, abs=0.05)
    assert seen[1] == "poll"


class _HintedProvider(FakeProvider):
    """Polls take ``round_trip`` seconds of the fake clock and ask for the next at ``hint``."""

    def __init__(self, clock: list[float], round_trip: float, hint: float) -> None:
        super().__init__([0.3, 0.6, "done"])
        self.first_poll_after = hint
        self.clock, self.round_trip, self.hint = clock, round_trip, hint

    def poll(self, job_id: str) -> PollStatus:
        self.clock[0] += self.round_trip
        status = super().poll(job_id)
        return status.model_copy(update={"poll_after": self.hint})


def test_polls_keep_the_hinted_cadence_from_each_send_not_from_each_answer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Waiting the whole hint after each answer would stretch every interval by the round trip,
    # and a finished job would be noticed later on average.
    clock = [100.0]
    monkeypatch.setattr(job_loop, "_now", lambda: clock[0])
    waits: list[float] = []

    def wait(cancel: threading.Event, seconds: float, request: object) -> None:
        waits.append(round(seconds, 6))
        clock[0] += max(seconds, 0.0)

    monkeypatch.setattr(job_loop, "_wait_or_cancel", wait)
    provider = _HintedProvider(clock, round_trip=0.2, hint=0.5)
    list(run_job(make_request(tmp_path), provider, threading.Event()))
    assert provider.polls and next(iter(provider.polls.values())) == 3
    assert waits == [0.5, 0.3, 0.3]


def test_without_a_hint_the_first_poll_is_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    provider = FakeProvider(["done"])
    seen = _record(monkeypatch, provider)
    list(run_job(make_request(tmp_path), provider, threading.Event()))
    assert seen[0] == "poll"


def test_a_cancel_during_the_first_wait_cancels_the_job_at_the_provider(
    tmp_path: Path,
) -> None:
    provider = FakeProvider(["done"])
    provider.first_poll_after = 30.0
    cancel = threading.Event()
    jobs = run_job(make_request(tmp_path), provider, cancel)
    for event in jobs:
        if type(event).__name__ == "Created":
            break
    cancel.set()
    with pytest.raises(JobCancelledError):
        next(jobs)
    assert provider.cancelled == provider.started and provider.polls == {}
