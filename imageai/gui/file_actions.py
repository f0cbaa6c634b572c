"""`FileActionsWindow`: the File menu's work: new, open, recent, save, save as, import script, export."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QMainWindow, QMessageBox

from imageai.core.errors import ImageAIError
from imageai.core.script_import import ReferenceOutsideError
from imageai.gui.binding import end_editing
from imageai.services.video_workspace import NeedsFolderError

if TYPE_CHECKING:
    from PySide6.QtWidgets import QMenu

    from imageai.gui.video.workspace_panel import VideoWorkspacePanel
    from imageai.services.video_workspace import VideoWorkspace

Answer = QMessageBox.StandardButton


class FileActionsWindow(QMainWindow):
    """The base of `MainWindow` that holds its project file actions and their questions.

    `MainWindow` sets ``ws``, ``video_panel`` and ``recent_menu`` and connects the signals.
    """

    ws: VideoWorkspace
    video_panel: VideoWorkspacePanel
    recent_menu: QMenu

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        recent = self.ws.settings.settings.recent_projects
        for path in recent:
            action = self.recent_menu.addAction(path)
            action.setData(path)
            action.triggered.connect(self._on_recent_triggered)
        self.recent_menu.setEnabled(bool(recent))

    def confirm_discard(self) -> bool:
        """True when there is nothing unsaved, or the user saved or chose to discard it."""
        # Bound fields write when editing ends: a close, New or Open would reach it only after
        # this question (or never), and the text typed last would be lost unasked.
        end_editing(self)
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
        end_editing(self)  # Ctrl+S in a field saves what it holds
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
