"""`CostLabel`: the live estimate for the selection and the storyboard, and the spend so far."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QLabel, QWidget

if TYPE_CHECKING:
    from imageai.services.cost_summary import CostSummary, CostTracker


class CostLabel(QLabel):
    """Shows a `CostTracker`'s summary, updated on every change."""

    def __init__(self, tracker: CostTracker, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("costLabel")
        self.setWordWrap(True)
        tracker.summary_changed.connect(self._on_tracker_summary_changed)
        self.show_summary(tracker.summary)

    def show_summary(self, summary: CostSummary) -> None:
        parts = [summary.selected, summary.total, summary.billed]
        if summary.budget:
            parts.append(summary.budget)
        self.setText("   |   ".join(parts))
        self.setToolTip("\n".join(summary.problems) or "Estimates come from the price table.")
        self.setStyleSheet("color: #991b1b;" if summary.problems else "")

    @Slot(object)
    def _on_tracker_summary_changed(self, summary: object) -> None:
        self.show_summary(summary)  # type: ignore[arg-type]
