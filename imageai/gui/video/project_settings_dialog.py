"""`ProjectSettingsDialog`: title, style note, budget and chaining, applied as one undoable edit."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from imageai.core.errors import ValidationError
from imageai.services.project_settings import budget_text, settings_changes

if TYPE_CHECKING:
    from imageai.services.video_workspace import VideoWorkspace


class ProjectSettingsDialog(QDialog):
    """Shows the project's values; OK validates and pushes the changes onto the undo stack."""

    def __init__(self, workspace: VideoWorkspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Project settings")
        self._ws = workspace
        project = workspace.document.project
        self.title_edit = QLineEdit(project.title)
        self.style_edit = QPlainTextEdit(project.style)
        self.style_edit.setPlaceholderText("e.g. 35 mm film, warm dusk light, slow camera moves")
        self.style_edit.setToolTip("Added to every scene's prompt by the prompt templates.")
        self.style_edit.setFixedHeight(80)
        self.budget_edit = QLineEdit(budget_text(project.budget_usd))
        self.budget_edit.setPlaceholderText("No budget")
        self.budget_edit.setToolTip("Renders that would take the spend past this are refused.")
        self.chain_check = QCheckBox("Chain scenes")
        self.chain_check.setChecked(project.chain_scenes)
        self.chain_check.setToolTip(
            "The last frame of each clip becomes the next scene's reference image."
        )
        self.problem = QLabel()
        self.problem.setObjectName("projectSettingsProblem")
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #991b1b;")
        self.problem.hide()
        form = QFormLayout()
        form.addRow("Title", self.title_edit)
        form.addRow("Style note", self.style_edit)
        form.addRow("Budget (USD)", self.budget_edit)
        form.addRow("", self.chain_check)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._on_buttons_accepted)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)

    def apply(self) -> bool:
        """Validate and apply; False (with the reason shown) when the budget is not valid."""
        try:
            changes = settings_changes(
                self._ws.document.project,
                title=self.title_edit.text(),
                style=self.style_edit.toPlainText(),
                budget_text=self.budget_edit.text(),
                chain_scenes=self.chain_check.isChecked(),
            )
        except ValidationError as exc:
            self.problem.setText(f"Budget: {exc.message}.")
            self.problem.show()
            self.budget_edit.setFocus()
            return False
        self.problem.hide()
        if changes:
            self._ws.editor.set_project_fields("Project settings", **changes)
        return True

    @Slot()
    def _on_buttons_accepted(self) -> None:
        if self.apply():
            self.accept()


def open_project_settings(workspace: VideoWorkspace, parent: QWidget) -> ProjectSettingsDialog:
    """Open the dialog window-modally; it deletes itself when closed."""
    dialog = ProjectSettingsDialog(workspace, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog
