"""`MainWindow`: tabs (Video, and Images when it is added), the menus, and window state."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, Signal, Slot
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import QMessageBox, QTabWidget, QWidget

from imageai.gui.file_actions import Answer, FileActionsWindow
from imageai.gui.settings.keys_dialog import KeysDialog
from imageai.gui.video.project_settings_dialog import open_project_settings
from imageai.gui.video.retarget_dialog import RetargetDialog
from imageai.gui.video.workspace_panel import VideoWorkspacePanel
from imageai.services.jobs_model import quit_warning

if TYPE_CHECKING:
    from imageai.core.secrets import SecretStore
    from imageai.services.key_check_service import KeyCheckService
    from imageai.services.video_workspace import VideoWorkspace


class MainWindow(FileActionsWindow):
    """The app window. Other panels join with `add_tab(widget, title)`; the File menu's actions
    (save, open, import, export and their questions) live in `FileActionsWindow`.

    Signals:
        closing(): the window accepted a close; the app shuts its services down next
    """

    closing = Signal()

    def __init__(
        self,
        workspace: VideoWorkspace,
        secrets: SecretStore,
        keys: KeyCheckService,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ws = workspace
        self._secrets = secrets
        self._keys = keys
        self._keys_dialog: KeysDialog | None = None
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.setCentralWidget(self.tabs)
        self.video_panel = VideoWorkspacePanel(workspace, keys)
        self.add_tab(self.video_panel, "Video")
        self._build_menus()
        self.video_panel.keys_requested.connect(self.open_keys_dialog)
        self.video_panel.save_as_requested.connect(self._on_save_as_triggered)
        self.video_panel.retarget_requested.connect(self.open_retarget)
        self.video_panel.move_requested.connect(self.open_move)
        workspace.exporter.exported.connect(self._on_exporter_exported)
        workspace.exporter.export_failed.connect(self._on_exporter_export_failed)
        workspace.save_as_finished.connect(self._on_workspace_save_as_finished)
        workspace.save_as_failed.connect(self._on_workspace_save_as_failed)
        workspace.document.dirty_changed.connect(self._update_title)
        # Inserting or moving scenes renumbers them: the jobs list follows.
        workspace.document.project_changed.connect(workspace.jobs.refresh_labels)
        workspace.document.saved.connect(self._update_title)
        workspace.project_opened.connect(self._update_title)
        workspace.settings.changed.connect(self._on_settings_changed)
        self._restore_window()
        self._update_title()
        self.statusBar().showMessage("Ready")

    def add_tab(self, widget: QWidget, title: str) -> int:
        """Add a panel (the Images tab plugs in here)."""
        return self.tabs.addTab(widget, title)

    # ---- menus -------------------------------------------------------------------------------

    def _build_menus(self) -> None:
        menu = self.menuBar().addMenu("&File")
        self.new_action = self._add(
            menu, "&New project", self._on_new_triggered, QKeySequence.StandardKey.New
        )
        self.open_action = self._add(
            menu, "&Open…", self._on_open_triggered, QKeySequence.StandardKey.Open
        )
        self.recent_menu = menu.addMenu("Open &recent")
        self._fill_recent()
        menu.addSeparator()
        self.save_action = self._add(
            menu, "&Save", self._on_save_triggered, QKeySequence.StandardKey.Save
        )
        self.save_as_action = self._add(
            menu, "Save &as…", self._on_save_as_triggered, QKeySequence.StandardKey.SaveAs
        )
        menu.addSeparator()
        self.import_action = self._add(menu, "&Import script…", self._on_import_triggered)
        self.export_action = self._add(menu, "&Export cut…", self._on_export_triggered)
        menu.addSeparator()
        self.quit_action = self._add(menu, "&Quit", self.close, QKeySequence.StandardKey.Quit)
        edit = self.menuBar().addMenu("&Edit")
        edit.addAction(self.video_panel.undo_action)
        edit.addAction(self.video_panel.redo_action)
        self.project_settings_action = self._add(
            edit, "&Project settings…", self._on_project_settings
        )
        self.settings_menu = self.menuBar().addMenu("&Settings")
        self._add(self.settings_menu, "Settings and API &keys…", self.open_keys_dialog)

    def _add(
        self,
        menu: object,
        text: str,
        slot: object,
        shortcut: QKeySequence.StandardKey | None = None,
    ) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        menu.addAction(action)  # type: ignore[attr-defined]
        return action

    @Slot(str)
    def _on_settings_changed(self, section: str) -> None:
        if section == "recent_projects":
            self._fill_recent()
        elif section == "preferences":
            self.ws.runner.max_concurrency = self.ws.settings.preferences.max_concurrency

    # ---- dialogs -----------------------------------------------------------------------------

    @Slot(list)
    def open_retarget(self, scene_ids: list[str]) -> RetargetDialog:
        dialog = RetargetDialog(self.ws, scene_ids, self)
        dialog.open()
        return dialog

    @Slot(list, str, str)
    def open_move(self, scene_ids: list[str], provider: str, model: str) -> RetargetDialog:
        """The retarget dialog preset to ``model`` of ``provider``, cost before and after."""
        dialog = RetargetDialog(self.ws, scene_ids, self, successor=(provider, model))
        dialog.open()
        return dialog

    @Slot()
    def _on_project_settings(self) -> None:
        open_project_settings(self.ws, self)

    @Slot()
    def open_keys_dialog(self) -> KeysDialog:
        if self._keys_dialog is None or not self._keys_dialog.isVisible():
            self._keys_dialog = KeysDialog(self._keys, self.ws.settings, self)
            self._keys_dialog.open()
        self._keys_dialog.raise_()
        return self._keys_dialog

    # ---- window state ------------------------------------------------------------------------

    @Slot()
    def _update_title(self) -> None:
        doc = self.ws.document
        where = f" — {doc.folder}" if doc.folder else " (not saved yet)"
        star = "*" if doc.dirty else ""
        self.setWindowTitle(f"{star}{doc.project.title}{where} — ImageAI")

    def _restore_window(self) -> None:
        window = self.ws.settings.settings.window
        if window.geometry:
            self.restoreGeometry(QByteArray.fromHex(window.geometry.encode()))
        else:
            self.resize(1400, 900)
        if window.state:
            self.restoreState(QByteArray.fromHex(window.state.encode()))

    def ask_quit_while_paid(self, text: str) -> bool:
        answer = QMessageBox.question(
            self, "Paid renders running", text, Answer.Yes | Answer.No, Answer.No
        )
        return answer == Answer.Yes

    def closeEvent(self, event: QCloseEvent) -> None:
        warning = quit_warning(self.ws.jobs.paid_running())
        if warning and not self.ask_quit_while_paid(warning):
            event.ignore()
            return
        if not self.confirm_discard():
            event.ignore()
            return
        geometry = bytes(self.saveGeometry().toHex().data()).decode()
        state = bytes(self.saveState().toHex().data()).decode()
        self.ws.settings.set_window(geometry, state)
        self.closing.emit()
        event.accept()
