"""`CostLabel`: the live estimate for the selection and the storyboard, and the spend so far."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, Slot
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QLabel, QWidget

if TYPE_CHECKING:
    from imageai.services.cost_summary import CostSummary, CostTracker


class CostLabel(QLabel):
    """Shows a `CostTracker`'s summary, updated on every change."""

    def __init__(self, tracker: CostTracker, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("costLabel")
        self.setWordWrap(True)
        self._summary = tracker.summary
        tracker.summary_changed.connect(self._on_tracker_summary_changed)
        tracker.summary_pending.connect(self._on_tracker_summary_pending)
        app = QGuiApplication.instance()
        if isinstance(app, QGuiApplication):
            # A label with a style sheet is not always told of a new application palette.
            app.paletteChanged.connect(self._on_app_palette_changed)
        self.show_summary(tracker.summary)

    def show_summary(self, summary: CostSummary) -> None:
        self._summary = summary
        parts = [summary.selected, summary.total, summary.billed]
        if summary.budget:
            parts.append(summary.budget)
        self.setText("   |   ".join(parts))
        self.setToolTip("\n".join(summary.problems) or "Estimates come from the price table.")
        # A red that reads on the theme's background (the dark one needs a light red).
        dark = QGuiApplication.palette().window().color().lightness() < 128
        red = "#fca5a5" if dark else "#991b1b"
        sheet = f"color: {red};" if summary.problems else ""
        if sheet != self.styleSheet():  # a style sheet change is a palette change: no loop
            self.setStyleSheet(sheet)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            self.show_summary(self._summary)

    @Slot(object)
    def _on_tracker_summary_changed(self, summary: object) -> None:
        self.show_summary(summary)  # type: ignore[arg-type]

    @Slot()
    def _on_tracker_summary_pending(self) -> None:
        # Till the next pass prices the new project: no figure rather than the old one's.
        self.setText("Estimating costs…")
        self.setToolTip("")
        self.setStyleSheet("")

    @Slot()
    def _on_app_palette_changed(self) -> None:
        self.show_summary(self._summary)
