"""Live cost texts for the selected scenes, the whole storyboard and the spend so far."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict
from PySide6.QtCore import QObject, Signal, Slot

from imageai.core.pricing import CostEstimate, estimate

if TYPE_CHECKING:
    from imageai.core.catalog import Catalog
    from imageai.core.models import Project
    from imageai.services.project_document import ProjectDocument


class CostSummary(BaseModel):
    """What the cost label shows; plain text, computed without Qt."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    selected: str
    total: str
    billed: str
    total_usd: float
    selected_usd: float
    budget: str = ""
    problems: tuple[str, ...] = ()


def _selection_text(est: CostEstimate) -> str:
    pending = [s for s in est.scenes if not s.already_rendered]
    if not est.scenes:
        return "No scene selected"
    if len(est.scenes) == 1:
        row = est.scenes[0]
        if row.already_rendered:
            return f"Scene {row.index}: rendered"
        unverified = "" if row.price_verified else " (unverified price)"
        return f"Scene {row.index}: {row.formula()}{unverified}"
    if len(pending) == 1:
        return f"Selected: {pending[0].formula()}"
    return f"Selected: {est.summary()}"


#: Appended where some price still to pay was not confirmed by the vendor.
UNVERIFIED = " (unverified prices)"


def _total_text(whole: CostEstimate) -> str:
    if whole.scenes and all(s.already_rendered for s in whole.scenes):
        return f"Storyboard: all {len(whole.scenes)} scenes rendered"
    return f"Storyboard: {whole.summary()}{UNVERIFIED if whole.unverified else ''}"


def summarize(project: Project, selected_ids: list[str], catalog: Catalog) -> CostSummary:
    """E.g. selected "8 s x $0.10/s = $0.80", total "12 scenes, 96 s: $9.60", billed "$1.20"."""
    whole = estimate(project, catalog=catalog)
    chosen = estimate(project, list(selected_ids), catalog)
    billed = project.billed_usd
    budget = ""
    if project.budget_usd is not None:
        left = project.budget_usd - billed
        budget = f"budget ${project.budget_usd:.2f}, ${left:.2f} left"
    return CostSummary(
        selected=_selection_text(chosen),
        total=_total_text(whole),
        billed=f"Billed so far: ${billed:.2f}",
        total_usd=whole.total_usd,
        selected_usd=chosen.total_usd,
        budget=budget,
        problems=tuple(f"scene {s.index}: {s.error}" for s in whole.scenes if s.error),
    )


class CostTracker(QObject):
    """Recomputes the `CostSummary` on every project or selection change.

    Signals:
        summary_changed(CostSummary)
    """

    summary_changed = Signal(object)

    def __init__(
        self, document: ProjectDocument, catalog: Catalog, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._doc = document
        self._catalog = catalog
        self._selected: list[str] = []
        self._summary = summarize(document.project, [], catalog)
        document.project_changed.connect(self._on_document_project_changed)

    @property
    def summary(self) -> CostSummary:
        return self._summary

    def set_selection(self, scene_ids: list[str]) -> None:
        self._selected = list(scene_ids)
        self._update()

    @Slot()
    def _on_document_project_changed(self) -> None:
        self._update()

    def _update(self) -> None:
        ids = {s.id for s in self._doc.project.scenes}
        self._selected = [i for i in self._selected if i in ids]
        summary = summarize(self._doc.project, self._selected, self._catalog)
        if summary != self._summary:
            self._summary = summary
            self.summary_changed.emit(summary)
