"""The Video tab's render flow: plan, confirm the cost, run; cancel, retry and failure banners."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QDialog, QWidget

from imageai.core.errors import ErrorKind, ImageAIError, JobError, ProviderError
from imageai.gui.binding import end_editing
from imageai.gui.video.render_confirm_dialog import RenderConfirmDialog
from imageai.services.error_advice import ErrorAction, advise, successor_move
from imageai.services.job_keys import render_scene
from imageai.services.render_plan import ProjectSaveError, StalePlanError
from imageai.services.video_workspace import NeedsFolderError

if TYPE_CHECKING:
    from PySide6.QtCore import SignalInstance
    from PySide6.QtWidgets import QTabWidget

    from imageai.gui.video.error_banner import ErrorBanner
    from imageai.gui.video.inspector import InspectorWidget
    from imageai.gui.video.jobs_panel import JobsPanel
    from imageai.gui.video.scene_editor import SceneEditorPanel
    from imageai.gui.video.storyboard_view import StoryboardView
    from imageai.services.error_advice import ErrorAdvice
    from imageai.services.render_plan import RenderPlan
    from imageai.services.video_workspace import VideoWorkspace


class RenderActionsMixin:
    """Rendering and job-failure handling for `VideoWorkspacePanel` (which provides the widgets)."""

    ws: VideoWorkspace
    error_banner: ErrorBanner
    bottom_tabs: QTabWidget
    jobs_panel: JobsPanel
    storyboard_view: StoryboardView
    inspector: InspectorWidget
    scene_editor: SceneEditorPanel
    keys_requested: SignalInstance
    retarget_requested: SignalInstance
    move_requested: SignalInstance
    save_as_requested: SignalInstance

    if TYPE_CHECKING:  # provided by the panel and `RemixActionsMixin`

        def selected_ids(self) -> list[str]: ...
        def show_problem(self, title: str, message: str) -> None: ...
        def show_error(self, advice: ErrorAdvice, scene_id: str, error: JobError) -> None: ...
        def request_remix(self, scene_id: str, prompts: list[str] | None = None) -> list[str]: ...
        def _update_actions(self) -> None: ...

    @Slot()
    def _on_render_selected(self) -> None:
        self.request_render(self.selected_ids())

    @Slot()
    def _on_render_all(self) -> None:
        self.request_render(None)

    @Slot()
    def _on_render_again_triggered(self) -> None:
        self.request_render(self.selected_ids(), again=True)

    def request_render(self, scene_ids: list[str] | None, *, again: bool = False) -> list[str]:
        """Plan (validated, priced, key-checked), confirm when it costs money, then run that
        same plan; returns the job ids. ``again`` renders done scenes again as new takes."""
        if isinstance(self, QWidget):
            # A toolbar button takes no focus: the budget or seed being typed is part of this
            # render, not written when the confirm dialog takes the focus, after the plan.
            end_editing(self)
        try:
            try:
                job_ids = self._confirm_and_render(scene_ids, again)
            except StalePlanError as exc:
                # Another process rendered since the plan was made: show the new plan.
                self.ws.log.note(str(exc))
                job_ids = self._confirm_and_render(scene_ids, again)
        except NeedsFolderError as exc:
            self.show_problem("Save the project first", f"{exc}. Use File > Save As.")
            self.save_as_requested.emit()
            return []
        except (ProviderError, ProjectSaveError) as exc:
            # A missing key, found before the project is locked or any budget reserved.
            error = JobError.from_exception(exc)
            if isinstance(exc, ProjectSaveError):
                error = JobError(kind=ErrorKind.STORAGE, user_message=str(exc), final=True)
            self.show_error(advise(error, "Render"), "", error)
            return []
        except ImageAIError as exc:
            self.show_problem("Cannot render", str(exc))
            return []
        if job_ids is None:
            return []
        self.error_banner.hide()
        self.bottom_tabs.setCurrentWidget(self.jobs_panel)
        self._update_actions()
        return job_ids

    def _confirm_and_render(self, scene_ids: list[str] | None, again: bool) -> list[str] | None:
        """Run the plan the user saw; None when they cancelled."""
        plan = self.ws.plan(scene_ids, again=again)
        if (plan.total_usd > 0 or plan.over_budget) and not self.confirm_render(plan):
            return None
        self.ws.jobs.set_costs(plan.costs)  # each job row shows its share of the plan
        return self.ws.render(plan)

    def confirm_render(self, plan: RenderPlan) -> bool:
        prefs = self.ws.settings.preferences
        if not prefs.confirm_before_render:
            return True
        billed = self.ws.document.project.billed_usd
        parent = self if isinstance(self, QWidget) else None
        dialog = RenderConfirmDialog(plan, billed, parent)
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
        if accepted and dialog.dont_ask.isChecked():
            self.ws.settings.set_preferences(confirm_before_render=False)
        return accepted

    @Slot(object)
    def _on_workspace_render_save_failed(self, error: object) -> None:
        assert isinstance(error, JobError)
        self.show_error(advise(error, "Render"), "", error)

    @Slot()
    def _on_cancel_triggered(self) -> None:
        self.ws.cancel()

    @Slot(str)
    def _on_jobs_cancel_requested(self, job_id: str) -> None:
        self.ws.cancel_job(job_id)

    @Slot(str)
    def _on_jobs_retry_requested(self, job_id: str) -> None:
        if self.ws.remixer.is_remix_job(job_id):
            known = self.ws.remixer.prompt_of(job_id)
            if known is not None:
                self.request_remix(known[0], [known[1]])
            return
        # The export and Save As are started again by hand.
        if (scene_id := render_scene(job_id)) is not None:
            self.request_render([scene_id])

    @Slot(str, object)
    def _on_workspace_scene_failed(self, scene_id: str, error: object) -> None:
        assert isinstance(error, JobError)
        project = self.ws.document.project
        try:
            provider = project.provider_for(project.scene(scene_id))
        except KeyError:
            provider = None
        self.show_error(advise(error, self.ws.scene_label(scene_id), provider), scene_id, error)

    @Slot(int, int, int)
    def _on_workspace_render_finished(self, done: int, failed: int, cancelled: int) -> None:
        self._update_actions()

    @Slot(str, str)
    def _on_banner_action_requested(self, action: str, scene_id: str) -> None:
        kind = ErrorAction(action)
        if kind is ErrorAction.RETRY and scene_id:
            self.request_render([scene_id])
        elif kind is ErrorAction.EDIT_PROMPT and scene_id:
            self.storyboard_view.select_ids([scene_id])
            self.inspector.show_scene_tab()
            self.scene_editor.prompt_edit.setFocus()
        elif kind is ErrorAction.OPEN_KEYS:
            self.keys_requested.emit()
        elif kind is ErrorAction.RETARGET:
            advice = self.error_banner.advice
            if advice is not None and advice.successor:
                # A model the server said is gone: the dialog opens on the model it named.
                ids, (provider, model) = successor_move(
                    self.ws.catalog, self.ws.document.project, scene_id, advice.successor
                )
                self.move_requested.emit(ids, provider, model)
            else:
                self.retarget_requested.emit([scene_id] if scene_id else [])
