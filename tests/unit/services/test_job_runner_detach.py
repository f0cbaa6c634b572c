"""Quitting stops following jobs but keeps them at the provider; Cancel cancels them there."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

import pytest

from imageai.core.errors import JobCancelledError
from imageai.core.job_loop import run_job
from imageai.core.stop_token import StopToken, keeps_remote
from imageai.services.job_runner import JobRunner, live_threads
from tests.fakes.fake_provider import FakeProvider
from tests.unit.core.test_job_loop import make_request

if TYPE_CHECKING:
    from pathlib import Path

    from pytestqt.qtbot import QtBot


def _follow_until_stopped(tmp_path: Path, stop: threading.Event) -> FakeProvider:
    provider = FakeProvider([0.5] * 1000)
    jobs = run_job(make_request(tmp_path), provider, stop)
    for event in jobs:
        if type(event).__name__ == "Progress":
            break
    if isinstance(stop, StopToken):
        stop.detach()
    else:
        stop.set()
    with pytest.raises(JobCancelledError):
        list(jobs)
    return provider


def test_a_detached_job_is_not_cancelled_at_the_provider(tmp_path: Path) -> None:
    provider = _follow_until_stopped(tmp_path, StopToken())
    assert provider.started == ["fake-s1-1"] and provider.cancelled == []


def test_a_cancelled_job_is_cancelled_at_the_provider(tmp_path: Path) -> None:
    provider = _follow_until_stopped(tmp_path, threading.Event())
    assert provider.cancelled == ["fake-s1-1"]
    assert not keeps_remote(threading.Event())


def _running(qtbot: QtBot, tmp_path: Path) -> tuple[JobRunner, FakeProvider]:
    runner = JobRunner(max_concurrency=2)
    provider = FakeProvider([0.5] * 10_000, poll_interval=0.02)
    runner.submit(lambda cancel: run_job(make_request(tmp_path), provider, cancel), "render-s1")
    with qtbot.wait_signal(runner.job_progress, timeout=5000):
        pass
    return runner, provider


def test_shutting_the_runner_down_keeps_paid_jobs_at_the_provider(
    qtbot: QtBot, tmp_path: Path
) -> None:
    runner, provider = _running(qtbot, tmp_path)
    assert runner.shutdown(5000)
    qtbot.wait_until(lambda: not live_threads(), timeout=5000)
    assert provider.started and provider.cancelled == []


def test_detach_all_keeps_them_and_cancel_cancels_them(qtbot: QtBot, tmp_path: Path) -> None:
    runner, provider = _running(qtbot, tmp_path)
    with qtbot.wait_signal(runner.job_cancelled, timeout=5000):
        runner.detach_all()
    assert provider.cancelled == []
    runner2, provider2 = _running(qtbot, tmp_path / "b")
    with qtbot.wait_signal(runner2.job_cancelled, timeout=5000):
        runner2.cancel("render-s1")
    assert provider2.cancelled == ["fake-s1-1"]
    assert runner.shutdown(5000) and runner2.shutdown(5000)
    qtbot.wait_until(lambda: not live_threads(), timeout=5000)
