"""Remix (Omni edit, `/v1/videos` remix) and list, through the same plans the CLI and GUI use."""

from __future__ import annotations

from typing import TYPE_CHECKING

from imageai.api.config import provider_settings, public_name
from imageai.api.plan import finished
from imageai.api.results import VideoInfo, VideoResult
from imageai.api.runner import JobMeta, follow
from imageai.core.budget import reservations_for
from imageai.core.errors import BudgetExceededError, JobError, ProviderError, ValidationError
from imageai.core.models import ProviderName, RenderState, SoraSettings
from imageai.core.project_lock import holding_project
from imageai.core.remix_plan import (
    check_edit_budget,
    clean_prompts,
    edit_variation,
    edits_clips,
    plan_edit,
)
from imageai.core.shot import resolve
from imageai.core.takes import free_take_number

if TYPE_CHECKING:
    import threading
    from collections.abc import Callable, Iterator

    from imageai.api.plan import Planner
    from imageai.api.results import VideoProgress
    from imageai.core.jobs import JobEvent, JobRequest
    from imageai.core.ledger import Ledger
    from imageai.core.models import Project
    from imageai.providers.router import ProviderRouter


def _source_project(planner: Planner, source: VideoResult) -> Project:
    """The one-scene project of ``source``, rendered, as the remix plans expect a scene."""
    if not source.success or source.job_id is None or source.video_path is None:
        raise ValidationError("source", "only a video that was made successfully can be remixed")
    project = planner.project(source.config, source.key)
    scene = project.scenes[0].model_copy(
        update={
            "state": RenderState.DONE,
            "job_id": source.job_id,
            "job_provider": planner.provider,
            "clip_path": str(source.video_path),
            "rendered_prompt": source.config.prompt,
        }
    )
    return project.with_scene(scene)


def _plan(
    planner: Planner,
    router: ProviderRouter,
    ledger: Ledger,
    project: Project,
    prompt: str,
    budget_usd: float | None,
) -> tuple[JobRequest, Callable[[threading.Event], Iterator[JobEvent]]]:
    """The remix request and its job; budget checked before anything is sent."""
    catalog, folder = planner.catalog, planner.folder
    scene = project.scenes[0]
    prompts = clean_prompts([prompt])
    reserved = reservations_for(folder).total()
    take = free_take_number(scene, folder)
    if edits_clips(catalog, project, scene):
        edit = plan_edit(catalog, project, scene, folder, prompts, ledger)
        check_edit_budget(edit, ledger, budget_usd, reserved)
        provider = router.provider_for(edit.requests[0])

        def edit_job(cancel: threading.Event) -> Iterator[JobEvent]:
            return edit_variation(edit, 0, provider, ledger, take, cancel)

        return edit.requests[0], edit_job
    if planner.provider is not ProviderName.SORA:
        name = public_name(planner.provider)
        raise ValidationError("provider", f"{name} {scene_model(project)} cannot remix a video")
    from imageai.providers.openai.sora_remix_jobs import (  # late: the SDK is slow to import
        check_budget,
        plan_remix,
        remix_client,
        remix_variation,
        source_video,
        video_spec,
    )

    settings = project.settings.sora
    client = remix_client(router, settings)
    assert scene.job_id is not None
    spec = video_spec(catalog, source_video(client, scene.job_id), resolve(project, scene))
    plan = plan_remix(catalog, project, scene, folder, prompts, spec, ledger, client)
    check_budget(plan, ledger, budget_usd, reserved)

    def remix_job(cancel: threading.Event) -> Iterator[JobEvent]:
        return remix_variation(plan, 0, client, catalog, ledger, take, cancel)

    return plan.requests[0], remix_job


def scene_model(project: Project) -> str:
    return project.settings.for_provider(project.provider).model


def remix(
    planner: Planner,
    router: ProviderRouter,
    ledger: Ledger,
    source: VideoResult,
    prompt: str,
    *,
    cancel: threading.Event,
    budget_usd: float | None,
    on_progress: Callable[[VideoProgress], None] | None,
) -> VideoResult:
    """One remix of ``source``; resumed or reused on a re-run, like a generation.

    Raises:
        ValidationError: the source or prompt is unusable, or the model cannot remix.
    """
    project = _source_project(planner, source)
    config = source.config.model_copy(update={"prompt": prompt})
    meta = JobMeta(index=0, key=source.key, config=config, provider=planner.provider)
    with holding_project(planner.folder, "Python API"):
        try:
            request, job = _plan(planner, router, ledger, project, prompt, budget_usd)
        except (BudgetExceededError, ProviderError) as exc:
            return VideoResult(
                success=False,
                config=config,
                provider=public_name(planner.provider),
                key=source.key,
                error=JobError.from_exception(exc),
            )
        done = finished(ledger, source.key, request.fingerprint())
        if done is not None:
            return VideoResult(
                success=True,
                config=config,
                provider=public_name(planner.provider),
                key=source.key,
                video_path=done.clip_path,
                job_id=done.job_id,
                cost_usd=done.billed_usd,
                reused=True,
            )
        return follow(meta, job, cancel, ledger, on_progress)


def list_videos(planner: Planner, router: ProviderRouter, limit: int) -> list[VideoInfo]:
    """The account's recent videos on the `/v1/videos` endpoint, newest first."""
    if planner.provider is not ProviderName.SORA:
        name = public_name(planner.provider)
        raise ValidationError("provider", f"{name} has no endpoint that lists videos")
    from imageai.providers.openai.sora_remix_jobs import remix_client

    settings = provider_settings(ProviderName.SORA, planner.options)
    assert isinstance(settings, SoraSettings)
    videos = remix_client(router, settings).list_videos(limit)
    return [
        VideoInfo(
            job_id=v.id,
            status=v.status,
            model=v.model,
            seconds=v.seconds,
            size=v.size,
            prompt=v.prompt or "",
            created_at=float(v.created_at),
        )
        for v in videos
    ]
