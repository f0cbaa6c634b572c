"""`JobRegistry`: each runner signal reaches the owner of the job's kind, and no other owner."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from imageai.core.errors import ErrorKind, JobError
from imageai.services.job_keys import JobKey, JobKind
from imageai.services.job_registry import JobHandlers, JobRegistry
from imageai.services.job_runner import JobRunner

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

IDS = {
    JobKind.RENDER: str(JobKey.render("s1")),
    JobKind.REMIX: str(JobKey.remix("s1", 2)),
    JobKind.IMAGE: str(JobKey.image(1)),
    JobKind.EXPORT: str(JobKey.export()),
    JobKind.SAVE_AS: str(JobKey.save_as()),
}


class Recorder:
    """Notes every call it hears as (name, args)."""

    def __init__(self) -> None:
        self.heard: list[tuple[str, tuple[object, ...]]] = []

    def handlers(self, label: str | None = None) -> JobHandlers:
        def note(name: str):  # type: ignore[no-untyped-def]
            return lambda *args: self.heard.append((name, args))

        names = ("queued", "started", "event", "progress", "finished", "failed", "cancelled")
        return JobHandlers(
            **{n: note(n) for n in names},
            label=None if label is None else (lambda _job_id: label),
        )


def emit_all(runner: JobRunner, job_id: str) -> None:
    error = JobError(kind=ErrorKind.UNKNOWN, user_message="x")
    runner.job_queued.emit(job_id)
    runner.job_started.emit(job_id)
    runner.job_event.emit(job_id, "event")
    runner.job_progress.emit(job_id, 0.5, "half")
    runner.job_finished.emit(job_id, "result")
    runner.job_failed.emit(job_id, error)
    runner.job_cancelled.emit(job_id)


@pytest.fixture
def runner(qtbot: QtBot) -> JobRunner:
    return JobRunner(max_concurrency=1)


@pytest.mark.parametrize("kind", list(JobKind))
def test_an_event_reaches_only_the_owner_of_its_kind(runner: JobRunner, kind: JobKind) -> None:
    registry = JobRegistry.of(runner)
    owners = {k: Recorder() for k in JobKind}
    for k, recorder in owners.items():
        registry.route(k, recorder.handlers())
    emit_all(runner, IDS[kind])
    assert [name for name, _ in owners[kind].heard] == [
        "queued",
        "started",
        "event",
        "progress",
        "finished",
        "failed",
        "cancelled",
    ]
    assert owners[kind].heard[3] == ("progress", (IDS[kind], 0.5, "half"))
    assert all(not r.heard for k, r in owners.items() if k is not kind)


def test_listeners_of_every_job_hear_after_the_owner_and_foreign_ids_only_reach_them(
    runner: JobRunner,
) -> None:
    registry = JobRegistry.of(runner)
    order: list[str] = []
    registry.route(JobKind.RENDER, JobHandlers(finished=lambda *_: order.append("owner")))
    registry.route_all(JobHandlers(finished=lambda *_: order.append("everyone")))
    runner.job_finished.emit("render-s1", None)
    runner.job_finished.emit("key-openai", None)
    assert order == ["owner", "everyone", "everyone"]


def test_the_registry_is_one_per_runner(runner: JobRunner) -> None:
    assert JobRegistry.of(runner) is JobRegistry.of(runner)
    assert JobRegistry.of(JobRunner(1, runner)) is not JobRegistry.of(runner)


def test_labels_come_from_the_owner_of_the_kind(runner: JobRunner) -> None:
    registry = JobRegistry.of(runner)
    registry.route(JobKind.REMIX, Recorder().handlers(label="Remix of scene 1"))
    registry.route(JobKind.RENDER, Recorder().handlers())
    assert registry.label(IDS[JobKind.REMIX]) == "Remix of scene 1"
    assert registry.label(IDS[JobKind.RENDER]) is None
    assert registry.label("remix-") is None
