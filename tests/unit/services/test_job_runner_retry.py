"""A job id can be submitted again as soon as its outcome is reported (Retry right after a failure)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from imageai.core.errors import NetworkError
from imageai.services import job_runner
from imageai.services.job_runner import JobRunner

if TYPE_CHECKING:
    import threading
    from collections.abc import Iterator

    from pytestqt.qtbot import QtBot


def _failing(cancel: threading.Event) -> Iterator[object]:
    raise NetworkError("Connection reset.")
    yield  # pragma: no cover - makes this a generator


def _ok(cancel: threading.Event) -> Iterator[object]:
    yield "step"


def test_resubmitting_from_the_failed_signal_does_not_collide(qtbot: QtBot) -> None:
    runner = JobRunner(1)
    retried: list[str] = []

    def retry(job_id: str, _error: object) -> None:
        if not retried:
            retried.append(runner.submit(_ok, job_id))

    runner.job_failed.connect(retry)
    with qtbot.wait_signal(runner.job_finished, timeout=5000) as finished:
        runner.submit(_failing, "render-a")
    assert retried == ["render-a"]
    assert finished.args[0] == "render-a"
    qtbot.wait_until(runner.is_idle, timeout=5000)
    qtbot.wait_until(lambda: not job_runner.live_threads(), timeout=5000)
