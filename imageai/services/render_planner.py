"""`RenderPlanner`: builds a `RenderPlan` from the open project and one read of its ledger."""

from __future__ import annotations

from typing import TYPE_CHECKING

from imageai.core import continuity, render_plan
from imageai.core.budget import (
    check_ledger_readable,
    committed_spend,
    possibly_billed,
    reservations_for,
)
from imageai.core.errors import BudgetExceededError
from imageai.core.ledger_snapshot import LedgerSnapshot
from imageai.core.pricing import as_new_takes, estimate
from imageai.core.take_state import changed_scene_ids
from imageai.services.render_plan import FinishedInLedger, RenderPlan, disk_stamp, job_id_for

if TYPE_CHECKING:
    from collections.abc import Collection
    from pathlib import Path

    from imageai.core.catalog import Catalog
    from imageai.core.jobs import JobRequest
    from imageai.core.ledger import Ledger
    from imageai.core.models import Project
    from imageai.providers.router import ProviderRouter
    from imageai.services.project_document import ProjectDocument


class RenderPlanner:
    """Validates, prices, budget-checks and key-checks a render; makes no API call."""

    def __init__(self, document: ProjectDocument, router: ProviderRouter, catalog: Catalog) -> None:
        self._doc = document
        self._router = router
        self._catalog = catalog

    def folder(self) -> Path:
        folder = self._doc.folder
        if folder is None:
            raise ValueError("save the project before rendering: clips go in its folder")
        return folder

    def snapshot(self) -> Ledger | None:
        """The project's ledger, read once (None before the project has a folder)."""
        ledger = self._doc.ledger()
        return LedgerSnapshot(ledger) if ledger is not None else None

    def again_ids(self, indexes: list[int] | None, *, again: bool = False) -> set[str]:
        """The done scenes among ``indexes`` (None: all) that render a new take: those changed
        since their chosen take, and with ``again`` every selected one (the user's word)."""
        project = self._doc.project
        chosen = list(project.scenes) if indexes is None else [project.scenes[i] for i in indexes]
        done = [s for s in chosen if s.state in render_plan.FINISHED]
        if again:
            return {s.id for s in done}
        return changed_scene_ids(self._catalog, project, self.folder(), done)

    def requests(
        self,
        ledger: Ledger | None,
        indexes: list[int] | None = None,
        busy: Collection[str] = (),
        *,
        again: bool = False,
    ) -> tuple[list[JobRequest], list[FinishedInLedger], Project]:
        """The requests to render, the scenes the ledger says are finished, and the project
        with those marked done. Each scene is validated once; ``busy`` scenes are skipped.
        Done scenes changed since their take (all selected ones with ``again``) render again:
        a new take, priced and created like any other."""
        folder = self.folder()
        project = self._doc.project
        requests: list[JobRequest] = []
        finished: list[FinishedInLedger] = []
        view = project
        again_ids = self.again_ids(indexes, again=again)
        for scene in render_plan.scenes_to_render(project, indexes, again_ids):
            if scene.id in busy:
                continue
            request = render_plan.build_request(self._catalog, project, scene, folder, ledger)
            # Before any resume: project.json may say "rendering" after a save that failed.
            found = render_plan.finished_in_ledger(ledger, request)
            if found is None:
                requests.append(request)
                continue
            finished.append(FinishedInLedger(request, *found))
            view = render_plan.apply_finished(view, request, *found)
        return requests, finished, view

    def prepare(
        self,
        indexes: list[int] | None,
        budget_usd: float | None,
        *,
        busy: Collection[str] = (),
        lock_term: int | None = None,
        again: bool = False,
    ) -> RenderPlan:
        """The plan for ``indexes`` (None: every scene not done, or changed since its take)
        under ``budget_usd``; with ``again`` the selected done scenes render a new take too.

        Raises:
            ValidationError: a scene is invalid, or the ledger is unreadable with a budget.
            BudgetExceededError: new creates are wanted and none fits (resumes always fit).
            AuthError: a provider the plan needs has no key (found before any call).
        """
        folder = self.folder()
        stamp = disk_stamp(folder)  # taken first: a write after it shows as a change
        ledger = self.snapshot()
        check_ledger_readable(ledger, budget_usd)
        requests, finished, view = self.requests(ledger, indexes, busy, again=again)
        costs = self.costs(view, requests)
        reservations = reservations_for(folder)
        held = reservations.held()
        spent = self.spent(ledger, view, {s.id for s in view.scenes if job_id_for(s.id) in held})
        keys = {job_id_for(r.scene_id): 0.0 for r in requests} | costs
        fits, _ = reservations.fit(keys, spent, budget_usd)
        fit_ids = set(fits)
        run = [r for r in requests if job_id_for(r.scene_id) in fit_ids]
        left = tuple(r for r in requests if job_id_for(r.scene_id) not in fit_ids)
        if left and not run:
            assert budget_usd is not None
            raise BudgetExceededError(
                round(sum(costs.values()), 4), spent + reservations.total(), budget_usd
            )
        run_costs = {k: v for k, v in costs.items() if k in fit_ids}
        # A chained scene whose predecessor has no clip raises here, before any lock or call.
        steps = continuity.render_steps(view, run)
        new = [r.scene_id for r in run if r.resume_job_id is None]
        return RenderPlan(
            folder=folder,
            budget_usd=budget_usd,
            requests=tuple(run),
            steps=tuple(steps),
            costs=run_costs,
            estimate=estimate(as_new_takes(view, new), new, self._catalog),
            over_budget=left,
            held_back=tuple(render_plan.held_back(view, indexes)),
            finished=tuple(finished),
            spent_usd=spent,
            possibly_billed=possibly_billed(ledger, view, self._catalog) if ledger else {},
            providers=self.preflight(run),
            stamp=stamp,
            lock_term=lock_term,
        )

    def check_budget(self, requests: list[JobRequest], budget_usd: float | None) -> float:
        """Raise `BudgetExceededError` if all of ``requests`` would pass the budget; returns
        their estimate. Spend counts the ledger and what queued jobs have reserved."""
        project = self._doc.project
        cost = round(sum(self.costs(project, requests).values()), 4)
        spent = self.spent(self.snapshot(), project, ())
        reservations_for(self.folder()).check(cost, spent, budget_usd)
        return cost

    def preflight(self, requests: list[JobRequest]) -> tuple[str, ...]:
        """Build each provider the requests need: a missing key raises now, before any lock,
        reservation or call (the router keeps them for the jobs)."""
        built: list[str] = []
        for request in requests:
            self._router.provider_for(request)
            if request.provider.value not in built:
                built.append(request.provider.value)
        return tuple(built)

    def costs(self, project: Project, requests: list[JobRequest]) -> dict[str, float]:
        """The estimate of each new create, by runner job id (a resumed job costs nothing)."""
        new = [r.scene_id for r in requests if r.resume_job_id is None]
        if not new:
            return {}
        scenes = estimate(as_new_takes(project, new), new, self._catalog).scenes
        return {job_id_for(s.id): s.usd for s in scenes if not s.already_rendered}

    def spent(self, ledger: Ledger | None, project: Project, in_flight: Collection[str]) -> float:
        """Billed plus creates whose outcome is unknown (they may have been billed)."""
        if ledger is None:
            return project.billed_usd
        return committed_spend(ledger, project, self._catalog, in_flight)
