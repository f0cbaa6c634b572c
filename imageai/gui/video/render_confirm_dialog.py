"""`RenderConfirmDialog`: the estimate, shown before any money is spent."""

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

if TYPE_CHECKING:
    from imageai.core.pricing import CostEstimate


def estimate_lines(est: CostEstimate) -> list[str]:
    lines = []
    for row in est.scenes:
        lines.append(f"Scene {row.index}  {row.provider.value} {row.model}: {row.formula()}")
    return lines


class RenderConfirmDialog(QDialog):
    """Lists each scene's cost; "Don't ask again" turns the confirmation off in preferences."""

    def __init__(
        self,
        est: CostEstimate,
        billed_usd: float,
        budget_usd: float | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Render scenes?")
        total = QLabel(f"<b>{est.summary()}</b>")
        details = QPlainTextEdit("\n".join(estimate_lines(est)))
        details.setReadOnly(True)
        details.setMaximumHeight(160)
        spent = f"Billed so far: ${billed_usd:.2f}"
        if budget_usd is not None:
            spent += f" of a ${budget_usd:.2f} budget"
        self.dont_ask = QCheckBox("Don't ask again (change it in Settings)")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(f"Render for ${est.total_usd:.2f}")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(total)
        layout.addWidget(details)
        layout.addWidget(QLabel(spent))
        layout.addWidget(self.dont_ask)
        layout.addWidget(buttons)
