"""The Video tab's remix flow: ask for change prompts, price them, queue the takes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QDialog, QWidget

from imageai.core.errors import ErrorKind, ImageAIError, JobError
from imageai.gui.video.remix_dialog import RemixDialog
from imageai.services.error_advice import advise_remix

if TYPE_CHECKING:
    from PySide6.QtCore import SignalInstance
    from PySide6.QtWidgets import QTabWidget

    from imageai.gui.video.error_banner import ErrorBanner
    from imageai.gui.video.jobs_panel import JobsPanel
    from imageai.services.error_advice import ErrorAdvice
    from imageai.services.remix_service import AnyRemixPlan
    from imageai.services.video_workspace import VideoWorkspace


class RemixActionsMixin:
    """Remix and error-banner handling for `VideoWorkspacePanel` (which provides the widgets)."""

    ws: VideoWorkspace
    error_banner: ErrorBanner
    bottom_tabs: QTabWidget
    jobs_panel: JobsPanel
    keys_requested: SignalInstance

    if TYPE_CHECKING:  # provided by the panel

        def selected_ids(self) -> list[str]: ...
        def show_problem(self, title: str, message: str) -> None: ...
        def _update_actions(self) -> None: ...

    def show_error(self, advice: ErrorAdvice, scene_id: str, error: JobError) -> None:
        """Show a failed job's advice; a rejected key also opens the key dialog."""
        self.error_banner.show_advice(advice, scene_id)
        if error.kind in (ErrorKind.AUTH, ErrorKind.PERMISSION):
            self.keys_requested.emit()

    def ask_remix(self, scene_id: str, prompts: list[str] | None) -> AnyRemixPlan | None:
        """The change prompts and the agreed estimate, from the Remix dialog (None: cancelled)."""
        parent = self if isinstance(self, QWidget) else None
        dialog = RemixDialog(self.ws, scene_id, prompts, parent)
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
        return dialog.plan if accepted else None

    def request_remix(self, scene_id: str, prompts: list[str] | None = None) -> list[str]:
        """Ask for prompts, show the estimate, then queue the variations; returns job ids."""
        blocker = self.ws.remixer.blocker(scene_id)
        if blocker is not None:
            self.show_problem("Cannot remix", blocker)
            return []
        plan = self.ask_remix(scene_id, prompts)
        if plan is None:
            return []
        try:
            job_ids = self.ws.remix(plan)
        except ImageAIError as exc:  # e.g. another process is rendering this project
            self.show_problem("Cannot remix", str(exc))
            return []
        self.error_banner.hide()
        self.bottom_tabs.setCurrentWidget(self.jobs_panel)
        self._update_actions()
        return job_ids

    @Slot()
    def _on_remix_triggered(self) -> None:
        ids = self.selected_ids()
        if len(ids) == 1:
            self.request_remix(ids[0])

    @Slot(str, object)
    def _on_remixer_remix_failed(self, scene_id: str, error: object) -> None:
        assert isinstance(error, JobError)
        provider = self.ws.remixer.provider_of(scene_id)
        self.show_error(
            advise_remix(error, self.ws.scene_label(scene_id), provider), scene_id, error
        )
        self._update_actions()

    @Slot(str)
    def _on_take_failed(self, message: str) -> None:
        self.show_problem("Cannot use that take", message)
