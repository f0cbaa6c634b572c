"""Remix by edit (Gemini Omni): plan, price and run the variations of a scene as new takes."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict

from imageai.core import settling
from imageai.core.errors import OutcomeUnknownError, ValidationError
from imageai.core.job_loop import run_job
from imageai.core.jobs import Created, Done, JobRequest, SourceClip, SourceMode
from imageai.core.models import RenderState
from imageai.core.pricing import price_per_second
from imageai.core.takes import BY_JOB_ID, SceneJournal, created_usd, take_provider, take_request
from imageai.core.validation import validate_scene

if TYPE_CHECKING:
    import threading
    from collections.abc import Iterable, Iterator

    from imageai.core.catalog import Catalog
    from imageai.core.jobs import JobEvent, VideoProvider
    from imageai.core.ledger import Ledger
    from imageai.core.models import Project, Scene

UNKNOWN_MESSAGE = (
    "A remix with this prompt was sent before and its answer never arrived, so it may have been "
    "created (and billed). Check the provider's console; send it again only if it was not."
)


def clean_prompts(raw: Iterable[str]) -> list[str]:
    """The change prompts, stripped; a `ValidationError` when one is empty or there are none."""
    prompts = [p.strip() for p in raw]
    if not prompts or any(not p for p in prompts):
        raise ValidationError("prompt", "every variation needs a change prompt")
    return prompts


def edits_clips(catalog: Catalog, project: Project, scene: Scene) -> bool:
    """True when the scene's own provider and model can edit a clip (remix by edit)."""
    provider = project.provider_for(scene)
    settings = project.settings_for(scene)
    info = catalog.get(provider, settings.model)
    return info is not None and info.supports_edit


def edit_blocker(catalog: Catalog, project: Project, scene: Scene) -> str | None:
    """Why ``scene`` cannot be remixed by edit, or None (phrased to follow "this scene")."""
    if scene.state is not RenderState.DONE or not scene.job_id or not scene.clip_path:
        return f"is not rendered yet (state {scene.state.value}); render it first, then remix it"
    if not edits_clips(catalog, project, scene):
        provider = project.provider_for(scene)
        model = project.settings_for(scene).model
        return f"uses {provider.value} {model}, which cannot edit a clip"
    return None


def edit_source(
    scene: Scene, folder: Path, ledger: Ledger | None, mode: SourceMode = SourceMode.EDIT
) -> SourceClip:
    """The scene's current take as a source: by job id when the provider keeps it, else the file."""
    provider = take_provider(scene, scene.job_id, ledger)
    if provider in BY_JOB_ID and scene.job_id:
        return SourceClip(mode=mode, job_id=scene.job_id)
    if not scene.clip_path:
        raise ValidationError("scene", "the scene has no clip to start from")
    clip = Path(scene.clip_path)
    clip = clip if clip.is_absolute() else folder / clip
    if not clip.is_file():
        raise ValidationError("scene", f"the clip {clip} is missing")
    return SourceClip(mode=mode, clip_path=clip)


def outcome_unknown(ledger: Ledger, scene_id: str, fingerprint: str) -> bool:
    """True when the last create of this request was sent and its answer never learned: an
    intent with nothing after it (a crash), or one whose failure was recorded as outcome
    unknown (a lost answer). The rule is `settling.open_intents`."""
    return settling.last_create_unknown(ledger.entries(), scene_id, fingerprint)


class EditPlan(BaseModel):
    """The variations to make of one scene by edit, which resume, which wait for the user."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    #: The job id of the take being remixed (recorded on each new take).
    source_job_id: str
    #: One request per change prompt, filed under the scene's id, each carrying the source.
    requests: tuple[JobRequest, ...]
    #: Per request: the remix an earlier, interrupted run already created, or None.
    resumed: tuple[str | None, ...]
    #: Per request: sent before with no answer (possibly billed); sent again only if allowed.
    unknown: tuple[bool, ...]
    #: The user's word that the unknown ones may be created again.
    resend_unknown: bool = False
    unit_usd: float

    @property
    def new(self) -> list[int]:
        """Indexes that will be created (and paid for)."""
        return [
            i
            for i, job in enumerate(self.resumed)
            if job is None and (self.resend_unknown or not self.unknown[i])
        ]

    @property
    def held(self) -> list[int]:
        """Indexes left alone because their earlier create's outcome is unknown."""
        return [i for i, job in enumerate(self.resumed) if job is None and i not in self.new]

    @property
    def cost_usd(self) -> float:
        return round(self.unit_usd * len(self.new), 4)

    def summary(self) -> str:
        """E.g. ``2 new variation(s) x $0.60 = $1.20, 1 resumed, 1 outcome unknown (not sent)``."""
        text = f"{len(self.new)} new variation(s) x ${self.unit_usd:.2f} = ${self.cost_usd:.2f}"
        resumed = sum(1 for job in self.resumed if job is not None)
        if resumed:
            text += f", {resumed} resumed"
        if self.held:
            text += f", {len(self.held)} outcome unknown (not sent)"
        return text


def plan_edit(
    catalog: Catalog,
    project: Project,
    scene: Scene,
    folder: Path,
    prompts: list[str],
    ledger: Ledger,
    *,
    resend_unknown: bool = False,
) -> EditPlan:
    """One request per change prompt, priced at the model's rate x the take's seconds.

    Raises:
        ValidationError: the scene cannot be remixed by edit, or its settings are invalid.
    """
    blocker = edit_blocker(catalog, project, scene)
    if blocker is not None:
        raise ValidationError("scene", f"scene {project.index_of(scene.id) + 1} {blocker}")
    assert scene.job_id is not None
    spec = validate_scene(catalog, project, scene)
    source = edit_source(scene, folder, ledger)
    requests = tuple(
        JobRequest(
            scene_id=scene.id,
            index=project.index_of(scene.id) + 1,
            title=project.title,
            spec=spec,
            prompt=prompt,
            settings=project.settings_for(scene),
            project_dir=folder,
            fit=scene.fit,
            source=source,
        )
        for prompt in prompts
    )
    prints = [r.fingerprint() for r in requests]
    resumed = tuple(ledger.open_job(scene.id, fp) for fp in prints)
    return EditPlan(
        source_job_id=scene.job_id,
        requests=requests,
        resumed=resumed,
        unknown=tuple(
            job is None and outcome_unknown(ledger, scene.id, fp)
            for job, fp in zip(resumed, prints, strict=True)
        ),
        resend_unknown=resend_unknown,
        unit_usd=round(price_per_second(catalog, spec) * spec.seconds, 4),
    )


def edit_variation(
    plan: EditPlan,
    index: int,
    provider: VideoProvider,
    ledger: Ledger,
    take_number: int,
    cancel: threading.Event,
) -> Iterator[JobEvent]:
    """One variation end to end, as a job: create (or resume), follow, download as a take.

    Raises:
        OutcomeUnknownError: an earlier create of it may have been billed and the user has not
            said to send it again; nothing is sent.
    """
    request = plan.requests[index]
    fingerprint = request.fingerprint()
    # Looked up again here: another run may have created it since the plan was made.
    job_id = plan.resumed[index] or ledger.open_job(request.scene_id, fingerprint)
    if (
        job_id is None
        and not plan.resend_unknown
        and outcome_unknown(ledger, request.scene_id, fingerprint)
    ):
        raise OutcomeUnknownError(UNKNOWN_MESSAGE, detail=request.scene_id)
    billed = created_usd(ledger, job_id) if job_id else 0.0
    journal = SceneJournal(ledger, request)
    for event in run_job(take_request(request, take_number, job_id), provider, cancel, journal):
        if isinstance(event, Created) and not event.resumed:
            billed = event.billed_usd
        if isinstance(event, Done):  # the take costs what its create was billed
            event = Done(result=event.result.model_copy(update={"billed_usd": billed}))
        yield event
