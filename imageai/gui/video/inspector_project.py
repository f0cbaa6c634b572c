"""`ProjectTabWidget`: the project's title, budget, provider and that provider's controls."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from imageai.core.errors import ValidationError
from imageai.gui.video.provider_selector import ProviderSelectorWidget
from imageai.services.project_settings import budget_text, parse_budget

if TYPE_CHECKING:
    from imageai.services.key_check_service import KeyCheckService
    from imageai.services.video_workspace import VideoWorkspace


class ProjectTabWidget(QWidget):
    """Settings every scene shares unless it overrides them; each change is undoable."""

    def __init__(
        self,
        workspace: VideoWorkspace,
        keys: KeyCheckService | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._ws = workspace
        self.title_edit = QLineEdit()
        self.title_edit.setPlaceholderText("Untitled")
        self.title_edit.editingFinished.connect(self._on_title_edit_editing_finished)
        self.budget_edit = QLineEdit()
        self.budget_edit.setPlaceholderText("No budget")
        self.budget_edit.setToolTip("Renders that would take the spend past this are refused.")
        self.budget_edit.editingFinished.connect(self._on_budget_edit_editing_finished)
        self.problem = QLabel()
        self.problem.setObjectName("projectTabProblem")
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #991b1b;")
        self.problem.hide()
        self.provider_selector = ProviderSelectorWidget(workspace, keys)
        form = QFormLayout()
        # In a narrow inspector a field goes under its label instead of past the tab's edge.
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.addRow("Title", self.title_edit)
        form.addRow("Budget (USD)", self.budget_edit)
        form.addRow("", self.problem)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.provider_selector, 1)
        workspace.document.project_changed.connect(self._on_document_project_changed)
        self._sync()

    def _sync(self) -> None:
        project = self._ws.document.project
        if not self.title_edit.hasFocus():
            self.title_edit.setText(project.title)
        if not self.budget_edit.hasFocus() and not self.problem.isVisibleTo(self):
            self.budget_edit.setText(budget_text(project.budget_usd))

    @Slot()
    def _on_document_project_changed(self) -> None:
        self._sync()

    @Slot()
    def _on_title_edit_editing_finished(self) -> None:
        title = self.title_edit.text().strip() or "Untitled"
        self._ws.editor.set_project_fields("Rename project", title=title)

    @Slot()
    def _on_budget_edit_editing_finished(self) -> None:
        try:
            budget = parse_budget(self.budget_edit.text())
        except ValidationError as exc:
            self.problem.setText(f"Budget: {exc.message}.")
            self.problem.show()
            return
        self.problem.hide()
        self._ws.editor.set_project_fields("Set budget", budget_usd=budget)
        self.budget_edit.setText(budget_text(budget))
