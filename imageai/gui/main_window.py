"""`MainWindow`: tabs (Video, and Images when it is added), the File menu, and unsaved-changes care."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, Signal, Slot
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMainWindow, QMessageBox, QTabWidget, QWidget

from imageai.core.errors import ImageAIError
from imageai.core.script_import import ReferenceOutsideError
from imageai.gui.settings.keys_dialog import KeysDialog
from imageai.gui.video.project_settings_dialog import open_project_settings
from imageai.gui.video.retarget_dialog import RetargetDialog
from imageai.gui.video.workspace_panel import VideoWorkspacePanel
from imageai.services.jobs_model import quit_warning
from imageai.services.video_workspace import NeedsFolderError

if TYPE_CHECKING:
    from imageai.core.secrets import SecretStore
    from imageai.services.key_check_service import KeyCheckService
    from imageai.services.video_workspace import VideoWorkspace

Answer = QMessageBox.StandardButton


class MainWindow(QMainWindow):
    """The app window. Other panels join with `add_tab(widget, title)`.

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

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        recent = self.ws.settings.settings.recent_projects
        for path in recent:
            action = self.recent_menu.addAction(path)
            action.setData(path)
            action.triggered.connect(self._on_recent_triggered)
        self.recent_menu.setEnabled(bool(recent))

    @Slot(str)
    def _on_settings_changed(self, section: str) -> None:
        if section == "recent_projects":
            self._fill_recent()
        elif section == "preferences":
            self.ws.runner.max_concurrency = self.ws.settings.preferences.max_concurrency

    # ---- file actions ------------------------------------------------------------------------

    def confirm_discard(self) -> bool:
        """True when there is nothing unsaved, or the user saved or chose to discard it."""
        if not self.ws.document.dirty:
            return True
        answer = self.ask_unsaved()
        if answer == Answer.Save:
            return self.save()
        return answer == Answer.Discard

    def ask_unsaved(self) -> QMessageBox.StandardButton:
        return QMessageBox.question(
            self,
            "Unsaved changes",
            "The project has unsaved changes. Save them?",
            Answer.Save | Answer.Discard | Answer.Cancel,
            Answer.Save,
        )

    def save(self) -> bool:
        try:
            self.ws.save()
        except NeedsFolderError:
            return self.save_as()
        except (OSError, ImageAIError) as exc:
            self.show_error("Could not save", str(exc))
            return False
        self.statusBar().showMessage("Saved", 3000)
        return True

    def project_folder_dialog(self, title: str) -> QFileDialog:
        """A dialog for the project's folder where a new folder's name can be typed (it is
        created on save), starting from the project's title."""
        dialog = QFileDialog(self, title)
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setFileMode(QFileDialog.FileMode.AnyFile)
        dialog.setLabelText(QFileDialog.DialogLabel.FileName, "Project folder:")
        dialog.setLabelText(QFileDialog.DialogLabel.Accept, "Save here")
        dialog.selectFile(self.ws.document.project.title.strip() or "Untitled")
        return dialog

    def choose_project_folder(self, title: str = "Save project as a folder") -> Path | None:
        dialog = self.project_folder_dialog(title)
        if dialog.exec() != QFileDialog.DialogCode.Accepted or not dialog.selectedFiles():
            return None
        return Path(dialog.selectedFiles()[0])

    def save_as(self, folder: Path | None = None) -> bool:
        if folder is None:
            folder = self.choose_project_folder()
            if folder is None:
                return False
        try:
            path = self.ws.save_as(folder)
        except (OSError, ImageAIError) as exc:
            self.show_error("Could not save", str(exc))
            return False
        if path is None:  # the clips are being copied on a job thread
            self.video_panel.bottom_tabs.setCurrentWidget(self.video_panel.jobs_panel)
            self.statusBar().showMessage(f"Copying the project's files to {folder}…")
        return True

    @Slot(str)
    def _on_workspace_save_as_finished(self, path: str) -> None:
        self.statusBar().showMessage(f"Saved to {path}", 5000)

    @Slot(object)
    def _on_workspace_save_as_failed(self, error: object) -> None:
        self.statusBar().clearMessage()
        self.show_error("Save As did not finish", getattr(error, "user_message", str(error)))

    def open_project(self, folder: Path) -> bool:
        if not self.confirm_discard() or not self._stop_renders():
            return False
        try:
            self.ws.open_project(folder)
        except (OSError, ImageAIError) as exc:
            self.show_error("Could not open the project", str(exc))
            return False
        return True

    def _stop_renders(self) -> bool:
        if self.ws.is_busy():
            self.ws.cancel()
            self.show_error(
                "Renders running", "Wait for the cancelled renders to stop, then retry."
            )
            return False
        return True

    def show_error(self, title: str, message: str) -> None:
        self.video_panel.show_problem(title, message)

    @Slot()
    def _on_new_triggered(self) -> None:
        if self.confirm_discard() and self._stop_renders():
            self.ws.new_project()

    @Slot()
    def _on_open_triggered(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, "Open project folder")
        if chosen:
            self.open_project(Path(chosen))

    @Slot()
    def _on_recent_triggered(self) -> None:
        action = self.sender()
        if isinstance(action, QAction):
            self.open_project(Path(str(action.data())))

    @Slot()
    def _on_save_triggered(self) -> None:
        self.save()

    @Slot()
    def _on_save_as_triggered(self) -> None:
        self.save_as()

    def explain_import_needs_folder(self) -> bool:
        """Why a script import saves the project first; True to go on and choose a folder."""
        answer = QMessageBox.information(
            self,
            "Save the project first",
            "Importing a script needs a saved project: each scene's reference images are "
            "copied into the project's folder.\n\nNext, choose where the project goes: type "
            "a new folder's name (it is created) or pick an empty folder.",
            QMessageBox.StandardButton.Ok | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Ok,
        )
        return answer == QMessageBox.StandardButton.Ok

    @Slot()
    def _on_import_triggered(self) -> None:
        if self.ws.document.folder is None and not (
            self.explain_import_needs_folder() and self.save_as()
        ):
            return
        chosen, _ = QFileDialog.getOpenFileName(
            self, "Import script", "", "Scripts (*.txt *.md);;All files (*)"
        )
        if chosen:
            self.import_script(Path(chosen))

    def import_script(self, script: Path) -> bool:
        """Import ``script``; a reference outside the script's folder is allowed only from a
        folder the user chooses here (asked once per folder)."""
        allowed: list[Path] = []
        while True:
            try:
                count = self.ws.import_script(script, allowed)
            except ReferenceOutsideError as exc:
                folder = self.choose_reference_folder(exc)
                if folder is None:
                    return False
                allowed.append(folder)
                continue
            except (OSError, ImageAIError) as exc:
                self.show_error("Could not import the script", str(exc))
                return False
            self.statusBar().showMessage(f"Imported {count} scenes", 3000)
            return True

    def choose_reference_folder(self, error: ReferenceOutsideError) -> Path | None:
        """Ask whether images may come from the folder the script points to; None: cancelled."""
        answer = QMessageBox.question(
            self,
            "Reference outside the script's folder",
            f"{error.message}\n\nImages are taken only from the script's folder or a folder you "
            "choose. Choose the folder that holds this script's images?",
            QMessageBox.StandardButton.Ok | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Ok,
        )
        if answer != QMessageBox.StandardButton.Ok:
            return None
        chosen = QFileDialog.getExistingDirectory(
            self, "Folder of the script's images", str(error.folder)
        )
        return Path(chosen) if chosen else None

    @Slot()
    def _on_export_triggered(self) -> None:
        folder = self.ws.document.folder
        start = str(folder / "cut.mp4") if folder else "cut.mp4"
        chosen, _ = QFileDialog.getSaveFileName(self, "Export cut", start, "MP4 video (*.mp4)")
        if chosen:
            self.export_cut(Path(chosen))

    def export_cut(self, out: Path) -> bool:
        try:
            self.ws.export(out)
        except (ValueError, ImageAIError, NeedsFolderError) as exc:
            self.show_error("Cannot export yet", str(exc))
            return False
        self.video_panel.bottom_tabs.setCurrentWidget(self.video_panel.jobs_panel)
        return True

    @Slot(str)
    def _on_exporter_exported(self, path: str) -> None:
        self.statusBar().showMessage(f"Exported {path}", 5000)

    @Slot(object)
    def _on_exporter_export_failed(self, error: object) -> None:
        self.show_error("Export failed", getattr(error, "user_message", str(error)))

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
