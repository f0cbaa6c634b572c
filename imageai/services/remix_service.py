"""`RemixService`: variations of rendered scenes (Omni edit, Sora remix) as jobs, kept as takes."""

from __future__ import annotations

import itertools
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal, Slot

from imageai.core.budget import check_new_creates, reservations_for
from imageai.core.errors import JobError, ValidationError
from imageai.core.jobs import Created, JobResult
from imageai.core.models import ProviderName, SoraSettings
from imageai.core.project_lock import acquire_project, release_project
from imageai.core.remix_plan import (
    EditPlan,
    clean_prompts,
    edit_blocker,
    edit_variation,
    edits_clips,
    plan_edit,
)
from imageai.core.shot import spec_for_settings
from imageai.core.takes import add_take, free_take_number, make_take
from imageai.providers.openai.sora_remix_jobs import (
    RemixPlan,
    plan_remix,
    remix_blocker,
    remix_client,
    remix_variation,
)
from imageai.services.job_keys import JobKey, JobKind, kind_of
from imageai.services.job_registry import JobHandlers, JobRegistry

if TYPE_CHECKING:
    import threading
    from collections.abc import Iterator

    from imageai.core.catalog import Catalog
    from imageai.core.jobs import JobEvent
    from imageai.core.ledger import Ledger
    from imageai.providers.router import ProviderRouter
    from imageai.services.job_runner import JobFn, JobRunner
    from imageai.services.project_document import ProjectDocument

log = logging.getLogger(__name__)
#: A priced remix: by edit (a model that edits clips, e.g. Gemini Omni) or Sora's remix.
AnyRemixPlan = EditPlan | RemixPlan


@dataclass(frozen=True)
class _Variation:
    scene_id: str
    plan: AnyRemixPlan
    index: int
    take_number: int


class RemixService(QObject):
    """Plans (priced, budget-checked) and runs remixes; a finished variation is added as a take.

    Adding a take is render state, like a finished render: it is saved, not undone. Choosing
    which take the scene shows is an undoable edit (`StoryboardEditor.choose_take`).

    Signals:
        remix_failed(scene_id, JobError)
        take_added(scene_id, take_number)
    """

    remix_failed = Signal(str, object)
    take_added = Signal(str, int)

    def __init__(
        self,
        document: ProjectDocument,
        runner: JobRunner,
        router: ProviderRouter,
        catalog: Catalog,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._doc = document
        self._runner = runner
        self._router = router
        self._catalog = catalog
        self._jobs: dict[str, _Variation] = {}
        #: Ended jobs, so a retry from the jobs panel knows what they were.
        self._finished: dict[str, _Variation] = {}
        self._ids = itertools.count(1)
        JobRegistry.of(runner).route(
            JobKind.REMIX,
            JobHandlers(
                finished=self._on_runner_job_finished,
                failed=self._on_runner_job_failed,
                cancelled=self._on_runner_job_cancelled,
                label=self.label,
            ),
        )

    @staticmethod
    def is_remix_job(job_id: str) -> bool:
        return kind_of(job_id) is JobKind.REMIX

    def is_running(self) -> bool:
        return bool(self._jobs)

    def blocker(self, scene_id: str) -> str | None:
        """Why the scene cannot be remixed now (shown as the action's tooltip), or None."""
        project = self._doc.project
        try:
            scene = project.scene(scene_id)
        except KeyError:
            return "The scene is gone."
        if edits_clips(self._catalog, project, scene):
            reason = edit_blocker(self._catalog, project, scene)
            if reason is not None:
                return f"Remix needs a rendered scene: this one {reason}."
        elif (reason := remix_blocker(project, scene)) is not None:
            return (
                "Remix needs a rendered Sora scene, or a scene whose model edits clips "
                f"(Gemini Omni): this one {reason}."
            )
        if self._doc.folder is None:
            return "Save the project first."
        return None

    def provider_of(self, scene_id: str) -> ProviderName | None:
        """The provider a remix of the scene goes to (for error advice), if the scene exists."""
        project = self._doc.project
        try:
            scene = project.scene(scene_id)
        except KeyError:
            return None
        if edits_clips(self._catalog, project, scene):
            return project.provider_for(scene)
        return ProviderName.SORA

    def plan(
        self, scene_id: str, prompts: list[str], *, resend_unknown: bool = False
    ) -> AnyRemixPlan:
        """Price the variations (no API call); raises `ValidationError` or `BudgetExceededError`.

        A scene whose model edits clips (Omni) is remixed by edit at the model's price x the
        take's seconds; ``resend_unknown`` is the user's word to create again a variation whose
        earlier create may have been billed. A Sora scene is priced with the project's Sora
        settings; its job checks the source video's own shape and creates nothing if that would
        cost more than shown.
        """
        self._doc.settle()  # the source take's job as the render events received left it
        reason = self.blocker(scene_id)
        if reason is not None:
            raise ValidationError("scene", reason)
        folder, ledger = self._doc.folder, self._ledger()
        assert folder is not None
        project = self._doc.project
        scene = project.scene(scene_id)
        reserved = reservations_for(folder).total()
        if edits_clips(self._catalog, project, scene):
            edit = plan_edit(
                self._catalog,
                project,
                scene,
                folder,
                clean_prompts(prompts),
                ledger,
                resend_unknown=resend_unknown,
            )
            check_new_creates(
                edit.cost_usd, ledger, project, self._catalog, project.budget_usd, reserved
            )
            return edit
        spec = spec_for_settings(ProviderName.SORA, project.settings.sora, scene.duration)
        plan = plan_remix(
            self._catalog, project, scene, folder, clean_prompts(prompts), spec, ledger
        )
        # Renders and remixes queued but not created yet count, or together they could overspend.
        check_new_creates(
            plan.cost_usd, ledger, project, self._catalog, project.budget_usd, reserved
        )
        return plan

    def spent_usd(self) -> float:
        """What the project has been billed (the figure the cost label shows)."""
        return self._doc.project.billed_usd

    def start(self, plan: AnyRemixPlan) -> list[str]:
        """Queue one job per variation; returns the runner's job ids.

        Variations of an edit plan whose outcome is unknown are not queued unless the plan
        says the user agreed to send them again.
        """
        scene_id = plan.requests[0].scene_id
        folder, ledger = self._doc.folder, self._ledger()
        assert folder is not None
        scene = self._doc.project.scene(scene_id)
        job_ids = []
        reservations = reservations_for(folder)
        held = plan.held if isinstance(plan, EditPlan) else []
        for index in range(len(plan.requests)):
            if index in held:
                continue
            # Held per variation until it ends; another process rendering the project refuses.
            acquire_project(folder, "remix")
            reserved = [v.take_number for v in self._jobs.values() if v.scene_id == scene_id]
            number = free_take_number(scene, folder, reserved)
            job_id = str(JobKey.remix(scene_id, next(self._ids)))
            self._jobs[job_id] = _Variation(scene_id, plan, index, number)
            if plan.resumed[index] is None:
                # Held until the create returns (then the ledger counts it) or the job ends.
                reservations.reserve({job_id: plan.unit_usd})
            job = self._job(plan, index, number, ledger, job_id)
            job_ids.append(self._runner.submit(job, job_id))
        return job_ids

    def label(self, job_id: str) -> str:
        variation = self._jobs.get(job_id)
        if variation is None:
            return "Remix"
        try:
            number = self._doc.project.index_of(variation.scene_id) + 1
        except KeyError:
            return "Remix of a deleted scene"
        count = len(variation.plan.requests)
        which = f" {variation.index + 1}/{count}" if count > 1 else ""
        return f"Scene {number} remix{which}"

    def prompt_of(self, job_id: str) -> tuple[str, str] | None:
        """The scene and change prompt of a remix job (to offer it again), if known."""
        variation = self._jobs.get(job_id) or self._finished.get(job_id)
        if variation is None:
            return None
        return variation.scene_id, variation.plan.requests[variation.index].prompt

    def cancel_all(self) -> None:
        for job_id in list(self._jobs):
            self._runner.cancel(job_id)

    def _ledger(self) -> Ledger:
        ledger = self._doc.ledger()
        if ledger is None:
            raise ValidationError("project", "save the project first")
        return ledger

    def _job(
        self, plan: AnyRemixPlan, index: int, number: int, ledger: Ledger, job_id: str
    ) -> JobFn:
        if isinstance(plan, EditPlan):
            return self._edit_job(plan, index, number, ledger, job_id)
        router, catalog, settings = self._router, self._catalog, plan.requests[index].settings
        assert isinstance(settings, SoraSettings)
        reservations = reservations_for(ledger.path.parent)

        def job(cancel: threading.Event) -> Iterator[JobEvent]:
            try:
                # Built here, not on the GUI thread: the SDK import is slow and a missing key
                # raises.
                client = remix_client(router, settings)
                variation = remix_variation(plan, index, client, catalog, ledger, number, cancel)
                for event in variation:
                    # The first event comes once the create is in the ledger (or was resumed).
                    reservations.release(job_id)
                    yield event
            finally:
                reservations.release(job_id)

        return job

    def _edit_job(
        self, plan: EditPlan, index: int, number: int, ledger: Ledger, job_id: str
    ) -> JobFn:
        router, request = self._router, plan.requests[index]
        reservations = reservations_for(ledger.path.parent)

        def job(cancel: threading.Event) -> Iterator[JobEvent]:
            try:
                # Built here, not on the GUI thread: an SDK import is slow, a missing key raises.
                provider = router.provider_for(request)
                for event in edit_variation(plan, index, provider, ledger, number, cancel):
                    if isinstance(event, Created):  # in the ledger now: spend, not a hold
                        reservations.release(job_id)
                    yield event
            finally:
                reservations.release(job_id)

        return job

    @staticmethod
    def _unlock(variation: _Variation) -> None:
        release_project(variation.plan.requests[variation.index].project_dir)

    @Slot(str, object)
    def _on_runner_job_finished(self, job_id: str, result: object) -> None:
        self._release(job_id)
        variation = self._jobs.pop(job_id, None)
        if variation is None:
            return
        self._unlock(variation)
        self._finished[job_id] = variation
        assert isinstance(result, JobResult)
        request = variation.plan.requests[variation.index]
        take = make_take(result, request, variation.plan.source_job_id, result.billed_usd)
        try:
            scene = self._doc.project.scene(variation.scene_id)
            self._doc.replace_scene(add_take(scene, take), dirty=False)
            self._doc.save()
        except (KeyError, ValidationError, OSError):
            log.exception("remix %s finished but could not be kept as a take", result.job_id)
            return
        self.take_added.emit(variation.scene_id, variation.take_number)

    @Slot(str, object)
    def _on_runner_job_failed(self, job_id: str, error: object) -> None:
        self._release(job_id)
        variation = self._jobs.pop(job_id, None)
        if variation is not None:
            self._unlock(variation)
            self._finished[job_id] = variation
            assert isinstance(error, JobError)
            self.remix_failed.emit(variation.scene_id, error)

    def _release(self, job_id: str) -> None:
        """A job cancelled before it ran never releases its own reservation."""
        if self._doc.folder is not None:
            reservations_for(self._doc.folder).release(job_id)

    @Slot(str)
    def _on_runner_job_cancelled(self, job_id: str) -> None:
        self._release(job_id)
        variation = self._jobs.pop(job_id, None)
        if variation is not None:
            self._unlock(variation)
            self._finished[job_id] = variation
