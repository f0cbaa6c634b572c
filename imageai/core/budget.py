"""Budget reservations: spend planned for queued jobs of a project that are not created yet."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from imageai.core.errors import BudgetExceededError, ValidationError
from imageai.core.path_registry import PathRegistry
from imageai.core.pricing import estimate

if TYPE_CHECKING:
    from collections.abc import Collection, Mapping
    from pathlib import Path

    from imageai.core.catalog import Catalog
    from imageai.core.ledger import Ledger
    from imageai.core.models import Project


class UnreadableLedgerError(ValidationError):
    """The ledger has lines that are not entries: the spend they record is unknown."""

    def __init__(self, path: Path, lines: tuple[int, ...]) -> None:
        self.path = path
        self.lines = lines
        shown = ", ".join(map(str, lines[:10])) + (", ..." if len(lines) > 10 else "")
        super().__init__(
            "ledger",
            f"{path} has {len(lines)} unreadable line(s) (line {shown}), so the spend it "
            "records is unknown and a render with a budget is refused. Keep a copy of the "
            "file, then fix or delete those lines (each line is one JSON record; "
            "`imageai video status` lists them) and render again, or render without a budget.",
        )


def check_ledger_readable(ledger: Ledger | None, budget_usd: float | None) -> None:
    """Refuse a budgeted render while the ledger has unreadable lines (mid-file garbage).

    A torn last line from a crash mid-append is not one: the next append sets it aside.
    """
    if budget_usd is None or ledger is None:
        return
    lines = ledger.unreadable_lines()
    if lines:
        raise UnreadableLedgerError(ledger.path, lines)


def billed_by_scene(ledger: Ledger, project: Project) -> dict[str, float]:
    """USD billed per scene id: the larger of the ledger's creates and project.json's figure.

    Either can miss a create: the project file one that a crash kept from being saved, the
    ledger one whose line became unreadable. Scenes deleted since keep their ledger spend.
    """
    billed = dict(ledger.spent_by_scene())
    for scene in project.scenes:
        if scene.billed_usd > billed.get(scene.id, 0.0):
            billed[scene.id] = scene.billed_usd
    return billed


def billed_total(ledger: Ledger, project: Project) -> float:
    return round(sum(billed_by_scene(ledger, project).values()), 4)


def possibly_billed(ledger: Ledger, project: Project, catalog: Catalog) -> dict[str, float]:
    """USD per scene of creates sent whose outcome is unknown: each counts at the scene's price
    until the ledger settles it, since the provider may have billed it."""
    counts = ledger.unsettled_intents()
    if not counts:
        return {}
    price = {r.id: r.usd_per_second * r.seconds for r in estimate(project, None, catalog).scenes}
    return {
        scene_id: round(count * price.get(scene_id, 0.0), 4) for scene_id, count in counts.items()
    }


def committed_spend(
    ledger: Ledger, project: Project, catalog: Catalog, in_flight: Collection[str] = ()
) -> float:
    """What the budget counts as spent: what was billed (`billed_by_scene`) plus the possibly
    billed creates.

    ``in_flight`` names scenes whose create is under way in this process: their reservation
    already holds the cost, so their open intent is not counted a second time.
    """
    unknown = sum(
        usd
        for scene_id, usd in possibly_billed(ledger, project, catalog).items()
        if scene_id not in in_flight
    )
    return round(billed_total(ledger, project) + unknown, 4)


def check_new_creates(
    cost_usd: float,
    ledger: Ledger,
    project: Project,
    catalog: Catalog,
    budget_usd: float | None,
    reserved_usd: float = 0.0,
) -> None:
    """Creates outside a render (remixes, edits) against the budget, by the render's rule:
    billed (the larger of ledger and project.json) + possibly billed + reserved + the new cost.

    Raises:
        UnreadableLedgerError: a budget is set and the ledger has unreadable lines.
        BudgetExceededError: the new creates would pass the budget.
    """
    check_ledger_readable(ledger, budget_usd)
    if budget_usd is None:
        return
    committed = round(committed_spend(ledger, project, catalog) + reserved_usd, 4)
    if _passes(committed, cost_usd, budget_usd):
        raise BudgetExceededError(cost_usd, committed, budget_usd)


def _passes(committed_usd: float, cost_usd: float, budget_usd: float) -> bool:
    """The one budget rule: ``cost_usd`` more on top of ``committed_usd`` passes the budget."""
    return committed_usd + cost_usd > budget_usd + 1e-9


class BudgetReservations:
    """Thread-safe: USD held per job key from the budget check until the job's create returns.

    A job's reservation is released when its create is recorded in the ledger (it became
    spend), or when it fails or is cancelled first. A budget check counts spent + reserved.
    """

    def __init__(self) -> None:
        self._held: dict[str, float] = {}
        self._lock = threading.Lock()

    def total(self) -> float:
        with self._lock:
            return round(sum(self._held.values()), 4)

    def held(self) -> frozenset[str]:
        """The job keys holding a reservation now."""
        with self._lock:
            return frozenset(self._held)

    def check(self, cost_usd: float, spent_usd: float, budget_usd: float | None) -> None:
        """Raise `BudgetExceededError` if ``cost_usd`` more would pass the budget."""
        if budget_usd is None:
            return
        committed = round(spent_usd + self.total(), 4)
        if _passes(committed, cost_usd, budget_usd):
            raise BudgetExceededError(cost_usd, committed, budget_usd)

    def fit(
        self, costs: Mapping[str, float], spent_usd: float, budget_usd: float | None
    ) -> tuple[list[str], list[str]]:
        """Split ``costs`` (key -> USD, in the order to take them) into the keys that fit the
        budget and those that do not. A cost of 0 (a resume, already paid) always fits."""
        if budget_usd is None:
            return list(costs), []
        committed = round(spent_usd + self.total(), 4)
        fits: list[str] = []
        over: list[str] = []
        for key, usd in costs.items():
            if usd > 0 and _passes(committed, usd, budget_usd):
                over.append(key)
            else:
                committed = round(committed + usd, 4)
                fits.append(key)
        return fits, over

    def reserve(
        self,
        amounts: Mapping[str, float],
        spent_usd: float = 0.0,
        budget_usd: float | None = None,
    ) -> None:
        """Hold ``amounts`` (job key -> USD) at once, after checking them against the budget
        under the same lock, so two checks cannot both pass on the same headroom."""
        with self._lock:
            if budget_usd is not None:
                cost = round(sum(amounts.values()), 4)
                committed = round(spent_usd + sum(self._held.values()), 4)
                if _passes(committed, cost, budget_usd):
                    raise BudgetExceededError(cost, committed, budget_usd)
            for key, usd in amounts.items():
                if usd > 0:
                    self._held[key] = self._held.get(key, 0.0) + usd

    def release(self, key: str) -> None:
        """The job's create returned, failed or was cancelled: stop holding its cost."""
        with self._lock:
            self._held.pop(key, None)


_registry: PathRegistry[BudgetReservations] = PathRegistry(
    lambda _folder: BudgetReservations(), lambda folder: folder.resolve()
)


def reservations_for(folder: Path) -> BudgetReservations:
    """The one `BudgetReservations` of the project in ``folder`` (renders and remixes share it)."""
    return _registry.get(folder)
