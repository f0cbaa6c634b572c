"""Remixing a rendered Sora scene into takes: plan, price, create, follow (shared by CLI and GUI)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict

from imageai.core.errors import ProviderError, ValidationError
from imageai.core.job_endpoint import provider_endpoint
from imageai.core.job_loop import run_job
from imageai.core.jobs import Created, Done, JobRequest, PollState
from imageai.core.models import ProviderName, RenderState
from imageai.core.pricing import price_per_second
from imageai.core.settling import known_job_ids, open_intent
from imageai.core.takes import SceneJournal, created_usd, take_request
from imageai.providers.openai.sora_remix import SAME_FOR_EVERY_PROMPT, RemixOutcome

if TYPE_CHECKING:
    import threading
    from collections.abc import Iterator
    from pathlib import Path

    from imageai.core.catalog import Catalog
    from imageai.core.errors import JobError
    from imageai.core.jobs import JobEvent
    from imageai.core.ledger import Ledger
    from imageai.core.models import Project, Scene, SoraSettings
    from imageai.core.shot import ShotSpec
    from imageai.providers.openai.sora_client import SoraClient
    from imageai.providers.openai.sora_videos import SoraVideo
    from imageai.providers.router import ProviderRouter


def remix_client(router: ProviderRouter, settings: SoraSettings) -> SoraClient:
    """The Sora client for ``settings``; raises `AuthError` when there is no OpenAI key."""
    from imageai.providers.openai.sora_client import SoraClient  # late: the SDK is slow to import

    provider = router.get(ProviderName.SORA, settings)
    if not isinstance(provider, SoraClient):
        raise ValidationError("provider", "the configured Sora provider cannot list or remix")
    return provider


def remix_blocker(project: Project, scene: Scene) -> str | None:
    """Why ``scene`` cannot be remixed, or None when it can (a rendered Sora scene)."""
    if scene.state is not RenderState.DONE or not scene.job_id or not scene.clip_path:
        return f"is not rendered yet (state {scene.state.value}); render it first, then remix it"
    provider = scene.job_provider or project.provider_for(scene)
    if provider is not ProviderName.SORA:
        return f"was rendered with {provider.value}; only Sora videos can be remixed"
    return None


def check_remixable(project: Project, scene: Scene, number: int) -> None:
    """Only a rendered Sora scene can be remixed; the `ValidationError` says why not."""
    blocker = remix_blocker(project, scene)
    if blocker is not None:
        raise ValidationError("scene", f"scene {number} {blocker}")


def video_spec(catalog: Catalog, video: SoraVideo, fallback: ShotSpec) -> ShotSpec:
    """The shot of an existing video (a dated model id counts as its base model), priced."""
    for model in (video.model, video.model.partition("-20")[0]):
        # The endpoint and the user's price come from the project: the video does not say them.
        spec = fallback.model_copy(
            update={"model": model, "seconds": video.seconds, "size": video.size}
        )
        try:
            price_per_second(catalog, spec)
        except (ValidationError, LookupError, ValueError):
            continue
        return spec
    return fallback


class RemixPlan(BaseModel):
    """The variations to make of one scene's video, which are resumed, and their price."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    source_job_id: str
    requests: tuple[JobRequest, ...]
    #: Per request: the remix already created by an earlier, interrupted run, or None.
    resumed: tuple[str | None, ...]
    unit_usd: float

    @property
    def new(self) -> list[int]:
        return [i for i, job in enumerate(self.resumed) if job is None]

    @property
    def cost_usd(self) -> float:
        return round(self.unit_usd * len(self.new), 4)

    def summary(self) -> str:
        """E.g. ``2 new variation(s) x $0.40 = $0.80, 1 resumed``."""
        text = f"{len(self.new)} new variation(s) x ${self.unit_usd:.2f} = ${self.cost_usd:.2f}"
        resumed = len(self.requests) - len(self.new)
        return text + (f", {resumed} resumed" if resumed else "")


def plan_remix(
    catalog: Catalog,
    project: Project,
    scene: Scene,
    folder: Path,
    prompts: list[str],
    spec: ShotSpec,
    ledger: Ledger,
    client: SoraClient | None = None,
) -> RemixPlan:
    """One request per prompt, shaped like ``spec``; remixes the ledger already has are resumed.

    With ``client``, a prompt whose create was sent but never recorded (a crash) is looked up
    first and adopted when found, so a rerun does not pay for it again.
    """
    assert scene.job_id is not None
    requests = tuple(
        JobRequest(
            scene_id=scene.id,
            index=project.index_of(scene.id) + 1,
            title=project.title,
            spec=spec,
            prompt=prompt,
            settings=project.settings.sora,
            project_dir=folder,
        )
        for prompt in prompts
    )
    source_job_id = scene.job_id

    def resumed(request: JobRequest) -> str | None:
        job_id = ledger.open_job(scene.id, request.fingerprint())
        if job_id is None and client is not None:
            job_id = adopt_unsettled(client, ledger, request, source_job_id)
        return job_id

    return RemixPlan(
        source_job_id=scene.job_id,
        requests=requests,
        resumed=tuple(resumed(r) for r in requests),
        unit_usd=round(price_per_second(catalog, spec) * spec.seconds, 4),
    )


def source_video(client: SoraClient, job_id: str) -> SoraVideo:
    """The scene's rendered video; a `ValidationError` when it is not completed."""
    source = client.get_video(job_id)
    if source.state is not PollState.COMPLETED:
        raise ValidationError("scene", f"video {source.id} is {source.status}, not completed")
    return source


def create_remixes(
    client: SoraClient, ledger: Ledger, plan: RemixPlan, indexes: list[int]
) -> list[RemixOutcome]:
    """Send the creates of ``indexes`` one at a time: intent, create, then created or failed.

    Each job id is on disk before the next prompt is sent, so an interruption never loses a
    paid remix. A failure that would repeat for every prompt leaves the rest unsent.
    """
    outcomes: list[RemixOutcome] = []
    stop: JobError | None = None
    for i in indexes:
        # The ledger records where each remix is created: its id means something only there.
        request = plan.requests[i].model_copy(update={"endpoint": provider_endpoint(client)})
        if stop is None:
            ledger.intent(request)
            known = known_job_ids(ledger.entries())
            (outcome,) = client.remix_batch(plan.source_job_id, [request.prompt], known)
        else:
            outcome = RemixOutcome(
                source_job_id=plan.source_job_id, prompt=request.prompt, error=stop
            )
        if outcome.job is not None:
            ledger.created(request, outcome.job.job_id, outcome.job.billed_usd)
        else:
            assert outcome.error is not None
            if outcome.error.kind in SAME_FOR_EVERY_PROMPT:
                stop = outcome.error
            ledger.failed(request, None, outcome.error.kind.value, outcome.error.user_message)
        outcomes.append(outcome)
    return outcomes


def adopt_unsettled(
    client: SoraClient, ledger: Ledger, request: JobRequest, source_job_id: str
) -> str | None:
    """The remix an interrupted create of ``request`` made, recorded as created; None if the
    ledger shows no open intent for it (`settling.open_intent`, the rule renders use too) or
    the account has no such video that the ledger does not already give to some scene."""
    entries = ledger.entries()
    if open_intent(entries, request.scene_id, request.fingerprint()) is None:
        return None
    found = client.find_remix(source_job_id, request.prompt, exclude=known_job_ids(entries))
    if found is None:
        return None
    found_on = request.model_copy(update={"endpoint": provider_endpoint(client)})
    ledger.created(found_on, found.job_id, found.billed_usd)
    return found.job_id


def error_from(error: JobError) -> ProviderError:
    """A `JobError` (a batch outcome) raised again as a `ProviderError` of the same kind."""
    exc = ProviderError(error.user_message, detail=error.detail, retry_after=error.retry_after)
    exc.kind, exc.final = error.kind, error.final
    return exc


def remix_variation(
    plan: RemixPlan,
    index: int,
    client: SoraClient,
    catalog: Catalog,
    ledger: Ledger,
    take_number: int,
    cancel: threading.Event,
) -> Iterator[JobEvent]:
    """One variation end to end, as a job: check the source, create (or resume), follow, download.

    The source video's own shot prices the remix; if it costs more than the plan showed, nothing
    is created. The final `Done` carries the take's clip under ``<scene>-take<k>``.
    """
    request = plan.requests[index]
    source = source_video(client, plan.source_job_id)
    request = request.model_copy(update={"spec": video_spec(catalog, source, request.spec)})
    job_id = plan.resumed[index] or ledger.open_job(request.scene_id, request.fingerprint())
    if job_id is None:
        job_id = adopt_unsettled(client, ledger, request, plan.source_job_id)
    billed = created_usd(ledger, job_id) if job_id else 0.0
    if job_id is None:
        unit = round(price_per_second(catalog, request.spec) * request.spec.seconds, 4)
        if unit > plan.unit_usd + 1e-9:
            raise ValidationError(
                "scene",
                f"the source video ({request.spec.describe()}) costs ${unit:.2f} per variation, "
                f"more than the ${plan.unit_usd:.2f} shown; remix again to see the new estimate",
            )
        one = plan.model_copy(update={"requests": (request,), "resumed": (None,)})
        (outcome,) = create_remixes(client, ledger, one, [0])
        if outcome.job is None:
            assert outcome.error is not None
            raise error_from(outcome.error)
        job_id, billed = outcome.job.job_id, outcome.job.billed_usd
        yield Created(scene_id=request.scene_id, job_id=job_id, billed_usd=billed)
    journal = SceneJournal(ledger, request)
    following = take_request(request, take_number, job_id)
    for event in run_job(following, client, cancel, journal):
        if isinstance(event, Done):  # the take costs what its create was billed
            event = Done(result=event.result.model_copy(update={"billed_usd": billed}))
        yield event
