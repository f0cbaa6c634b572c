"""`RenderConfirmDialog`: the render plan, shown before any money is spent."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from imageai.services.cost_summary import plan_text, usd_text
from imageai.services.render_plan import plan_lines, spend_line

if TYPE_CHECKING:
    from imageai.services.render_plan import RenderPlan


class RenderConfirmDialog(QDialog):
    """Lists each scene's cost, the paid jobs resumed, and the scenes left out (over budget,
    outcome unknown); "Don't ask again" turns the confirmation off in preferences."""

    def __init__(self, plan: RenderPlan, billed_usd: float, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Render scenes?")
        self.setMinimumWidth(520)  # one plan line per scene, not wrapped mid-formula
        # The cost line's words for the amount charged (`cost_summary`), never another sum.
        total = QLabel(f"<b>{plan_text(plan)}</b>")
        total.setObjectName("planTotal")
        total.setWordWrap(True)
        self.total = total
        self.details = QPlainTextEdit("\n".join(plan_lines(plan)))
        self.details.setReadOnly(True)
        self.details.setMaximumHeight(160)
        self.spent = QLabel(spend_line(plan, billed_usd))
        self.spent.setWordWrap(True)
        self.dont_ask = QCheckBox("Don't ask again (change it in Settings)")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(f"Render for {usd_text(plan.total_usd)}")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(total)
        layout.addWidget(self.details)
        layout.addWidget(self.spent)
        layout.addWidget(self.dont_ask)
        layout.addWidget(buttons)
