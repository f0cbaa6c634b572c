"""`VideoWorkspacePanel`: the Video tab, composed of the storyboard, editor, controls and jobs."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QSplitter, QTabWidget, QToolBar, QVBoxLayout, QWidget

from imageai.core.models import RenderState
from imageai.gui.video.cost_label import CostLabel
from imageai.gui.video.cut_viewer import CutViewer
from imageai.gui.video.error_banner import ErrorBanner
from imageai.gui.video.inspector import InspectorWidget
from imageai.gui.video.jobs_panel import JobsPanel
from imageai.gui.video.log_console import LogConsole
from imageai.gui.video.remix_actions import RemixActionsMixin
from imageai.gui.video.render_actions import RenderActionsMixin
from imageai.gui.video.storyboard_view import StoryboardView
from imageai.gui.video.undo_actions import UndoRedoActions, undo_inputs
from imageai.services.action_state import ADD_SHORTCUT, Action, ActionInputs, action_state
from imageai.services.error_advice import ErrorAdvice

if TYPE_CHECKING:
    from imageai.core.models import Project
    from imageai.services.key_check_service import KeyCheckService
    from imageai.services.video_workspace import VideoWorkspace

#: The player's column never gets narrower than its transport row (two rows of controls).
VIEWER_MIN_WIDTH = 280
#: The scene editor's labels and combos stay readable; its form scrolls below this.
INSPECTOR_MIN_WIDTH = 300


class VideoWorkspacePanel(RenderActionsMixin, RemixActionsMixin, QWidget):
    """The artist's video workflow; all state lives in the `VideoWorkspace`.

    Signals:
        keys_requested(): an auth error or a click asks for the API key dialog
        retarget_requested(scene_ids): move scenes to another provider
        move_requested(scene_ids, provider, model): move them to a named successor model
        save_as_requested(): the action needs the project in a folder first
    """

    keys_requested = Signal()
    retarget_requested = Signal(list)
    move_requested = Signal(list, str, str)
    save_as_requested = Signal()

    def __init__(
        self,
        workspace: VideoWorkspace,
        keys: KeyCheckService | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ws = workspace
        self.storyboard_view = StoryboardView()
        self.storyboard_view.setModel(workspace.storyboard)
        # The embedded player over the timeline; both follow the storyboard's selection.
        self.viewer = CutViewer(workspace, self.storyboard_view)
        # Scene and project settings apart: the selected scene on one tab, the project on another.
        self.inspector = InspectorWidget(workspace, keys)
        self.scene_editor = self.inspector.scene_editor
        self.project_tab = self.inspector.project_tab
        self.provider_selector = self.project_tab.provider_selector
        self.cost_label = CostLabel(workspace.costs)
        self.error_banner = ErrorBanner()
        self.jobs_panel = JobsPanel(workspace.jobs)
        self.log_console = LogConsole(workspace.log)
        self.toolbar = QToolBar("Storyboard")
        self._build_actions()
        bottom = QTabWidget()
        bottom.addTab(self.jobs_panel, "Jobs")
        bottom.addTab(self.log_console, "Log")
        self.bottom_tabs = bottom
        # Three columns, as in an editor: the storyboard over the queue, the player over the
        # timeline (the whole height, so the picture is not squeezed between the storyboard and
        # the jobs), and the inspector. At 1024x700 the storyboard still shows four cards and the
        # picture keeps ~250 px; the queue column can be dragged up or collapsed.
        left = QSplitter(Qt.Orientation.Vertical)
        left.addWidget(self.storyboard_view)
        left.addWidget(bottom)
        left.setStretchFactor(0, 3)
        left.setStretchFactor(1, 1)
        left.setCollapsible(0, False)
        left.setSizes([400, 160])
        self.viewer.setMinimumWidth(VIEWER_MIN_WIDTH)
        self.inspector.setMinimumWidth(INSPECTOR_MIN_WIDTH)
        main = QSplitter(Qt.Orientation.Horizontal)
        main.addWidget(left)
        main.addWidget(self.viewer)
        main.addWidget(self.inspector)
        for index, stretch in enumerate((1, 3, 2)):
            main.setStretchFactor(index, stretch)
            main.setCollapsible(index, False)
        main.setSizes([360, 300, 340])
        self.main_splitter, self.left_splitter = main, left
        layout = QVBoxLayout(self)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.error_banner)
        layout.addWidget(main, 1)
        layout.addWidget(self.cost_label)
        self._connect()

    # ---- construction ------------------------------------------------------------------------

    def _action(
        self, text: str, slot: object, shortcut: QKeySequence | str | None = None, tip: str = ""
    ) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.setToolTip(tip or text)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        stack = self.ws.editor.undo_stack
        # Ctrl+N is File > New project; one key for two actions would trigger neither.
        self.add_action = self._action("Add scene", self._on_add_triggered, ADD_SHORTCUT)
        self.duplicate_action = self._action("Duplicate", self._on_duplicate_triggered, "Ctrl+D")
        self.delete_action = self._action(
            "Delete", self._on_delete_triggered, QKeySequence(QKeySequence.StandardKey.Delete)
        )
        undo_redo = UndoRedoActions(stack, self)
        self.undo_action, self.redo_action = undo_redo.undo, undo_redo.redo
        self.render_selected_action = self._action("Render selected", self._on_render_selected)
        self.render_all_action = self._action("Render all", self._on_render_all)
        self.render_again_action = self._action("Render again", self._on_render_again_triggered)
        self.cancel_action = self._action(
            "Cancel", self._on_cancel_triggered, tip="Cancel every running render"
        )
        self.preview_action = self._action("Preview", self._on_preview_triggered)
        self.retarget_action = self._action("Retarget…", self._on_retarget_triggered)
        self.remix_action = self._action("Remix…", self._on_remix_triggered)
        for action in (
            self.add_action,
            self.duplicate_action,
            self.delete_action,
            None,
            self.undo_action,
            self.redo_action,
            None,
            self.render_selected_action,
            self.render_all_action,
            self.render_again_action,
            self.cancel_action,
            None,
            self.preview_action,
            self.remix_action,
            self.retarget_action,
        ):
            if action is None:
                self.toolbar.addSeparator()
            else:
                self.toolbar.addAction(action)

    def _connect(self) -> None:
        ws = self.ws
        ws.editor.selection_requested.connect(self._on_editor_selection_requested)
        ws.scene_failed.connect(self._on_workspace_scene_failed)
        ws.render_finished.connect(self._on_workspace_render_finished)
        ws.render_save_failed.connect(self._on_workspace_render_save_failed)
        ws.project_opened.connect(self._on_workspace_project_opened)
        ws.runner.job_started.connect(self._update_actions)
        self.storyboard_view.selectionModel().selectionChanged.connect(self._on_selection_changed)
        ws.storyboard.modelReset.connect(self._on_selection_changed)
        self.storyboard_view.doubleClicked.connect(self._on_storyboard_double_clicked)
        self.jobs_panel.cancel_requested.connect(self._on_jobs_cancel_requested)
        self.jobs_panel.retry_requested.connect(self._on_jobs_retry_requested)
        self.error_banner.action_requested.connect(self._on_banner_action_requested)
        self.scene_editor.reference_failed.connect(self._on_reference_failed)
        self.scene_editor.takes_strip.take_failed.connect(self._on_take_failed)
        self.scene_editor.veo_images.image_failed.connect(self._on_reference_failed)
        ws.remixer.remix_failed.connect(self._on_remixer_remix_failed)
        ws.remixer.take_added.connect(self._update_actions)
        ws.document.project_changed.connect(self._update_actions)
        self.storyboard_view.context_actions = [
            self.preview_action,
            self.remix_action,
            None,
            self.render_selected_action,
            self.render_again_action,
            self.duplicate_action,
            self.delete_action,
            None,
            self.retarget_action,
        ]
        self._update_actions()

    # ---- selection ---------------------------------------------------------------------------

    def selected_ids(self) -> list[str]:
        return self.storyboard_view.selected_ids()

    @Slot(list)
    def _on_editor_selection_requested(self, scene_ids: list[str]) -> None:
        self.storyboard_view.select_ids(scene_ids)
        self._on_selection_changed()

    @Slot()
    def _on_selection_changed(self) -> None:
        ids = self.selected_ids()
        self.ws.costs.set_selection(ids)
        self.inspector.set_scene(ids[0] if len(ids) == 1 else None)
        self._update_actions()

    def _actions_by_name(self) -> dict[Action, QAction]:
        return {
            Action.ADD: self.add_action,
            Action.UNDO: self.undo_action,
            Action.REDO: self.redo_action,
            Action.DUPLICATE: self.duplicate_action,
            Action.DELETE: self.delete_action,
            Action.RENDER_SELECTED: self.render_selected_action,
            Action.RETARGET: self.retarget_action,
            Action.RENDER_ALL: self.render_all_action,
            Action.RENDER_AGAIN: self.render_again_action,
            Action.PREVIEW: self.preview_action,
            Action.CANCEL: self.cancel_action,
            Action.REMIX: self.remix_action,
        }

    @Slot()
    def _update_actions(self) -> None:
        """The one place actions take their enabled state and tooltip (`action_state`; Undo and
        Redo also follow the stack between calls, by the same rule)."""
        ids = self.selected_ids()
        project = self.ws.document.project
        inputs = ActionInputs(
            scene_count=len(project.scenes),
            selected=len(ids),
            selected_done=sum(
                1 for s in project.scenes if s.id in ids and s.state is RenderState.DONE
            ),
            busy=self.ws.is_busy(),
            remix_blocker=self.ws.remixer.blocker(ids[0]) if len(ids) == 1 else None,
            undo=undo_inputs(self.ws.editor.undo_stack),
            add_after=_number_of(project, ids[-1]) if ids else None,
        )
        actions = self._actions_by_name()
        for name, (enabled, tip) in action_state(inputs).items():
            actions[name].setEnabled(enabled)
            actions[name].setToolTip(tip)

    # ---- storyboard edits --------------------------------------------------------------------

    @Slot()
    def _on_add_triggered(self) -> None:
        ids = self.selected_ids()
        project = self.ws.document.project
        row = project.index_of(ids[-1]) + 1 if ids else None
        self.ws.editor.add_scene(row)
        self.inspector.show_scene_tab()
        self.scene_editor.prompt_edit.setFocus()

    @Slot()
    def _on_duplicate_triggered(self) -> None:
        self.ws.editor.duplicate(self.selected_ids())

    @Slot()
    def _on_delete_triggered(self) -> None:
        self.ws.editor.delete(self.selected_ids())

    # ---- problems ----------------------------------------------------------------------------

    def show_problem(self, title: str, message: str) -> None:
        self.error_banner.show_advice(ErrorAdvice(title=title, message=message))

    @Slot(str)
    def _on_reference_failed(self, message: str) -> None:
        self.show_problem("Cannot use that image", message)

    @Slot()
    def _on_workspace_project_opened(self) -> None:
        self.error_banner.hide()
        self._on_selection_changed()

    @Slot()
    def _on_preview_triggered(self) -> None:
        if len(self.selected_ids()) == 1:
            self.viewer.play_selected()

    @Slot()
    def _on_storyboard_double_clicked(self) -> None:
        ids = self.selected_ids()
        if len(ids) == 1 and self.ws.rendered_clip(ids[0]) is not None:
            self.viewer.play_selected()

    @Slot()
    def _on_retarget_triggered(self) -> None:
        self.retarget_requested.emit(self.selected_ids())


def _number_of(project: Project, scene_id: str) -> int | None:
    """The scene's 1-based number, or None while the selection still names a removed scene."""
    try:
        return project.index_of(scene_id) + 1
    except KeyError:
        return None
