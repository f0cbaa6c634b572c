"""One cost summary for every label: card prices, the cost line, timeline blocks, the confirm."""

from __future__ import annotations

from contextlib import contextmanager
from enum import StrEnum
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict
from PySide6.QtCore import QObject, QTimer, Signal, Slot

from imageai.core.models import RenderState
from imageai.services.take_statuses import TakeStatuses

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping

    from imageai.core.catalog import Catalog
    from imageai.core.models import Project, Scene
    from imageai.core.pricing import CostEstimate, SceneCost
    from imageai.core.take_state import TakeStatus
    from imageai.services.project_document import ProjectDocument
    from imageai.services.render_plan import RenderPlan
    from imageai.services.take_statuses import Priced

#: Appended where some price still to pay was not confirmed by the vendor.
UNVERIFIED = " (unverified prices)"
#: A job that exists at the provider: rendering it again polls that job, it is not paid again.
_LIVE = (RenderState.QUEUED, RenderState.RENDERING, RenderState.DOWNLOADING, RenderState.CANCELLED)


class PriceKind(StrEnum):
    """What a scene's money figure means."""

    ESTIMATE = "estimate"  # a new create: counted in the storyboard's total
    INVALID = "invalid"  # its settings cannot render: not priced, counted apart
    RENDERED = "rendered"  # done: what it was billed, nothing more
    CHANGED = "changed"  # done, changed since its take: Render renders it again (counted)
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
    #: What rendering it would cost now (an `ESTIMATE` or a `CHANGED` scene's new take).
    usd: float = 0.0


def usd_text(usd: float) -> str:
    return f"${usd:.2f}"


def scene_price(cost: SceneCost, scene: Scene, changed: TakeStatus | None = None) -> ScenePrice:
    """How ``scene`` (priced by ``cost``) is shown and counted; the same rules as a render plan:
    a done scene costs nothing more unless it ``changed`` since its take (then ``cost`` prices
    the new take), a paid job resumes free, an unknown outcome is held back."""
    billed = scene.billed_usd
    if scene.state is RenderState.DONE and not cost.already_rendered:
        # Priced as a new take (`as_new_takes`): it changed since its take.
        return _changed_price(cost, changed, billed)
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


def _changed_price(cost: SceneCost, changed: TakeStatus | None, billed: float) -> ScenePrice:
    why = f" ({changed.reason})" if changed is not None and changed.reason else ""
    if cost.error:
        return ScenePrice(
            kind=PriceKind.INVALID,
            text="invalid",
            tip=f"Cannot render: {cost.error} (changed since its take{why})",
        )
    unverified = "" if cost.price_verified else " (unverified price)"
    earlier = f"; billed {usd_text(billed)} for its take" if billed > 0 else ""
    return ScenePrice(
        kind=PriceKind.CHANGED,
        text=f"est. {usd_text(cost.usd)}",  # the card's state says "changed since take N"
        # Why it changed is the card's tooltip's and the storyboard line's to say.
        tip=f"A new take: {cost.formula()}{unverified}{earlier}",
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
    #: Done scenes changed since their take: Render offers them again (counted in the total).
    changed: int = 0


Row = tuple["SceneCost", ScenePrice]


def _rows(project: Project, est: CostEstimate, changed: Mapping[str, TakeStatus]) -> list[Row]:
    scenes = {s.id: s for s in project.scenes}
    return [(row, scene_price(row, scenes[row.id], changed.get(row.id))) for row in est.scenes]


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


#: What a render creates and pays for: new scenes and new takes of changed ones.
_COUNTED = (PriceKind.ESTIMATE, PriceKind.CHANGED)


def _new_creates(rows: list[Row]) -> list[SceneCost]:
    return [row for row, price in rows if price.kind in _COUNTED]


def _changed_text(n: int) -> str:
    return f"{n} changed since {'its take' if n == 1 else 'their takes'}"


def _group_text(rows: list[Row]) -> str:
    """E.g. ``2 scenes, 16 s: $1.20 · 1 scene invalid (not priced) · 1 paid job resumes free``."""
    new = _new_creates(rows)
    usd = round(sum(r.usd for r in new), 4)
    parts = [
        f"{_count(len(new), 'scene', 'scenes')}, {sum(r.seconds for r in new)} s: {usd_text(usd)}"
    ]
    kinds = [price.kind for _row, price in rows]
    if changed := kinds.count(PriceKind.CHANGED):
        parts[0] += f" (incl. {_changed_text(changed)})"
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
        if price.kind is PriceKind.CHANGED:  # the reason is on the card and its tooltip
            unverified = "" if row.price_verified else " (unverified price)"
            return f"Scene {row.index}: changed since its take; a new take: {row.formula()}{unverified}"
        if price.kind is PriceKind.ESTIMATE:
            return f"Scene {row.index}: {price.tip}"
        return f"Scene {row.index}: {price.text}: {price.tip}"
    pending = [(r, p) for r, p in rows if p.kind is not PriceKind.RENDERED]
    if len(pending) == 1 and pending[0][1].kind is PriceKind.ESTIMATE:
        return f"Selected: {pending[0][1].tip}"
    return f"Selected: {_group_text(pending)}"


def _total_text(rows: list[Row]) -> str:
    """What Render all offers: nothing when every scene is rendered as it is now; the changed
    scenes (with what they cost) when only those; else the group that renders."""
    kinds = [price.kind for _row, price in rows]
    rendered = kinds.count(PriceKind.RENDERED)
    if rows and rendered == len(rows):
        return f"Storyboard: all {len(rows)} scenes rendered"
    changed = kinds.count(PriceKind.CHANGED)
    if changed and rendered + changed == len(rows):
        new = _new_creates(rows)
        usd = usd_text(round(sum(r.usd for r in new), 4))
        unverified = UNVERIFIED if any(not r.price_verified for r in new) else ""
        done = f"{rendered} rendered, " if rendered else ""
        them = "it" if changed == 1 else "them"
        return (
            f"Storyboard: {done}{_changed_text(changed)} — Render offers {them}: {usd}{unverified}"
        )
    return f"Storyboard: {_group_text([r for r in rows if r[1].kind is not PriceKind.RENDERED])}"


def summarize(project: Project, selected_ids: list[str], priced: Priced) -> CostSummary:
    """E.g. selected "8 s x $0.10/s = $0.80", total "12 scenes, 96 s: $9.60", billed "$1.20".

    ``priced`` is ``project`` as `TakeStatuses.priced` prices it: the done scenes changed since
    their take are offered again by Render, so they are priced as new takes and counted like a
    pending scene."""
    whole = _rows(project, priced.estimate, priced.changed)
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
        changed=sum(1 for _row, price in whole if price.kind is PriceKind.CHANGED),
    )


def plan_text(plan: RenderPlan) -> str:
    """The confirm dialog's headline, in the cost line's words: e.g. ``2 scenes, 16 s: $1.20 ·
    1 paid job resumes free``; its amount is exactly what the plan charges."""
    new = plan.estimate.scenes
    seconds = sum(r.seconds for r in new)
    parts = [f"{_count(len(new), 'scene', 'scenes')}, {seconds} s: {usd_text(plan.total_usd)}"]
    if plan.estimate.unverified:
        parts[0] += UNVERIFIED
    again = sum(1 for r in plan.requests if r.resume_job_id is None and r.take is not None)
    if again:
        parts[0] += f" (incl. {_count(again, 'new take', 'new takes')})"
    if resumes := len(plan.resumes):
        verb = "resumes" if resumes == 1 else "resume"
        parts.append(f"{_count(resumes, 'paid job', 'paid jobs')} {verb} free")
    if plan.held_back:
        parts.append(f"{len(plan.held_back)} held back (outcome unknown)")
    if plan.over_budget:
        parts.append(f"{_count(len(plan.over_budget), 'scene', 'scenes')} over the budget")
    return " · ".join(parts)


class CostTracker(QObject):
    """Recomputes the `CostSummary` on every project or selection change; inside `held` (an
    open: the document, the storyboard's reset and the panel's selection each ask) the asks
    are coalesced into one update on the next event-loop pass.

    Signals:
        summary_changed(CostSummary)
        summary_pending(): a held change is priced on the next pass (the label says so)
    """

    summary_changed = Signal(object)
    summary_pending = Signal()

    def __init__(
        self, document: ProjectDocument, catalog: Catalog, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._doc = document
        self._selected: list[str] = []
        #: The same statuses and estimate the cards show (one cache per document).
        self._statuses = TakeStatuses.of(document, catalog)
        self._holds = 0
        self._stale = False
        #: The label was told a summary is coming: the next one is shown even if unchanged.
        self._announced = False
        self._later = QTimer(self)
        self._later.setSingleShot(True)
        self._later.setInterval(0)
        self._later.timeout.connect(self._on_later_timeout)
        self._summary = summarize(document.project, [], self._statuses.priced())
        document.project_changed.connect(self._on_document_project_changed)

    @property
    def summary(self) -> CostSummary:
        """The current summary; one still to compute (held or waiting for its pass) is
        computed now, so a reader never gets the figures of before the change."""
        if self._stale:
            self._update()
        return self._summary

    @contextmanager
    def held(self) -> Iterator[None]:
        """Changes inside are priced once, on the next pass after the outermost one ends."""
        self._holds += 1
        try:
            yield
        finally:
            self._holds -= 1
            if not self._holds and self._stale:
                self._announced = True
                self.summary_pending.emit()
                self._later.start()

    def set_selection(self, scene_ids: list[str]) -> None:
        self._selected = list(scene_ids)
        self._request()

    @Slot()
    def _on_document_project_changed(self) -> None:
        self._request()

    @Slot()
    def _on_later_timeout(self) -> None:
        if self._stale and not self._holds:
            self._update()

    def _request(self) -> None:
        if self._holds:
            self._stale = True
        else:
            self._update()

    def _update(self) -> None:
        self._stale = False
        self._later.stop()
        ids = {s.id for s in self._doc.project.scenes}
        self._selected = [i for i in self._selected if i in ids]
        project = self._doc.project
        summary = summarize(project, self._selected, self._statuses.priced(project))
        if summary != self._summary or self._announced:
            self._summary, self._announced = summary, False
            self.summary_changed.emit(summary)
