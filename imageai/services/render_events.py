"""`RenderEventsMixin`: a `RenderController`'s job events, cancels and project saves."""

from __future__ import annotations

import logging
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer, Slot

from imageai.core import render_plan
from imageai.core.budget import reservations_for
from imageai.core.errors import ErrorKind, JobError
from imageai.core.jobs import Created, Done, JobEvent, JobRequest
from imageai.services.render_plan import ProjectSaveError

if TYPE_CHECKING:
    import threading
    from collections.abc import Callable

    from PySide6.QtCore import SignalInstance

    from imageai.core.models import Project
    from imageai.services.chain import ChainQueue
    from imageai.services.job_runner import JobRunner
    from imageai.services.project_document import ProjectDocument

log = logging.getLogger(__name__)


#: How often a batch whose last saves are being written looks again whether they are.
FINISH_CHECK_MS = 5


class RenderEventsMixin:
    """Runner events, cancels and saves for `RenderController` (which holds the state)."""

    scene_progress: SignalInstance
    scene_failed: SignalInstance
    save_failed: SignalInstance
    batch_finished: SignalInstance
    save_error: JobError | None
    _doc: ProjectDocument
    _runner: JobRunner
    _requests: dict[str, JobRequest]
    _no_new_creates: threading.Event
    _chain: ChainQueue
    _counts: dict[str, int]
    _save_timer: QTimer
    #: Job events not yet applied to the project (`_apply_events`), in arrival order.
    _pending_events: list[tuple[JobRequest, JobEvent]]
    _events_timer: QTimer
    #: Changes for scenes deleted while they rendered, by scene id, in order: applied if the
    #: scene comes back (an undo), so it returns with its job id, bill and take.
    _dropped: dict[str, list[Callable[[Project], Project]]]
    #: Every job of the batch ended; its last saves are being written (`_finish_when_saved`).
    _finishing: bool

    if TYPE_CHECKING:  # provided by the controller

        def _unlock(self) -> None: ...
        def _submit(self, request: JobRequest, after: str | None = None) -> str: ...
        def job_id_for(self, scene_id: str) -> str: ...

    def _if_present(
        self, project: Project, scene_id: str, change: Callable[[Project], Project]
    ) -> Project:
        """``change(project)``; ``project`` as it is when the scene was deleted while it
        rendered, the change kept for its return (`_on_document_project_changed`)."""
        if not any(scene.id == scene_id for scene in project.scenes):
            log.info("scene %s was deleted while it rendered: its job's news is kept", scene_id)
            self._dropped.setdefault(scene_id, []).append(change)
            return project
        return change(project)

    @Slot()
    def _on_document_project_changed(self) -> None:
        """A scene deleted while it rendered is back (an undo): give it its job's news."""
        if not self._dropped:
            return
        project = self._doc.project
        back = [s.id for s in project.scenes if s.id in self._dropped]
        if not back:
            return
        for scene_id in back:
            for change in self._dropped.pop(scene_id):
                project = change(project)
        self._doc.set_project(project, dirty=False)
        self._save_soon()

    @Slot()
    def _on_document_replaced(self) -> None:
        self._dropped.clear()

    def _release(self, job_id: str) -> None:
        if self._doc.folder is not None:
            reservations_for(self._doc.folder).release(job_id)

    def cancel(self, scene_id: str) -> bool:
        self._apply_events()
        waiting = self._chain.drop_scene(scene_id)
        if waiting:
            self._end_waiting(waiting, None)
            self._maybe_finished()
            return True
        return self._runner.cancel(self.job_id_for(scene_id))

    def cancel_all(self) -> None:
        self._apply_events()
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
        self._apply_events()
        project = self._doc.project
        for request in requests:
            self._release(self.job_id_for(request.scene_id))
            scene_id = request.scene_id
            if after is None:
                project = self._if_present(
                    project, scene_id, partial(render_plan.apply_cancel, scene_id=scene_id)
                )
                self._counts["cancelled"] += 1
                continue
            error = JobError(
                kind=ErrorKind.UNKNOWN,
                user_message=f"Not rendered: it is chained after scene {after.index}, which failed.",
            )
            project = self._if_present(
                project,
                scene_id,
                partial(render_plan.apply_failure, scene_id=scene_id, error=error),
            )
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
        """Queue a background save of the project as it is now (`_on_save_failed` on failure)."""
        self._apply_events()
        self._save_timer.stop()
        # A failed write stops new creates from the writer's thread at once; the GUI thread
        # hears of it (`_on_save_failed`) a pass later.
        self._doc.save_later(self._no_new_creates)

    @Slot()
    def flush_saves(self) -> None:
        """Write the saves asked for and wait for them (at quit; a batch instead ends once
        they are written, `_finish_when_saved`)."""
        self._apply_events()
        if self._save_timer.isActive():
            self._save()
        self._doc.flush()

    @Slot(object)
    def _on_save_failed(self, exc: Exception) -> None:
        """Stop new creates; running jobs go on polling and downloading (they are paid for)."""
        log.error("could not save the project after a render event", exc_info=exc)
        if not isinstance(exc, OSError):  # a lock or path refusal: not written all the same
            exc = OSError(f"{type(exc).__name__}: {exc}")
        self._no_new_creates.set()
        first = self.save_error is None
        folder = self._doc.folder
        assert folder is not None
        error = ProjectSaveError(folder, exc)
        self.save_error = JobError(
            kind=ErrorKind.STORAGE, user_message=str(error), detail=repr(exc), final=True
        )
        if first:
            self.save_failed.emit(self.save_error)
        for job_id, request in list(self._requests.items()):
            if request.resume_job_id is None and self._runner.is_pending(job_id):
                self._runner.cancel(job_id)
        waiting = self._chain.drop_all()
        if waiting:
            self._end_waiting(waiting, None)
            self._maybe_finished()

    @Slot(str, object)
    def _on_runner_job_event(self, job_id: str, event: object) -> None:
        request = self._requests.get(job_id)
        if request is None:
            return
        assert isinstance(event, JobEvent)
        if isinstance(event, Created):
            self._release(job_id)  # the ledger has it as spend now
        # Applied on the next pass, with every other event that arrives in this one: each
        # change of the project refreshes the storyboard, the costs and the editors (1-2 ms,
        # more on a busy machine), and the jobs of a wave report together (4 workers
        # starting at a Render press made one 50-70 ms stall while the cut played).
        self._pending_events.append((request, event))
        if not self._events_timer.isActive():
            self._events_timer.start()

    @Slot()
    def _apply_events(self) -> None:
        """Apply the job events received so far to the project, as one change. Anything that
        reads the project to act on it (an outcome, a cancel, a save, a new plan) calls this
        first, so it sees every event that came before."""
        self._events_timer.stop()
        if not self._pending_events:
            return
        events, self._pending_events = self._pending_events, []
        project = self._doc.project
        for request, event in events:
            project = self._if_present(
                project,
                request.scene_id,
                partial(render_plan.apply_event, event=event, request=request),
            )
        self._doc.set_project(project, dirty=False)
        if any(isinstance(event, Created | Done) for _request, event in events):
            # Now, not on another pass: queueing the events already took one.
            self._save()

    @Slot(str, float, str)
    def _on_runner_job_progress(self, job_id: str, fraction: float, message: str) -> None:
        request = self._requests.get(job_id)
        if request is not None:
            self.scene_progress.emit(request.scene_id, fraction, message)

    @Slot(str, object)
    def _on_runner_job_failed(self, job_id: str, error: object) -> None:
        self._apply_events()
        self._release(job_id)
        request = self._requests.pop(job_id, None)
        if request is None:
            return
        assert isinstance(error, JobError)
        self._doc.set_project(
            self._if_present(
                self._doc.project,
                request.scene_id,
                partial(render_plan.apply_failure, scene_id=request.scene_id, error=error),
            ),
            dirty=False,
        )
        self._save_soon()
        self._counts["failed"] += 1
        self.scene_failed.emit(request.scene_id, error)
        self._end_waiting(self._chain.drop(request.scene_id), request)
        self._maybe_finished()

    @Slot(str)
    def _on_runner_job_cancelled(self, job_id: str) -> None:
        self._apply_events()
        self._release(job_id)
        request = self._requests.pop(job_id, None)
        if request is None:
            return
        self._doc.set_project(
            self._if_present(
                self._doc.project,
                request.scene_id,
                partial(render_plan.apply_cancel, scene_id=request.scene_id),
            ),
            dirty=False,
        )
        self._save_soon()
        self._counts["cancelled"] += 1
        self._end_waiting(self._chain.drop(request.scene_id), None)
        self._maybe_finished()

    @Slot(str, object)
    def _on_runner_job_finished(self, job_id: str, result: object) -> None:
        self._apply_events()
        self._release(job_id)
        request = self._requests.pop(job_id, None)
        if request is None:
            return
        self._counts["done"] += 1
        if (successor := self._chain.release(request.scene_id)) is not None:
            self._submit(successor, after=request.scene_id)
        self._maybe_finished()

    def _maybe_finished(self) -> None:
        if self._requests or self._chain:
            return
        self._apply_events()
        if self._save_timer.isActive():
            self._save()
        self._finishing = True
        self._finish_when_saved()

    @Slot()
    def _finish_when_saved(self) -> None:
        """End the batch once its saves are written: the CLI reads the project (and may exit)
        on ``batch_finished``. The GUI thread does not wait for the writer's fsyncs (40-50 ms
        at each batch's end while the cut played): it looks again a moment later."""
        if not self._finishing or self._requests or self._chain:
            return
        if self._doc.saving():
            QTimer.singleShot(FINISH_CHECK_MS, self._finish_when_saved)
            return
        self._finishing = False
        self._doc.flush()  # outcomes written and not yet delivered: saved / save_failed now
        self._unlock()
        c = self._counts
        self.batch_finished.emit(c["done"], c["failed"], c["cancelled"])
