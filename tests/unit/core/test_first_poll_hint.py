"""A job just created is first polled at the provider's hint, not at once; a cancel then still
cancels it at the provider."""

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


def _record(monkeypatch: pytest.MonkeyPatch, provider: FakeProvider) -> list[object]:
    seen: list[object] = []
    real_poll, real_wait = provider.poll, job_loop._wait_or_cancel

    def poll(job_id: str) -> object:
        seen.append("poll")
        return real_poll(job_id)

    def wait(cancel: threading.Event, seconds: float, request: object) -> None:
        seen.append(seconds)
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
    assert seen[:2] == [0.5, "poll"]


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
