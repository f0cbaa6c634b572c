"""`JobRunner`: runs job generators in QThread workers under a concurrency limit."""

from __future__ import annotations

import itertools
import logging
import threading
import time
import weakref
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from PySide6.QtCore import QObject, QThread, QTimer, Signal, Slot

from imageai.core.errors import JobCancelledError, JobError
from imageai.core.jobs import Done, Downloading, Progress
from imageai.core.stop_token import StopToken
from imageai.services.emit_refcount import keep_singletons_alive

log = logging.getLogger(__name__)

#: A job: given its cancel event, yields events; the last `Done` carries the result.
JobFn = Callable[[threading.Event], Iterator[object]]

#: Progress signals faster than this are coalesced (the GUI needs no more than ~10/s).
PROGRESS_MIN_INTERVAL = 0.1
#: How often the GUI thread looks again for job threads that announced their end but still run.
REAP_INTERVAL_MS = 5
#: Downloads in flight at once, across all jobs. They run outside the generation slots (the
#: provider's limit is on generations), so a finished job never holds up the next create.
DOWNLOAD_SLOTS = 4
#: How often a job waiting for a download slot looks at its cancel flag.
DOWNLOAD_WAIT_S = 0.05

_threads: weakref.WeakSet[QThread] = weakref.WeakSet()


def live_threads() -> list[QThread]:
    """Job threads still running, in every runner (tests check none is left behind)."""
    alive = []
    for thread in list(_threads):
        try:
            if thread.isRunning():
                alive.append(thread)
        except RuntimeError:  # the C++ object is already deleted
            continue
    return alive


class JobWorker(QObject):
    """Runs one job on its thread and reports by signals; nothing escapes `run()`."""

    yielded = Signal(str, object)
    progress = Signal(str, float, str)
    succeeded = Signal(str, object)
    failed = Signal(str, object)
    cancelled = Signal(str)
    done = Signal()

    def __init__(
        self,
        job_id: str,
        fn: JobFn,
        cancel: threading.Event,
        downloads: threading.Semaphore | None = None,
    ) -> None:
        super().__init__()
        self._job_id = job_id
        self._fn = fn
        self._cancel = cancel
        self._downloads = downloads

    @Slot()
    def run(self) -> None:
        result: object = None
        last_progress = 0.0
        holding_download = False
        try:
            for item in self._fn(self._cancel):
                if isinstance(item, Progress):
                    now = time.monotonic()
                    if now - last_progress < PROGRESS_MIN_INTERVAL and item.fraction < 1:
                        continue
                    last_progress = now
                    self.progress.emit(self._job_id, item.fraction, item.message)
                if isinstance(item, Done):
                    result = item.result
                self.yielded.emit(self._job_id, item)
                if isinstance(item, Downloading) and not holding_download:
                    # The generation is over and its slot is given back (the runner starts
                    # the next job); the download waits for one of the shared download slots.
                    holding_download = self._take_download_slot()
            if self._cancel.is_set() and result is None:
                raise JobCancelledError(self._job_id)
            self.succeeded.emit(self._job_id, result)
        except JobCancelledError:
            self.cancelled.emit(self._job_id)
        except Exception as exc:  # worker boundary: nothing escapes run()
            log.exception("job %s failed", self._job_id)
            self.failed.emit(self._job_id, JobError.from_exception(exc))
        finally:
            if holding_download and self._downloads is not None:
                self._downloads.release()
            self.done.emit()

    def _take_download_slot(self) -> bool:
        if self._downloads is None:
            return False
        while not self._downloads.acquire(timeout=DOWNLOAD_WAIT_S):
            if self._cancel.is_set():
                raise JobCancelledError(self._job_id)
        return True


@dataclass
class _Job:
    job_id: str
    fn: JobFn
    cancel: StopToken = field(default_factory=StopToken)
    thread: QThread | None = None
    worker: JobWorker | None = None
    #: True while the job counts against the concurrency limit: from its start until its
    #: generation ends (it starts downloading) or it reports its outcome.
    in_slot: bool = True


class JobRunner(QObject):
    """Owns job threads; lives on the GUI (or CLI main) thread.

    Signals:
        job_queued(job_id)
        job_started(job_id)
        job_event(job_id, event): every event the job yields (Created, Progress, Done...)
        job_progress(job_id, fraction, message): fraction 0..1, -1 when unknown
        job_finished(job_id, result)
        job_failed(job_id, JobError)
        job_cancelled(job_id)
        idle(): no job is queued or running any more
    """

    job_queued = Signal(str)
    job_started = Signal(str)
    job_event = Signal(str, object)
    job_progress = Signal(str, float, str)
    job_finished = Signal(str, object)
    job_failed = Signal(str, object)
    job_cancelled = Signal(str)
    idle = Signal()

    def __init__(self, max_concurrency: int = 2, parent: QObject | None = None) -> None:
        super().__init__(parent)
        keep_singletons_alive()  # before any job emits or the loop runs: PySide6 leaks refs
        self._max = max(1, max_concurrency)
        self._pending: deque[_Job] = deque()
        self._running: dict[str, _Job] = {}
        self._ids = itertools.count(1)
        #: Running jobs whose worker already reported the outcome; their thread is winding down.
        self._ended: set[str] = set()
        #: Jobs whose thread said `finished` but may still run Qt's cleanup: their worker and
        #: QThread are kept alive (and freed on this thread) until `QThread.wait` says it ended.
        self._winding_down: list[_Job] = []
        self._reaper = QTimer(self)
        self._reaper.setSingleShot(True)
        self._reaper.setInterval(REAP_INTERVAL_MS)
        self._reaper.timeout.connect(self._reap)
        self._downloads = threading.Semaphore(DOWNLOAD_SLOTS)

    @property
    def max_concurrency(self) -> int:
        return self._max

    @max_concurrency.setter
    def max_concurrency(self, value: int) -> None:
        self._max = max(1, value)
        self._start_ready()

    def running_count(self) -> int:
        return len(self._running)

    def generating_count(self) -> int:
        """Running jobs that hold a concurrency slot (not yet downloading or ended)."""
        return sum(1 for job in self._running.values() if job.in_slot)

    def pending_count(self) -> int:
        return len(self._pending)

    def is_pending(self, job_id: str) -> bool:
        """The job is queued and has not started (cancelling it sends nothing)."""
        return any(j.job_id == job_id for j in self._pending)

    def is_idle(self) -> bool:
        return not self._pending and not self._running

    def submit(self, fn: JobFn, job_id: str | None = None) -> str:
        job = _Job(job_id or f"job-{next(self._ids)}", fn)
        if job.job_id in self._ended and job.job_id in self._running:
            # A retry right after the outcome: park the old thread under another key until it ends.
            self._running[f"{job.job_id}#{next(self._ids)}"] = self._running.pop(job.job_id)
            self._ended.discard(job.job_id)
        if job.job_id in self._running or any(j.job_id == job.job_id for j in self._pending):
            raise ValueError(f"job {job.job_id} is already queued or running")
        self._pending.append(job)
        self.job_queued.emit(job.job_id)
        self._start_ready()
        return job.job_id

    def cancel(self, job_id: str) -> bool:
        """Cancel a queued or running job; returns False if it is unknown or already over."""
        for job in self._pending:
            if job.job_id == job_id:
                self._pending.remove(job)
                self.job_cancelled.emit(job_id)
                self._emit_idle_if_done()
                return True
        running = self._running.get(job_id)
        if running is None:
            return False
        running.cancel.set()
        return True

    def cancel_all(self) -> None:
        for job in list(self._pending):
            self.cancel(job.job_id)
        for job in self._running.values():
            job.cancel.set()

    def detach_all(self) -> None:
        """Stop following every job without cancelling it remotely (paid jobs live on and the
        next render resumes them); queued jobs, not sent yet, are cancelled."""
        for job in list(self._pending):
            self.cancel(job.job_id)
        for job in self._running.values():
            job.cancel.detach()

    def shutdown(self, timeout_ms: int = 5000) -> bool:
        """Stop following everything (paid jobs are kept remotely, to resume next time) and wait
        up to ``timeout_ms`` for the threads; True if all ended."""
        self._pending.clear()
        for job in self._running.values():
            job.cancel.detach()
        deadline = time.monotonic() + timeout_ms / 1000
        ok = True
        for job in [*self._running.values(), *self._winding_down]:
            assert job.thread is not None
            job.thread.quit()
            remaining = max(0, int((deadline - time.monotonic()) * 1000))
            ok = job.thread.wait(remaining) and ok
        self._reap()
        return ok

    def _start_ready(self) -> None:
        while self._pending and self.generating_count() < self._max:
            self._start(self._pending.popleft())

    def _start(self, job: _Job) -> None:
        thread = QThread()
        thread.setObjectName(f"imageai-{job.job_id}")
        worker = JobWorker(job.job_id, job.fn, job.cancel, self._downloads)
        worker.moveToThread(thread)
        job.thread, job.worker = thread, worker
        _threads.add(thread)
        thread.started.connect(worker.run)
        worker.yielded.connect(self._on_worker_event)
        worker.progress.connect(self._on_worker_progress)
        worker.succeeded.connect(self._on_worker_succeeded)
        worker.failed.connect(self._on_worker_failed)
        worker.cancelled.connect(self._on_worker_cancelled)
        worker.done.connect(thread.quit)
        thread.finished.connect(self._on_thread_finished)
        self._running[job.job_id] = job
        self.job_started.emit(job.job_id)
        thread.start()

    @Slot(str, object)
    def _on_worker_event(self, job_id: str, event: object) -> None:
        self.job_event.emit(job_id, event)
        if isinstance(event, Downloading):
            self._leave_slot(job_id)

    def _leave_slot(self, job_id: str) -> None:
        job = self._running.get(job_id)
        if job is not None and job.in_slot:
            job.in_slot = False
            self._start_ready()

    @Slot(str, float, str)
    def _on_worker_progress(self, job_id: str, fraction: float, message: str) -> None:
        self.job_progress.emit(job_id, fraction, message)

    @Slot(str, object)
    def _on_worker_succeeded(self, job_id: str, result: object) -> None:
        self._ended.add(job_id)
        self.job_finished.emit(job_id, result)
        self._leave_slot(job_id)

    @Slot(str, object)
    def _on_worker_failed(self, job_id: str, error: object) -> None:
        self._ended.add(job_id)
        self.job_failed.emit(job_id, error)
        self._leave_slot(job_id)

    @Slot(str)
    def _on_worker_cancelled(self, job_id: str) -> None:
        self._ended.add(job_id)
        self.job_cancelled.emit(job_id)
        self._leave_slot(job_id)

    @Slot()
    def _on_thread_finished(self) -> None:
        for job_id, job in list(self._running.items()):
            if job.thread is not None and job.thread.isFinished():
                del self._running[job_id]
                self._ended.discard(job_id)
                self._winding_down.append(job)
        self._reap()
        self._start_ready()
        self._emit_idle_if_done()

    @Slot()
    def _reap(self) -> None:
        """Free the worker and QThread of each job whose thread has really ended.

        `finished` is emitted by the job thread itself and `isFinished()` is already true while
        Qt still runs the thread's cleanup (posted deletions, its event dispatcher). Freeing the
        objects then, or handing the worker to `deleteLater` (run by that same cleanup) while
        its Python wrapper also owns it, deletes them under the running thread: a segfault on
        a loaded machine. Only `wait(0)` is sure the thread is gone; the objects are then
        dropped here, on the GUI thread, by their Python owners alone.
        """
        still = []
        for job in self._winding_down:
            assert job.thread is not None
            if job.thread.wait(0):
                job.worker = None
                job.thread = None
            else:
                still.append(job)
        self._winding_down = still
        if still and not self._reaper.isActive():
            self._reaper.start()

    def _emit_idle_if_done(self) -> None:
        if self.is_idle():
            self.idle.emit()
