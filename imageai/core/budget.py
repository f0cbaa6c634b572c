"""Budget reservations: spend planned for queued jobs of a project that are not created yet."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from imageai.core.errors import BudgetExceededError

if TYPE_CHECKING:
    from collections.abc import Mapping
    from pathlib import Path


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

    def check(self, cost_usd: float, spent_usd: float, budget_usd: float | None) -> None:
        """Raise `BudgetExceededError` if ``cost_usd`` more would pass the budget."""
        if budget_usd is None:
            return
        committed = round(spent_usd + self.total(), 4)
        if committed + cost_usd > budget_usd + 1e-9:
            raise BudgetExceededError(cost_usd, committed, budget_usd)

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
                if committed + cost > budget_usd + 1e-9:
                    raise BudgetExceededError(cost, committed, budget_usd)
            for key, usd in amounts.items():
                if usd > 0:
                    self._held[key] = self._held.get(key, 0.0) + usd

    def release(self, key: str) -> None:
        """The job's create returned, failed or was cancelled: stop holding its cost."""
        with self._lock:
            self._held.pop(key, None)


_registry: dict[Path, BudgetReservations] = {}
_registry_lock = threading.Lock()


def reservations_for(folder: Path) -> BudgetReservations:
    """The one `BudgetReservations` of the project in ``folder`` (renders and remixes share it)."""
    key = folder.resolve()
    with _registry_lock:
        held = _registry.get(key)
        if held is None:
            held = _registry[key] = BudgetReservations()
        return held
