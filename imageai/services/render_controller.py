"""`RenderController`: runs a `RenderPlan` through the `JobRunner`, shared by GUI and CLI."""

from __future__ import annotations

import functools
import threading
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal

from imageai.core import continuity, render_plan
from imageai.core.budget import BudgetReservations, reservations_for
from imageai.core.errors import JobCancelledError, JobError
from imageai.core.project_lock import acquire_project, release_project
from imageai.services.chain import ChainQueue, render_job
from imageai.services.import_ahead import import_adapters_ahead
from imageai.services.job_keys import JobKind
from imageai.services.job_registry import JobHandlers, JobRegistry
from imageai.services.render_events import RenderEventsMixin
from imageai.services.render_plan import (
    ProjectSaveError,
    RenderPlan,
    StalePlanError,
    disk_stamp,
    job_id_for,
)
from imageai.services.render_planner import RenderPlanner

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from imageai.core.catalog import Catalog
    from imageai.core.jobs import JobRequest
    from imageai.providers.router import ProviderRouter
    from imageai.services.job_runner import JobFn, JobRunner
    from imageai.services.project_document import ProjectDocument


#: How long after a project opens (or changes provider) its adapters are imported.
IMPORT_AHEAD_DELAY_MS = 300


class RenderController(RenderEventsMixin, QObject):
    """Turns a `RenderPlan` into jobs and job events into saved project state.

    `prepare` makes the plan (no lock, reservation or call); `render(plan)` takes the lock,
    checks the files are as the plan saw them, saves (a project that cannot be saved starts
    nothing), reserves the budget and queues the jobs. The project is saved on each create and
    end; saves asked for in one pass of the event loop are queued once, on the next pass, and
    written on a background thread (`ProjectDocument.save_later`: in order, the newest state
    winning), not fsynced on the GUI thread; every save is written before ``batch_finished``
    and at quit. A save that fails stops new creates (paid jobs go on) and is reported by
    ``save_failed``.
    With ``Project.chain_scenes``, each scene waits for the one before and starts from its
    last frame.

    Signals:
        scene_progress(scene_id, fraction, message)
        scene_failed(scene_id, JobError)
        save_failed(JobError): project.json could not be written (kind storage)
        batch_finished(done, failed, cancelled): every job of the last render call ended
    """

    scene_progress = Signal(str, float, str)
    scene_failed = Signal(str, object)
    save_failed = Signal(object)
    batch_finished = Signal(int, int, int)

    def __init__(
        self,
        document: ProjectDocument,
        runner: JobRunner,
        router: ProviderRouter,
        catalog: Catalog,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._doc = document
        self._runner = runner
        self._router = router
        self._catalog = catalog
        self._planner = RenderPlanner(document, router, catalog)
        self._requests: dict[str, JobRequest] = {}
        #: New creates the last `render` left out because they did not fit the budget.
        self.over_budget: list[JobRequest] = []
        #: The last failed project save of this render, if any (the CLI exits non-zero on it).
        self.save_error: JobError | None = None
        #: Set when a save failed: jobs not yet started create nothing (resumes still run).
        self._no_new_creates = threading.Event()
        self._chain = ChainQueue()
        self._counts = {"done": 0, "failed": 0, "cancelled": 0}
        self._finishing = False
        #: The project folder whose cross-process lock this controller holds while rendering.
        self._locked: Path | None = None
        #: Counts the times the lock was taken: a plan made under the same term needs no check.
        self._lock_term = 0
        self._save_timer = QTimer(self)
        self._save_timer.setSingleShot(True)
        self._save_timer.setInterval(0)
        self._save_timer.timeout.connect(self._save)
        self._pending_events = []
        self._events_timer = QTimer(self)
        self._events_timer.setSingleShot(True)
        self._events_timer.setInterval(0)
        self._events_timer.timeout.connect(self._apply_events)
        document.settling.connect(self._apply_events)
        self._dropped = {}
        document.project_changed.connect(self._on_document_project_changed)
        document.document_replaced.connect(self._on_document_replaced)
        document.save_failed.connect(self._on_save_failed)
        # Not at the press of Render: the adapters load while the user looks at the project
        # (opened, or switched to another provider), once it is shown: an import shares the
        # GIL, and started with the open it made a 500-scene open 15-25 ms longer.
        self._import_timer = QTimer(self)
        self._import_timer.setSingleShot(True)
        self._import_timer.setInterval(IMPORT_AHEAD_DELAY_MS)
        self._import_timer.timeout.connect(self._import_adapters_ahead)
        document.document_replaced.connect(self._import_timer.start)
        document.project_changed.connect(self._import_timer.start)
        if (app := QCoreApplication.instance()) is not None:
            app.aboutToQuit.connect(self.flush_saves)  # a save under way ends before exit
        JobRegistry.of(runner).route(
            JobKind.RENDER,
            JobHandlers(
                event=self._on_runner_job_event,
                progress=self._on_runner_job_progress,
                failed=self._on_runner_job_failed,
                cancelled=self._on_runner_job_cancelled,
                finished=self._on_runner_job_finished,
            ),
        )

    def _import_adapters_ahead(self) -> None:
        import_adapters_ahead(self._doc.project)

    def is_rendering(self) -> bool:
        """Jobs run or wait, or the batch's last saves are being written."""
        return bool(self._requests) or bool(self._chain) or self._finishing

    def job_id_for(self, scene_id: str) -> str:
        return job_id_for(scene_id)

    def _busy(self) -> set[str]:
        return {r.scene_id for r in self._requests.values()} | {
            s.id for s in self._doc.project.scenes if s.id in self._chain
        }

    def prepare(
        self,
        indexes: list[int] | None = None,
        budget_usd: float | None = None,
        *,
        use_project_budget: bool = True,
        again: bool = False,
    ) -> RenderPlan:
        """Validate, price, budget-check and key-check a render; no lock, reservation or call.

        ``budget_usd`` None with ``use_project_budget`` means the project's budget; ``again``
        renders the selected done scenes again (new takes), changed or not.
        Raises `ValidationError`, `BudgetExceededError` or `AuthError` (a missing key).
        """
        self._apply_events()  # plan from every job event received
        if budget_usd is None and use_project_budget:
            budget_usd = self._doc.project.budget_usd
        term = self._lock_term if self._locked is not None else None
        return self._planner.prepare(
            indexes, budget_usd, busy=self._busy(), lock_term=term, again=again
        )

    def plan(self, indexes: list[int] | None = None) -> list[JobRequest]:
        """The requests a render of ``indexes`` would run or leave out, before any budget."""
        self._apply_events()
        requests, _, _ = self._planner.requests(self._planner.snapshot(), indexes, self._busy())
        return requests

    def check_budget(self, requests: list[JobRequest], budget_usd: float | None) -> float:
        return self._planner.check_budget(requests, budget_usd)

    def _reservations(self) -> BudgetReservations:
        folder = self._doc.folder
        return reservations_for(folder) if folder is not None else BudgetReservations()

    def _unlock(self) -> None:
        if self._locked is not None and not self._requests and not self._chain:
            release_project(self._locked)
            self._locked = None

    def render(
        self,
        plan: RenderPlan | list[int] | None = None,
        budget_usd: float | None = None,
        *,
        use_project_budget: bool = True,
    ) -> list[str]:
        """Run ``plan`` (or prepare one for these scene indexes first); returns the job ids.

        Raises `StalePlanError` when another process changed the project since the plan was
        made (nothing is sent; prepare again), `ProjectSaveError` when the project cannot be
        saved, and `BudgetExceededError` when queued jobs took the room meanwhile.
        """
        self._apply_events()
        if not isinstance(plan, RenderPlan):
            plan = self.prepare(plan, budget_usd, use_project_budget=use_project_budget)
        if plan.folder != self._doc.folder:
            raise StalePlanError(plan.folder)
        self.over_budget = list(plan.over_budget)
        if plan.requests or plan.finished:
            self._lock(plan)
        try:
            self._apply_finished(plan)
            if plan.requests or plan.finished:
                self._save_or_raise()
            if plan.requests:
                # Held until each create returns: a render or remix queued meanwhile counts it.
                self._reservations().reserve(plan.costs, self._spent_now(plan), plan.budget_usd)
        except Exception:
            self._unlock()
            raise
        self._counts = {"done": 0, "failed": 0, "cancelled": 0}
        self.save_error = None
        self._no_new_creates.clear()
        job_ids = []
        for step in plan.steps:
            if step.waits and step.after is not None:
                self._chain.hold(step.after, step.request)
                job_ids.append(self.job_id_for(step.request.scene_id))
            else:
                job_ids.append(self._submit(step.request, step.after))
        if not job_ids:
            self._unlock()
            self.batch_finished.emit(0, 0, 0)
        return job_ids

    def _lock(self, plan: RenderPlan) -> None:
        """Take the project lock; then the plan must match the files (another process may have
        rendered between the plan and the lock)."""
        folder = plan.folder
        if self._locked is None:
            # Another process rendering this project would create the same scenes again.
            acquire_project(folder, "render")
            self._locked = folder
            self._lock_term += 1
        elif plan.lock_term == self._lock_term:
            return  # planned while this controller held the lock: nobody else wrote since
        if disk_stamp(folder) != plan.stamp:
            self._unlock()
            raise StalePlanError(folder)

    def _spent_now(self, plan: RenderPlan) -> float:
        """The plan's spend, or the ledger's again if this app's own jobs wrote to it since
        (their reservations, counted when the plan was made, became ledger spend)."""
        if disk_stamp(plan.folder)[0] == plan.stamp[0]:
            return plan.spent_usd
        held = self._reservations().held()
        project = self._doc.project
        in_flight = {s.id for s in project.scenes if job_id_for(s.id) in held}
        return self._planner.spent(self._planner.snapshot(), project, in_flight)

    def _apply_finished(self, plan: RenderPlan) -> None:
        project = self._doc.project
        for done in plan.finished:
            project = render_plan.apply_finished(project, done.request, done.job_id, done.clip)
        if plan.finished:
            self._doc.set_project(project, dirty=False)

    def _save_or_raise(self) -> None:
        """Save before any create: a project that cannot be saved would lose the job ids."""
        self._save_timer.stop()
        try:
            self._doc.save()
        except OSError as exc:
            assert self._doc.folder is not None
            raise ProjectSaveError(self._doc.folder, exc) from exc

    def _submit(self, request: JobRequest, after: str | None = None) -> str:
        job_id = self.job_id_for(request.scene_id)
        seed = None
        if after is not None:
            assert self._doc.folder is not None
            request, seed = continuity.follow_previous(
                self._doc.project, self._doc.folder, request, after, self._doc.ledger()
            )
        self._requests[job_id] = request
        release = functools.partial(self._reservations().release, job_id)
        job = render_job(request, self._router, self._doc.ledger(), seed, release)
        return self._runner.submit(self._guarded(job, request, job_id), job_id)

    def _guarded(self, job: JobFn, request: JobRequest, job_id: str) -> JobFn:
        """The job, stopped before it starts when a save failed meanwhile and it would create."""
        stop, doc = self._no_new_creates, self._doc

        def guarded(cancel: threading.Event) -> Iterator[object]:
            if request.resume_job_id is None:
                # Saves run in the background: the ones asked for before this job started
                # (an earlier job's create) must have landed, or have failed and set ``stop``.
                doc.wait_saved()
                if stop.is_set():
                    raise JobCancelledError(job_id)  # nothing sent: the next render creates it
            yield from job(cancel)

        return guarded
