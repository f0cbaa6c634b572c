"""JobRunner slots: a job's concurrency slot frees when its generation ends, downloads share their own."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

import pytest

from imageai.core.job_loop import run_job
from imageai.services import job_runner
from imageai.services.job_runner import JobRunner, live_threads
from tests.fakes.fake_provider import FakeProvider
from tests.unit.core.test_job_loop import make_request

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from pytestqt.qtbot import QtBot


@pytest.fixture
def gate() -> Iterator[threading.Event]:
    event = threading.Event()
    yield event
    event.set()  # never leave a download blocked behind a failed assertion


def _submit(runner: JobRunner, provider: FakeProvider, tmp_path: Path, n: int) -> str:
    request = make_request(tmp_path, scene_id=f"s{n}")
    return runner.submit(lambda cancel: run_job(request, provider, cancel), f"job{n}")


def _wait_idle(qtbot: QtBot, runner: JobRunner) -> None:
    qtbot.wait_until(runner.is_idle, timeout=10_000)
    assert runner.shutdown(5000)
    qtbot.wait_until(lambda: not live_threads(), timeout=5000)


def test_a_downloading_job_frees_its_slot_for_the_next_create(
    qtbot: QtBot, tmp_path: Path, gate: threading.Event
) -> None:
    runner = JobRunner(max_concurrency=1)
    provider = FakeProvider(["done"])
    provider.download_gate = gate  # the first clip's download hangs until the gate opens
    _submit(runner, provider, tmp_path, 1)
    _submit(runner, provider, tmp_path, 2)

    # The second create goes out while the first job is still downloading.
    qtbot.wait_until(lambda: len(provider.started) == 2, timeout=5000)
    assert provider.downloading >= 1
    assert provider.max_active == 1  # never two generations at once
    gate.set()
    _wait_idle(qtbot, runner)
    assert provider.max_active == 1


def test_a_job_still_generating_keeps_its_slot(qtbot: QtBot, tmp_path: Path) -> None:
    runner = JobRunner(max_concurrency=1)
    hold = threading.Event()
    provider = FakeProvider([0.5, "done"], gate=hold)  # each poll waits for the gate
    _submit(runner, provider, tmp_path, 1)
    _submit(runner, provider, tmp_path, 2)
    qtbot.wait_until(lambda: len(provider.started) == 1, timeout=5000)
    qtbot.wait(200)
    assert provider.started == ["fake-s1-1"] and runner.generating_count() == 1
    hold.set()
    _wait_idle(qtbot, runner)
    assert len(provider.started) == 2 and provider.max_active == 1


def test_downloads_are_bounded_by_their_own_slots(
    qtbot: QtBot, tmp_path: Path, gate: threading.Event, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(job_runner, "DOWNLOAD_SLOTS", 2)
    runner = JobRunner(max_concurrency=4)
    provider = FakeProvider(["done"])
    provider.download_gate = gate
    for n in range(5):
        _submit(runner, provider, tmp_path, n)
    # All five generations end; only two downloads may run, the rest wait for a slot.
    qtbot.wait_until(lambda: len(provider.started) == 5 and provider.downloading == 2, timeout=5000)
    qtbot.wait(200)
    assert provider.downloading == 2
    gate.set()
    _wait_idle(qtbot, runner)
    assert provider.max_downloading == 2
    assert all((tmp_path / "clips" / f"s{n}.mp4").is_file() for n in range(5))


def test_cancel_while_waiting_for_a_download_slot(
    qtbot: QtBot, tmp_path: Path, gate: threading.Event, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(job_runner, "DOWNLOAD_SLOTS", 1)
    runner = JobRunner(max_concurrency=2)
    provider = FakeProvider(["done"])
    provider.download_gate = gate
    _submit(runner, provider, tmp_path, 1)
    _submit(runner, provider, tmp_path, 2)
    downloading: list[str] = []
    runner.job_event.connect(
        lambda job_id, event: (
            downloading.append(job_id) if type(event).__name__ == "Downloading" else None
        )
    )
    qtbot.wait_until(lambda: len(downloading) == 2 and provider.downloading == 1, timeout=5000)
    cancelled: list[str] = []
    runner.job_cancelled.connect(cancelled.append)
    runner.cancel("job1")
    runner.cancel("job2")
    # The job waiting for the slot ends at once; the one downloading is still in its download.
    qtbot.wait_until(lambda: len(cancelled) == 1, timeout=5000)
    assert provider.downloading == 1
    gate.set()
    _wait_idle(qtbot, runner)
    assert provider.downloading == 0 and len(cancelled) == 1
