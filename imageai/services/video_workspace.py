"""`VideoWorkspace`: the video tab's services wired together, and its file and render actions."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from imageai.core import project_store
from imageai.core.errors import ErrorKind, ImageAIError, JobError, ValidationError
from imageai.core.ledger import LEDGER_NAME, ledger_for, reconcile_billed
from imageai.core.models import Project, ProviderName
from imageai.core.project_copy import copy_project_files
from imageai.core.script_import import copy_reference, import_script
from imageai.services.cost_summary import CostTracker
from imageai.services.cut_playlist import chosen_clip
from imageai.services.export_service import ExportService
from imageai.services.job_keys import JobKey, JobKind, render_scene
from imageai.services.job_registry import JobHandlers, JobRegistry
from imageai.services.jobs_model import JobsModel
from imageai.services.log_relay import LogRelay
from imageai.services.project_document import ProjectDocument
from imageai.services.remix_service import AnyRemixPlan, RemixService
from imageai.services.render_controller import RenderController
from imageai.services.render_plan import RenderPlan
from imageai.services.storyboard_commands import StoryboardEditor
from imageai.services.storyboard_model import StoryboardModel

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from imageai.core.catalog import Catalog
    from imageai.providers.router import ProviderRouter
    from imageai.services.app_settings import SettingsStore
    from imageai.services.job_runner import JobRunner

log = logging.getLogger(__name__)
SAVE_AS_JOB_ID = str(JobKey.save_as())


class NeedsFolderError(Exception):
    """The action needs the project saved in a folder first (Save As)."""


class VideoWorkspace(QObject):
    """Owns the open project and everything that follows it; no widgets.

    Signals:
        project_opened(): New / Open replaced the project
        scene_failed(scene_id, JobError)
        render_finished(done, failed, cancelled)
        render_save_failed(JobError): a render could not save project.json; new creates stopped
        save_as_finished(path): a Save As that copied files on a job thread is done
        save_as_failed(JobError): it failed or was cancelled; the project stays where it was
    """

    project_opened = Signal()
    scene_failed = Signal(str, object)
    render_finished = Signal(int, int, int)
    render_save_failed = Signal(object)
    save_as_finished = Signal(str)
    save_as_failed = Signal(object)

    def __init__(
        self,
        catalog: Catalog,
        router: ProviderRouter,
        runner: JobRunner,
        settings: SettingsStore,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.catalog = catalog
        self.settings = settings
        self.runner = runner
        self.document = ProjectDocument(Project(), None, self)
        self.editor = StoryboardEditor(self.document, self)
        self.storyboard = StoryboardModel(self.document, self.editor, catalog, self)
        self.costs = CostTracker(self.document, catalog, self)
        self.controller = RenderController(self.document, runner, router, catalog, self)
        self.jobs = JobsModel(runner, self.job_label, self)
        self.log = LogRelay(parent=self)
        self.exporter = ExportService(runner, self)
        self.remixer = RemixService(self.document, runner, router, catalog, self)
        self.remixer.remix_failed.connect(self._on_remixer_remix_failed)
        self.remixer.take_added.connect(self._on_remixer_take_added)
        self.exporter.exported.connect(self._on_exporter_exported)
        self.controller.scene_failed.connect(self._on_controller_scene_failed)
        self.controller.save_failed.connect(self._on_controller_save_failed)
        self.controller.batch_finished.connect(self._on_controller_batch_finished)
        self.registry = JobRegistry.of(runner)
        self.registry.route(
            JobKind.RENDER,
            JobHandlers(finished=self._on_runner_job_finished, label=self._render_label),
        )
        self.registry.route(
            JobKind.SAVE_AS,
            JobHandlers(
                finished=self._on_runner_save_as_ended,
                failed=self._on_runner_save_as_ended,
                cancelled=self._on_runner_job_cancelled,
                label=lambda _job_id: "Save As: copying files",
            ),
        )
        self._saving_to: Path | None = None
        # A timer, not singleShot(0): that is a queued call, run in the open's own pass.
        self._recent_later = QTimer(self, singleShot=True, interval=0)
        self._recent_later.timeout.connect(self._on_recent_later_timeout)
        self._recent_folder: Path | None = None
        #: The provider of File > New; the app sets it from the keys (`NewProjectDefaults`).
        self.new_project_provider: Callable[[], ProviderName] = lambda: ProviderName.ANIMATIC

    # ---- labels ------------------------------------------------------------------------------

    def scene_label(self, scene_id: str) -> str:
        try:
            return f"Scene {self.document.project.index_of(scene_id) + 1}"
        except KeyError:
            return "A deleted scene"

    def job_label(self, job_id: str) -> str:
        """The jobs panel's name for ``job_id``, from the owner of its kind."""
        return self.registry.label(job_id) or "A deleted scene"

    def _render_label(self, job_id: str) -> str:
        return self.scene_label(render_scene(job_id) or "")

    # ---- files -------------------------------------------------------------------------------

    def new_project(self, title: str = "Untitled") -> None:
        with self.costs.held():
            self.document.replace(Project(title=title, provider=self.new_project_provider()), None)
            self.editor.reset(self.document)
            self.project_opened.emit()

    def open_project(self, folder: Path) -> None:
        """Raises `ProjectFileError` with a clear message; the current project stays open.

        The cost line (asked for three times) and the recent list (a settings file written
        with an fsync) follow on later passes: a 500-scene open stays one short pass."""
        project = project_store.load(folder)
        # Billed costs shown are the ledger's (the record of spend), even after a crash.
        project = reconcile_billed(project, ledger_for(folder / LEDGER_NAME).spent_by_scene())
        with self.costs.held():
            self.document.replace(project, folder)
            self.editor.reset(self.document)
            self._recent_folder = folder
            self._recent_later.start()
            self.log.note(f"Opened {folder}")
            self.project_opened.emit()

    @Slot()
    def _on_recent_later_timeout(self) -> None:
        if self._recent_folder is not None:
            self.settings.add_recent(self._recent_folder)
            self._recent_folder = None

    def save(self) -> Path:
        if self.document.folder is None:
            raise NeedsFolderError("choose a folder with Save As")
        # The user's Save never writes over what a render in another process saved meanwhile.
        path = self.document.save(if_unchanged=True)
        self.settings.add_recent(path)
        return path

    def save_as(self, folder: Path) -> Path | None:
        """Save into ``folder``, bringing the project's images and clips along.

        With nothing to copy the save happens at once and the path is returned. Otherwise the
        files are copied on a job thread (progress in the jobs panel) and None is returned;
        ``save_as_finished`` or ``save_as_failed`` follows. Until then the project stays where
        it was, and a failed or cancelled copy leaves both folders as they were.
        """
        if project_store.project_file(folder).exists() and folder != self.document.folder:
            raise ValidationError("folder", f"{folder} already holds another project")
        if self.is_busy():
            raise ValidationError("folder", "wait for the running jobs to end before Save As")
        old = self.document.folder
        if not folder.exists():
            project_store.create_folder(folder)
        if old is None or old == folder:
            return self._finish_save_as(folder)
        self._saving_to = folder
        self.log.note(f"Copying the project's files to {folder}")
        self.runner.submit(
            lambda cancel: copy_project_files(old, folder, cancel, SAVE_AS_JOB_ID), SAVE_AS_JOB_ID
        )
        return None

    def _finish_save_as(self, folder: Path) -> Path:
        self.document.set_project(self._adopt_references(self.document.project, folder))
        path = self.document.save(folder)
        self.settings.add_recent(path)
        self.log.note(f"Saved to {path}")
        return path

    @Slot(str, object)
    def _on_runner_save_as_ended(self, job_id: str, outcome: object = None) -> None:
        if self._saving_to is None:
            return
        folder, self._saving_to = self._saving_to, None
        if isinstance(outcome, JobError):
            reason = outcome.detail.partition(": ")[2] or outcome.user_message
            error = outcome.model_copy(
                update={"user_message": f"Could not copy the files to {folder}: {reason}"}
            )
            self.log.note(f"Save As failed: {error.user_message}", logging.WARNING)
            self.save_as_failed.emit(error)
            return
        try:
            path = self._finish_save_as(folder)
        except (OSError, ImageAIError) as exc:
            self.save_as_failed.emit(JobError.from_exception(exc))
            return
        self.save_as_finished.emit(str(path))

    @Slot(str)
    def _on_runner_job_cancelled(self, job_id: str) -> None:
        if self._saving_to is not None:
            self._saving_to = None
            where = self.document.folder
            self.log.note(f"Save As cancelled; the project stays in {where}")
            self.save_as_failed.emit(
                JobError(kind=ErrorKind.UNKNOWN, user_message=f"Cancelled; still saved in {where}.")
            )

    @staticmethod
    def _adopt_references(project: Project, folder: Path) -> Project:
        """Absolute images (picked before the first save) are copied into refs/."""

        def adopt(ref: str | None) -> str | None:
            if ref and Path(ref).is_absolute() and Path(ref).is_file():
                return copy_reference(Path(ref), folder)
            return ref

        scenes = [
            scene.model_copy(
                update={
                    "reference_image": adopt(scene.reference_image),
                    "last_frame_image": adopt(scene.last_frame_image),
                    "extra_reference_images": tuple(
                        adopt(r) or r for r in scene.extra_reference_images
                    ),
                }
            )
            for scene in project.scenes
        ]
        return project.model_copy(update={"scenes": tuple(scenes)})

    def import_script(self, script: Path, allowed_dirs: Sequence[Path] = ()) -> int:
        """Add the script's scenes; references may come from its folder or ``allowed_dirs``
        (folders the user chose)."""
        folder = self.document.folder
        if folder is None:
            raise NeedsFolderError("save the project before importing: images go in its folder")
        scenes = import_script(script, folder, allowed_dirs)
        self.editor.add_scenes(scenes, f"Import {script.name}")
        self.log.note(f"Imported {len(scenes)} scenes from {script.name}")
        return len(scenes)

    def reference_for(self, source: Path) -> str:
        """The path to store for a picked reference image (copied into refs/ when saved)."""
        folder = self.document.folder
        return copy_reference(source, folder) if folder is not None else str(source)

    def export(self, out: Path) -> str:
        """Assemble the cut into ``out`` on a job thread; raises if a scene is not rendered."""
        folder = self.document.folder
        if folder is None:
            raise NeedsFolderError("save the project first")
        self.log.note(f"Exporting the cut to {out}")
        return self.exporter.export(self.document.project, folder, out)

    def apply_retarget(self, project: Project, target: str) -> None:
        """Take a retargeted project (see `plan_retarget`) as one undoable step."""
        current = self.document.project
        changes = {
            name: getattr(project, name)
            for name in ("provider", "settings", "scenes")
            if getattr(project, name) != getattr(current, name)
        }
        self.editor.set_project_fields(f"Retarget to {target}", **changes)
        self.log.note(f"Retargeted to {target}")

    @Slot(str)
    def _on_exporter_exported(self, path: str) -> None:
        self.log.note(f"Exported the cut to {path}")

    # ---- rendering ---------------------------------------------------------------------------

    def indexes_of(self, scene_ids: list[str] | None) -> list[int] | None:
        if scene_ids is None:
            return None
        project = self.document.project
        return sorted(project.index_of(i) for i in scene_ids)

    def plan(self, scene_ids: list[str] | None, *, again: bool = False) -> RenderPlan:
        """Validate, price, budget-check and key-check the render, with no lock, reservation or
        call; raises `ValidationError`, `BudgetExceededError`, `AuthError` (a missing key) or
        `NeedsFolderError`. The confirm dialog shows this plan and `render` runs it. ``again``
        renders the done scenes among ``scene_ids`` again, as new takes, changed or not."""
        if self.document.folder is None:
            raise NeedsFolderError("save the project before rendering: clips go in its folder")
        if not self.document.project.scenes:
            raise ValidationError("scenes", "the storyboard has no scenes yet")
        return self.controller.prepare(self.indexes_of(scene_ids), again=again)

    def render(self, plan: RenderPlan | list[str] | None) -> list[str]:
        """Run a confirmed ``plan`` (or plan these scene ids and run that at once).

        Raises `StalePlanError` when another process rendered the project since the plan was
        made (plan again and show it), and `ProjectSaveError` when the project cannot be saved.
        """
        if self.document.folder is None:
            raise NeedsFolderError("save the project before rendering: clips go in its folder")
        if not isinstance(plan, RenderPlan):
            plan = self.plan(plan)
        job_ids = self.controller.render(plan)
        for done in plan.finished:
            self.log.note(
                f"{self.scene_label(done.request.scene_id)} was already rendered by another "
                "run (the ledger has its clip): marked done, not paid again"
            )
        if job_ids:
            self.log.note(f"Rendering {len(job_ids)} scene(s)")
        return job_ids

    def retry(self, scene_id: str) -> list[str]:
        return self.render([scene_id])

    def cancel(self, scene_id: str | None = None) -> None:
        if scene_id is None:
            self.controller.cancel_all()
            self.remixer.cancel_all()
            self.log.note("Cancelling all renders")
        else:
            self.controller.cancel(scene_id)

    def cancel_job(self, job_id: str) -> None:
        """Cancel one row of the jobs panel (a render, a remix or the export)."""
        if (scene_id := render_scene(job_id)) is not None:
            self.controller.cancel(scene_id)
        else:
            self.runner.cancel(job_id)

    def is_busy(self) -> bool:
        """Renders, remixes or a Save As copy are running (New / Open must wait for them)."""
        return (
            self.controller.is_rendering()
            or self.remixer.is_running()
            or self._saving_to is not None
        )

    def remix(self, plan: AnyRemixPlan) -> list[str]:
        """Run the priced, confirmed remix ``plan``; one job per variation."""
        job_ids = self.remixer.start(plan)
        scene_id = plan.requests[0].scene_id
        self.log.note(f"Remixing {self.scene_label(scene_id)}: {plan.summary()}")
        return job_ids

    @Slot(str, object)
    def _on_remixer_remix_failed(self, scene_id: str, error: object) -> None:
        assert isinstance(error, JobError)
        self.log.note(
            f"{self.scene_label(scene_id)} remix failed ({error.kind.value}): {error.user_message}",
            logging.WARNING,
        )

    @Slot(str, int)
    def _on_remixer_take_added(self, scene_id: str, number: int) -> None:
        self.log.note(f"{self.scene_label(scene_id)}: a remix was kept as a new take")

    def rendered_clip(self, scene_id: str) -> Path | None:
        return chosen_clip(self.document.project.scene(scene_id), self.document.folder)

    @Slot(str, object)
    def _on_controller_scene_failed(self, scene_id: str, error: object) -> None:
        assert isinstance(error, JobError)
        self.log.note(
            f"{self.scene_label(scene_id)} failed ({error.kind.value}): {error.user_message}",
            logging.WARNING,
        )
        self.scene_failed.emit(scene_id, error)

    @Slot(object)
    def _on_controller_save_failed(self, error: object) -> None:
        assert isinstance(error, JobError)
        self.log.note(f"Cannot write the project: {error.user_message}", logging.ERROR)
        self.render_save_failed.emit(error)

    @Slot(str, object)
    def _on_runner_job_finished(self, job_id: str, result: object) -> None:
        self.log.note(f"{self.job_label(job_id)} done")

    @Slot(int, int, int)
    def _on_controller_batch_finished(self, done: int, failed: int, cancelled: int) -> None:
        self.log.note(f"Render finished: {done} done, {failed} failed, {cancelled} cancelled")
        self.render_finished.emit(done, failed, cancelled)
