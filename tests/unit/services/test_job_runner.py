"""JobRunner with pytest-qt: progress order, cancel, concurrency limit, no dangling threads."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

import pytest

from imageai.core.errors import ContentPolicyError, ErrorKind, JobError
from imageai.core.job_loop import run_job
from imageai.core.jobs import Done, Progress
from imageai.services.job_runner import JobRunner, live_threads
from tests.fakes.fake_provider import FakeProvider
from tests.unit.core.test_job_loop import make_request

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from pytestqt.qtbot import QtBot


@pytest.fixture
def runner(qtbot: QtBot) -> Iterator[JobRunner]:
    runner = JobRunner(max_concurrency=2)
    yield runner
    assert runner.shutdown(5000)
    qtbot.wait_until(lambda: not live_threads(), timeout=5000)


def test_progress_order_then_finished(qtbot: QtBot, runner: JobRunner, tmp_path: Path) -> None:
    provider = FakeProvider([0.3, 0.7, "done"], poll_interval=0.15)
    progress: list[float] = []
    runner.job_progress.connect(lambda _id, fraction, _msg: progress.append(fraction))
    with qtbot.wait_signal(runner.job_finished, timeout=5000) as finished:
        runner.submit(lambda cancel: run_job(make_request(tmp_path), provider, cancel), "j1")
    assert progress == [0.3, 0.7]
    job_id, result = finished.args
    assert job_id == "j1" and result.clip_path.is_file()
    qtbot.wait_until(lambda: runner.is_idle())


def test_failure_arrives_as_job_error(qtbot: QtBot, runner: JobRunner, tmp_path: Path) -> None:
    provider = FakeProvider([ContentPolicyError("The prompt was blocked.")])
    with qtbot.wait_signal(runner.job_failed, timeout=5000) as failed:
        runner.submit(lambda cancel: run_job(make_request(tmp_path), provider, cancel))
    error = failed.args[1]
    assert isinstance(error, JobError)
    assert (
        error.kind is ErrorKind.CONTENT_POLICY and error.user_message == "The prompt was blocked."
    )


def test_cancel_after_first_progress(qtbot: QtBot, runner: JobRunner, tmp_path: Path) -> None:
    provider = FakeProvider([0.1] * 1000, poll_interval=0.05)
    job_id = runner.submit(lambda cancel: run_job(make_request(tmp_path), provider, cancel))
    with qtbot.wait_signal(runner.job_progress, timeout=5000):
        pass
    with (
        qtbot.wait_signal(runner.job_cancelled, timeout=5000) as cancelled,
        qtbot.assert_not_emitted(runner.job_finished),
    ):
        assert runner.cancel(job_id)
    assert cancelled.args == [job_id]
    qtbot.wait_until(lambda: not live_threads(), timeout=5000)
    assert provider.cancelled


def test_concurrency_limit_respected(qtbot: QtBot, runner: JobRunner, tmp_path: Path) -> None:
    provider = FakeProvider([0.2, 0.5, "done"], poll_interval=0.05)
    finished: list[str] = []
    runner.job_finished.connect(lambda job_id, _r: finished.append(job_id))
    running_seen: list[int] = []
    runner.job_started.connect(lambda _id: running_seen.append(runner.generating_count()))
    for n in range(6):
        request = make_request(tmp_path, scene_id=f"s{n}")
        runner.submit(lambda cancel, r=request: run_job(r, provider, cancel))
    assert runner.running_count() == 2 and runner.pending_count() == 4
    qtbot.wait_until(lambda: len(finished) == 6, timeout=10000)
    assert max(running_seen) <= 2
    assert provider.max_active <= 2


def test_cancel_of_queued_job(qtbot: QtBot, tmp_path: Path) -> None:
    runner = JobRunner(max_concurrency=1)
    gate = threading.Event()
    provider = FakeProvider(["done"], gate=gate)
    runner.submit(lambda cancel: run_job(make_request(tmp_path), provider, cancel), "first")
    runner.submit(
        lambda cancel: run_job(make_request(tmp_path, scene_id="s2"), provider, cancel), "second"
    )
    with qtbot.wait_signal(runner.job_cancelled, timeout=2000) as cancelled:
        runner.cancel("second")
    assert cancelled.args == ["second"]
    gate.set()
    with qtbot.wait_signal(runner.idle, timeout=5000):
        pass
    assert provider.started == ["fake-s1-1"]
    assert runner.shutdown(2000)


def test_job_error_outside_provider_is_contained(qtbot: QtBot, runner: JobRunner) -> None:
    def broken(cancel: threading.Event) -> Iterator[object]:
        yield Progress(scene_id="x", fraction=0.5, message="")
        raise RuntimeError("bug")

    with qtbot.wait_signal(runner.job_failed, timeout=5000) as failed:
        runner.submit(broken)
    assert failed.args[1].kind is ErrorKind.UNKNOWN


def test_shutdown_cancels_running_jobs(qtbot: QtBot, tmp_path: Path) -> None:
    runner = JobRunner(max_concurrency=3)
    provider = FakeProvider([0.1] * 10_000, poll_interval=0.05)
    for n in range(3):
        request = make_request(tmp_path, scene_id=f"s{n}")
        runner.submit(lambda cancel, r=request: run_job(r, provider, cancel))
    qtbot.wait_until(lambda: runner.running_count() == 3)
    assert runner.shutdown(3000)
    assert not live_threads()


def test_done_result_passes_through(qtbot: QtBot, runner: JobRunner, tmp_path: Path) -> None:
    events: list[object] = []
    runner.job_event.connect(lambda _id, event: events.append(event))
    with qtbot.wait_signal(runner.job_finished, timeout=5000):
        runner.submit(lambda cancel: run_job(make_request(tmp_path), FakeProvider(), cancel))
    assert isinstance(events[-1], Done)
