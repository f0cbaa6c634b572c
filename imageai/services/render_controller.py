"""`RenderController`: renders a project's scenes through the `JobRunner`, shared by GUI and CLI."""

from __future__ import annotations

import functools
import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from imageai.core import continuity, render_plan
from imageai.core.budget import BudgetReservations, committed_spend, reservations_for
from imageai.core.errors import BudgetExceededError, ErrorKind, JobError
from imageai.core.jobs import Created, Done, JobEvent, JobRequest
from imageai.core.pricing import estimate
from imageai.core.project_lock import acquire_project, release_project
from imageai.services.chain import ChainQueue, render_job

if TYPE_CHECKING:
    from pathlib import Path

    from imageai.core.catalog import Catalog
    from imageai.providers.router import ProviderRouter
    from imageai.services.job_runner import JobRunner
    from imageai.services.project_document import ProjectDocument

log = logging.getLogger(__name__)


class RenderController(QObject):
    """Turns "render these scenes" into jobs and job events into saved project state.

    The project is saved when a job is created (its id must survive a crash) and when it ends.
    Saves asked for in one pass of the event loop are written once, on the next pass (and before
    ``batch_finished``): a wave of jobs ending and starting otherwise meant eight fsynced saves
    back to back on the GUI thread.
    With ``Project.chain_scenes``, each scene waits for the one before it and starts from its
    last frame.

    Signals:
        scene_progress(scene_id, fraction, message)
        scene_failed(scene_id, JobError)
        batch_finished(done, failed, cancelled): every job of the last render call ended
    """

    scene_progress = Signal(str, float, str)
    scene_failed = Signal(str, object)
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
        self._requests: dict[str, JobRequest] = {}
        #: New creates the last `render` left out because they did not fit the budget.
        self.over_budget: list[JobRequest] = []
        self._chain = ChainQueue()
        self._counts = {"done": 0, "failed": 0, "cancelled": 0}
        #: The project folder whose cross-process lock this controller holds while rendering.
        self._locked: Path | None = None
        self._save_timer = QTimer(self)
        self._save_timer.setSingleShot(True)
        self._save_timer.setInterval(0)
        self._save_timer.timeout.connect(self._save)
        runner.job_event.connect(self._on_runner_job_event)
        runner.job_progress.connect(self._on_runner_job_progress)
        runner.job_failed.connect(self._on_runner_job_failed)
        runner.job_cancelled.connect(self._on_runner_job_cancelled)
        runner.job_finished.connect(self._on_runner_job_finished)

    def is_rendering(self) -> bool:
        return bool(self._requests) or bool(self._chain)

    def job_id_for(self, scene_id: str) -> str:
        return f"render-{scene_id}"

    def plan(self, indexes: list[int] | None = None) -> list[JobRequest]:
        """Validate and build the requests for the scenes to render; raises before any API call."""
        folder = self._doc.folder
        if folder is None:
            raise ValueError("save the project before rendering: clips go in its folder")
        project = self._doc.project
        ledger = self._doc.ledger()
        return [
            render_plan.build_request(self._catalog, project, scene, folder, ledger)
            for scene in render_plan.scenes_to_render(project, indexes)
            if self.job_id_for(scene.id) not in self._requests and scene.id not in self._chain
        ]

    def check_budget(self, requests: list[JobRequest], budget_usd: float | None) -> float:
        """Raise `BudgetExceededError` if the new spend would pass the budget; returns the estimate.

        Spend counts the ledger's creates plus what queued renders and remixes of this project
        have reserved but not created yet.
        """
        cost = round(sum(self._costs(requests).values()), 4)
        self._reservations().check(cost, self._spent(), budget_usd)
        return cost

    def split_budget(
        self, requests: list[JobRequest], budget_usd: float | None
    ) -> tuple[list[JobRequest], list[JobRequest]]:
        """The requests to run and the new creates left out because they do not fit the budget.

        Jobs already paid for (resumes) always run; new creates are taken in scene order while
        they fit. Raises `BudgetExceededError` when nothing at all would run.
        """
        costs = self._costs(requests)
        keys = {self.job_id_for(r.scene_id): 0.0 for r in requests} | costs
        fits, over = self._reservations().fit(keys, self._spent(), budget_usd)
        run = [r for r in requests if self.job_id_for(r.scene_id) in set(fits)]
        left = [r for r in requests if self.job_id_for(r.scene_id) in set(over)]
        if left and not run:
            assert budget_usd is not None
            cost = round(sum(costs.values()), 4)
            raise BudgetExceededError(
                cost, self._spent() + self._reservations().total(), budget_usd
            )
        return run, left

    def _costs(self, requests: list[JobRequest]) -> dict[str, float]:
        """The estimate of each new create, by runner job id (a resumed job costs nothing)."""
        new = [r.scene_id for r in requests if r.resume_job_id is None]
        if not new:
            return {}
        scenes = estimate(self._doc.project, new, self._catalog).scenes
        return {self.job_id_for(s.id): s.usd for s in scenes if not s.already_rendered}

    def _spent(self) -> float:
        """Ledger spend plus creates whose outcome is unknown (they may have been billed)."""
        ledger = self._doc.ledger()
        if ledger is None:
            return self._doc.project.billed_usd
        held = self._reservations().held()
        in_flight = {s.id for s in self._doc.project.scenes if self.job_id_for(s.id) in held}
        return committed_spend(ledger, self._doc.project, self._catalog, in_flight)

    def _reservations(self) -> BudgetReservations:
        folder = self._doc.folder
        return reservations_for(folder) if folder is not None else BudgetReservations()

    def _unlock(self) -> None:
        if self._locked is not None and not self._requests and not self._chain:
            release_project(self._locked)
            self._locked = None

    def _release(self, job_id: str) -> None:
        if self._doc.folder is not None:
            reservations_for(self._doc.folder).release(job_id)

    def render(
        self,
        indexes: list[int] | None = None,
        budget_usd: float | None = None,
        *,
        use_project_budget: bool = True,
    ) -> list[str]:
        """Queue the scenes; returns the job ids. Raises ValidationError / BudgetExceededError.

        New creates that do not fit the budget are left out and kept in ``over_budget``.
        """
        requests = self.plan(indexes)
        if budget_usd is None and use_project_budget:
            budget_usd = self._doc.project.budget_usd
        requests, self.over_budget = self.split_budget(requests, budget_usd)
        # Chained scenes, and scenes extending the previous clip, wait for the scene before
        # (checked before the lock and reservations are taken: a missing clip raises).
        steps = continuity.render_steps(self._doc.project, requests)
        if requests and self._locked is None:
            # Another process rendering this project would create the same scenes again.
            assert self._doc.folder is not None
            acquire_project(self._doc.folder, "render")
            self._locked = self._doc.folder
        # Held until each create returns: a second render or a remix queued meanwhile counts it.
        try:
            self._reservations().reserve(self._costs(requests), self._spent(), budget_usd)
        except BudgetExceededError:
            self._unlock()
            raise
        self._counts = {"done": 0, "failed": 0, "cancelled": 0}
        job_ids = []
        for step in steps:
            if step.waits and step.after is not None:
                self._chain.hold(step.after, step.request)
                job_ids.append(self.job_id_for(step.request.scene_id))
            else:
                job_ids.append(self._submit(step.request, step.after))
        if not job_ids:
            self._unlock()
            self.batch_finished.emit(0, 0, 0)
        return job_ids

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
        return self._runner.submit(
            render_job(request, self._router, self._doc.ledger(), seed, release), job_id
        )

    def cancel(self, scene_id: str) -> bool:
        waiting = self._chain.drop_scene(scene_id)
        if waiting:
            self._end_waiting(waiting, None)
            self._maybe_finished()
            return True
        return self._runner.cancel(self.job_id_for(scene_id))

    def cancel_all(self) -> None:
        waiting = self._chain.drop_all()
        self._end_waiting(waiting, None)
        for job_id in list(self._requests):
            self._runner.cancel(job_id)
        if waiting:
            self._maybe_finished()

    def _end_waiting(self, requests: list[JobRequest], after: JobRequest | None) -> None:
        """Scenes that will not render because the scene before them did not finish.

        ``after`` is the failed scene (None: cancelled); the rest are reported the same way.
        """
        project = self._doc.project
        for request in requests:
            self._release(self.job_id_for(request.scene_id))
            if after is None:
                project = render_plan.apply_cancel(project, request.scene_id)
                self._counts["cancelled"] += 1
                continue
            error = JobError(
                kind=ErrorKind.UNKNOWN,
                user_message=f"Not rendered: it is chained after scene {after.index}, which failed.",
            )
            project = render_plan.apply_failure(project, request.scene_id, error)
            self._counts["failed"] += 1
            self.scene_failed.emit(request.scene_id, error)
        if requests:
            self._doc.set_project(project, dirty=False)
            self._save_soon()

    def _save_soon(self) -> None:
        if not self._save_timer.isActive():
            self._save_timer.start()

    @Slot()
    def _save(self) -> None:
        self._save_timer.stop()
        try:
            self._doc.save()
        except OSError:
            log.exception("could not save the project after a render event")

    @Slot(str, object)
    def _on_runner_job_event(self, job_id: str, event: object) -> None:
        request = self._requests.get(job_id)
        if request is None:
            return
        assert isinstance(event, JobEvent)
        if isinstance(event, Created):
            self._release(job_id)  # the ledger has it as spend now
        self._doc.set_project(
            render_plan.apply_event(self._doc.project, event, request), dirty=False
        )
        if isinstance(event, Created | Done):
            self._save_soon()

    @Slot(str, float, str)
    def _on_runner_job_progress(self, job_id: str, fraction: float, message: str) -> None:
        request = self._requests.get(job_id)
        if request is not None:
            self.scene_progress.emit(request.scene_id, fraction, message)

    @Slot(str, object)
    def _on_runner_job_failed(self, job_id: str, error: object) -> None:
        self._release(job_id)
        request = self._requests.pop(job_id, None)
        if request is None:
            return
        assert isinstance(error, JobError)
        self._doc.set_project(
            render_plan.apply_failure(self._doc.project, request.scene_id, error), dirty=False
        )
        self._save_soon()
        self._counts["failed"] += 1
        self.scene_failed.emit(request.scene_id, error)
        self._end_waiting(self._chain.drop(request.scene_id), request)
        self._maybe_finished()

    @Slot(str)
    def _on_runner_job_cancelled(self, job_id: str) -> None:
        self._release(job_id)
        request = self._requests.pop(job_id, None)
        if request is None:
            return
        self._doc.set_project(
            render_plan.apply_cancel(self._doc.project, request.scene_id), dirty=False
        )
        self._save_soon()
        self._counts["cancelled"] += 1
        self._end_waiting(self._chain.drop(request.scene_id), None)
        self._maybe_finished()

    @Slot(str, object)
    def _on_runner_job_finished(self, job_id: str, result: object) -> None:
        self._release(job_id)
        request = self._requests.pop(job_id, None)
        if request is None:
            return
        self._counts["done"] += 1
        if (successor := self._chain.release(request.scene_id)) is not None:
            self._submit(successor, after=request.scene_id)
        self._maybe_finished()

    def _maybe_finished(self) -> None:
        if not self._requests and not self._chain:
            if self._save_timer.isActive():
                self._save()  # the CLI reads the project (and may exit) on batch_finished
            self._unlock()
            c = self._counts
            self.batch_finished.emit(c["done"], c["failed"], c["cancelled"])
