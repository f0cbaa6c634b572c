"""`JobRegistry`: a runner's signals, heard once and routed to the owner of each job's kind."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Slot

from imageai.services.job_keys import JobKey, JobKind

if TYPE_CHECKING:
    from collections.abc import Callable

    from imageai.services.job_runner import JobRunner


@dataclass(frozen=True, slots=True)
class JobHandlers:
    """What an owner wants to hear; each takes the runner signal's arguments (job id first)."""

    queued: Callable[[str], object] | None = None
    started: Callable[[str], object] | None = None
    event: Callable[[str, object], object] | None = None
    progress: Callable[[str, float, str], object] | None = None
    finished: Callable[[str, object], object] | None = None
    failed: Callable[[str, object], object] | None = None
    cancelled: Callable[[str], object] | None = None
    #: Names a job of this kind for the jobs panel.
    label: Callable[[str], str] | None = None


class JobRegistry(QObject):
    """One per `JobRunner` (`JobRegistry.of(runner)`), a child of it on the GUI thread.

    A job's id is parsed once, into a `JobKey`; its signals reach the owners routed to its kind
    (in the order they were routed), then the listeners of every job (the jobs panel). An id of
    no known kind reaches only those listeners.
    """

    def __init__(self, runner: JobRunner) -> None:
        super().__init__(runner)
        self._owners: dict[JobKind, list[JobHandlers]] = {}
        self._everyone: list[JobHandlers] = []
        runner.job_queued.connect(self._on_runner_job_queued)
        runner.job_started.connect(self._on_runner_job_started)
        runner.job_event.connect(self._on_runner_job_event)
        runner.job_progress.connect(self._on_runner_job_progress)
        runner.job_finished.connect(self._on_runner_job_finished)
        runner.job_failed.connect(self._on_runner_job_failed)
        runner.job_cancelled.connect(self._on_runner_job_cancelled)

    @classmethod
    def of(cls, runner: JobRunner) -> JobRegistry:
        """The runner's registry, made (and connected to it) on first use."""
        found = runner.findChild(cls)
        return found if isinstance(found, cls) else cls(runner)

    def route(self, kind: JobKind, handlers: JobHandlers) -> None:
        """Send the jobs of ``kind`` to ``handlers`` (bound methods of GUI-thread objects)."""
        self._owners.setdefault(kind, []).append(handlers)

    def route_all(self, handlers: JobHandlers) -> None:
        """Send every job to ``handlers``, after its kind's owners."""
        self._everyone.append(handlers)

    def label(self, job_id: str) -> str | None:
        """The name the owner of ``job_id``'s kind gives it, or None (no owner names it)."""
        for handlers in self._handlers(job_id, everyone=False):
            if handlers.label is not None:
                return handlers.label(job_id)
        return None

    def _handlers(self, job_id: str, everyone: bool = True) -> list[JobHandlers]:
        key = JobKey.parse(job_id)
        owners = [] if key is None else self._owners.get(key.kind, [])
        return [*owners, *self._everyone] if everyone else list(owners)

    def _send(self, name: str, job_id: str, *args: Any) -> None:
        for handlers in self._handlers(job_id):
            handler = getattr(handlers, name)
            if handler is not None:
                handler(job_id, *args)

    @Slot(str)
    def _on_runner_job_queued(self, job_id: str) -> None:
        self._send("queued", job_id)

    @Slot(str)
    def _on_runner_job_started(self, job_id: str) -> None:
        self._send("started", job_id)

    @Slot(str, object)
    def _on_runner_job_event(self, job_id: str, event: object) -> None:
        self._send("event", job_id, event)

    @Slot(str, float, str)
    def _on_runner_job_progress(self, job_id: str, fraction: float, message: str) -> None:
        self._send("progress", job_id, fraction, message)

    @Slot(str, object)
    def _on_runner_job_finished(self, job_id: str, result: object) -> None:
        self._send("finished", job_id, result)

    @Slot(str, object)
    def _on_runner_job_failed(self, job_id: str, error: object) -> None:
        self._send("failed", job_id, error)

    @Slot(str)
    def _on_runner_job_cancelled(self, job_id: str) -> None:
        self._send("cancelled", job_id)
