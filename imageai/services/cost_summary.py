"""One cost summary for every label: card prices, the cost line, timeline blocks, the confirm."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict
from PySide6.QtCore import QObject, Signal, Slot

from imageai.core.models import RenderState
from imageai.core.pricing import estimate

if TYPE_CHECKING:
    from imageai.core.catalog import Catalog
    from imageai.core.models import Project, Scene
    from imageai.core.pricing import CostEstimate, SceneCost
    from imageai.services.project_document import ProjectDocument
    from imageai.services.render_plan import RenderPlan

#: Appended where some price still to pay was not confirmed by the vendor.
UNVERIFIED = " (unverified prices)"
#: A job that exists at the provider: rendering it again polls that job, it is not paid again.
_LIVE = (RenderState.QUEUED, RenderState.RENDERING, RenderState.DOWNLOADING, RenderState.CANCELLED)


class PriceKind(StrEnum):
    """What a scene's money figure means."""

    ESTIMATE = "estimate"  # a new create: counted in the storyboard's total
    INVALID = "invalid"  # its settings cannot render: not priced, counted apart
    RENDERED = "rendered"  # done: what it was billed, nothing more
    PAID = "paid"  # billed, its job not finished: a render resumes it at $0
    HELD = "held"  # a create's outcome is unknown: a render leaves it alone


class ScenePrice(BaseModel):
    """One scene's money, the way every label shows it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: PriceKind
    #: Short, for a card or a timeline block: "est. $0.80", "billed $0.40", "invalid".
    text: str
    #: The reason or the formula, for a tooltip.
    tip: str
    #: What rendering it would cost now (only an `ESTIMATE` counts).
    usd: float = 0.0


def usd_text(usd: float) -> str:
    return f"${usd:.2f}"


def scene_price(cost: SceneCost, scene: Scene) -> ScenePrice:
    """How ``scene`` (priced by ``cost``) is shown and counted; the same rules as a render plan:
    a done scene costs nothing more, a paid job resumes free, an unknown outcome is held back."""
    billed = scene.billed_usd
    if cost.already_rendered:
        return ScenePrice(
            kind=PriceKind.RENDERED, text=f"billed {usd_text(billed)}", tip="Rendered."
        )
    if scene.state is RenderState.OUTCOME_UNKNOWN:
        return ScenePrice(
            kind=PriceKind.HELD,
            text="possibly billed",
            tip=f"A create was sent and its answer never came: it may be billed about "
            f"{usd_text(cost.usd)}. Render all leaves it alone; render it by itself to create "
            "it anew.",
        )
    if billed > 0 and scene.job_id and scene.state in _LIVE:
        return ScenePrice(
            kind=PriceKind.PAID,
            text=f"billed {usd_text(billed)}",
            tip=f"Billed {usd_text(billed)}; rendering it resumes the paid job "
            "(nothing is paid again).",
        )
    if cost.error:
        return ScenePrice(
            kind=PriceKind.INVALID, text="invalid", tip=f"Cannot render: {cost.error}"
        )
    unverified = "" if cost.price_verified else " (unverified price)"
    earlier = f"; billed {usd_text(billed)} for an earlier try" if billed > 0 else ""
    return ScenePrice(
        kind=PriceKind.ESTIMATE,
        text=f"est. {usd_text(cost.usd)}",
        tip=f"{cost.formula()}{unverified}{earlier}",
        usd=cost.usd,
    )


def price_text(cost: SceneCost | None, scene: Scene | None) -> str:
    """A scene card's or timeline block's price ("" before the scene is priced)."""
    if cost is None or scene is None:
        return ""
    return scene_price(cost, scene).text


def price_tip(cost: SceneCost | None, scene: Scene | None) -> str:
    """The price's reason or formula, for the scene's tooltip."""
    if cost is None or scene is None:
        return ""
    return scene_price(cost, scene).tip


class CostSummary(BaseModel):
    """What the cost line shows; plain text, computed without Qt."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    selected: str
    total: str
    billed: str
    #: What rendering the storyboard (or the selection) would charge now: new creates only,
    #: as the confirm dialog's plan counts them.
    total_usd: float
    selected_usd: float
    budget: str = ""
    problems: tuple[str, ...] = ()
    #: Scenes not priced because their settings cannot render (never silently $0).
    invalid: int = 0


Row = tuple["SceneCost", ScenePrice]


def _rows(project: Project, est: CostEstimate) -> list[Row]:
    scenes = {s.id: s for s in project.scenes}
    return [(row, scene_price(row, scenes[row.id])) for row in est.scenes]


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _new_creates(rows: list[Row]) -> list[SceneCost]:
    return [row for row, price in rows if price.kind is PriceKind.ESTIMATE]


def _group_text(rows: list[Row]) -> str:
    """E.g. ``2 scenes, 16 s: $1.20 · 1 scene invalid (not priced) · 1 paid job resumes free``."""
    new = _new_creates(rows)
    usd = round(sum(r.usd for r in new), 4)
    parts = [
        f"{_count(len(new), 'scene', 'scenes')}, {sum(r.seconds for r in new)} s: {usd_text(usd)}"
    ]
    kinds = [price.kind for _row, price in rows]
    if invalid := kinds.count(PriceKind.INVALID):
        parts.append(f"{_count(invalid, 'scene', 'scenes')} invalid (not priced)")
    if paid := kinds.count(PriceKind.PAID):
        verb = "resumes" if paid == 1 else "resume"
        parts.append(f"{_count(paid, 'paid job', 'paid jobs')} {verb} free")
    if held := kinds.count(PriceKind.HELD):
        parts.append(f"{held} held back (outcome unknown)")
    if any(not r.price_verified for r in new):
        parts[0] += UNVERIFIED
    return " · ".join(parts)


def _selection_text(rows: list[Row]) -> str:
    if not rows:
        return "No scene selected"
    if len(rows) == 1:
        row, price = rows[0]
        if price.kind is PriceKind.RENDERED:
            return f"Scene {row.index}: rendered"
        if price.kind is PriceKind.ESTIMATE:
            return f"Scene {row.index}: {price.tip}"
        return f"Scene {row.index}: {price.text}: {price.tip}"
    pending = [(r, p) for r, p in rows if p.kind is not PriceKind.RENDERED]
    if len(pending) == 1 and pending[0][1].kind is PriceKind.ESTIMATE:
        return f"Selected: {pending[0][1].tip}"
    return f"Selected: {_group_text(pending)}"


def _total_text(rows: list[Row]) -> str:
    if rows and all(price.kind is PriceKind.RENDERED for _row, price in rows):
        return f"Storyboard: all {len(rows)} scenes rendered"
    return f"Storyboard: {_group_text([r for r in rows if r[1].kind is not PriceKind.RENDERED])}"


def summarize(project: Project, selected_ids: list[str], catalog: Catalog) -> CostSummary:
    """E.g. selected "8 s x $0.10/s = $0.80", total "12 scenes, 96 s: $9.60", billed "$1.20"."""
    whole = _rows(project, estimate(project, catalog=catalog))
    wanted = set(selected_ids)
    chosen = [r for r in whole if r[0].id in wanted]
    billed = project.billed_usd
    budget = ""
    if project.budget_usd is not None:
        left = project.budget_usd - billed
        budget = f"budget ${project.budget_usd:.2f}, ${left:.2f} left"
    return CostSummary(
        selected=_selection_text(chosen),
        total=_total_text(whole),
        billed=f"Billed so far: {usd_text(billed)}",
        total_usd=round(sum(r.usd for r in _new_creates(whole)), 4),
        selected_usd=round(sum(r.usd for r in _new_creates(chosen)), 4),
        budget=budget,
        problems=tuple(
            f"scene {row.index}: {row.error}"
            for row, price in whole
            if price.kind is PriceKind.INVALID
        ),
        invalid=sum(1 for _row, price in whole if price.kind is PriceKind.INVALID),
    )


def plan_text(plan: RenderPlan) -> str:
    """The confirm dialog's headline, in the cost line's words: e.g. ``2 scenes, 16 s: $1.20 ·
    1 paid job resumes free``; its amount is exactly what the plan charges."""
    new = plan.estimate.scenes
    seconds = sum(r.seconds for r in new)
    parts = [f"{_count(len(new), 'scene', 'scenes')}, {seconds} s: {usd_text(plan.total_usd)}"]
    if plan.estimate.unverified:
        parts[0] += UNVERIFIED
    if resumes := len(plan.resumes):
        verb = "resumes" if resumes == 1 else "resume"
        parts.append(f"{_count(resumes, 'paid job', 'paid jobs')} {verb} free")
    if plan.held_back:
        parts.append(f"{len(plan.held_back)} held back (outcome unknown)")
    if plan.over_budget:
        parts.append(f"{_count(len(plan.over_budget), 'scene', 'scenes')} over the budget")
    return " · ".join(parts)


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
