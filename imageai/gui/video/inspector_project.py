"""`ProjectTabWidget`: the project's title, budget, provider and that provider's controls."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from imageai.gui.binding import bind_text
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
        self.budget_edit = QLineEdit()
        self.budget_edit.setPlaceholderText("No budget")
        self.budget_edit.setToolTip("Renders that would take the spend past this are refused.")
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
        # Bound: each shows the project unless being typed in and is written once (undoable)
        # when editing ends; a refused budget is explained and the stored one shown again.
        changed = workspace.document.project_changed
        self.bindings = [
            bind_text(
                self.title_edit,
                changed,
                lambda: self._ws.document.project.title,
                lambda title: self._ws.editor.set_project_fields("Rename project", title=title),
                lambda text: text.strip() or "Untitled",
                lambda message: self._show_problem(f"Title: {message}."),
            ),
            bind_text(
                self.budget_edit,
                changed,
                lambda: self._ws.document.project.budget_usd,
                lambda usd: self._ws.editor.set_project_fields("Set budget", budget_usd=usd),
                self._parse_budget,
                lambda message: self._show_problem(f"Budget: {message}."),
                budget_text,
            ),
        ]

    def _parse_budget(self, text: str) -> float | None:
        budget = parse_budget(text)  # raises with the reason
        self.problem.hide()
        return budget

    def _show_problem(self, message: str) -> None:
        self.problem.setText(message)
        self.problem.show()
