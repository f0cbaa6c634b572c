"""Remix (Omni edit, `/v1/videos` remix) and list, through the same plans the CLI and GUI use."""

from __future__ import annotations

import hashlib
import logging
from typing import TYPE_CHECKING

from pydantic import ValidationError as PydanticValidationError

from imageai.api.config import provider_settings, public_name
from imageai.api.plan import finished
from imageai.api.results import VideoInfo, VideoResult
from imageai.api.runner import JobMeta, follow
from imageai.core.budget import check_new_creates, reservations_for
from imageai.core.errors import BudgetExceededError, JobError, ProviderError, ValidationError
from imageai.core.jobs import JobRequest
from imageai.core.models import ProviderName, RenderState, SoraSettings
from imageai.core.project_lock import holding_project
from imageai.core.remix_plan import (
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
    from imageai.core.jobs import JobEvent
    from imageai.core.ledger import Ledger
    from imageai.core.models import Project
    from imageai.providers.openai.sora_videos import SoraVideo
    from imageai.providers.router import ProviderRouter

log = logging.getLogger(__name__)


def remix_key(source: VideoResult) -> str:
    """The ledger id of remixes of ``source``: of its key *and* job, so a remix of a remix (or
    of a later video under the same key) with the same prompt is a new video, not the old one."""
    assert source.job_id is not None
    text = f"{source.key}\0{source.job_id}"
    return "api-" + hashlib.sha256(text.encode()).hexdigest()[:16]


def _source_project(planner: Planner, source: VideoResult) -> Project:
    """The one-scene project of ``source``, rendered, as the remix plans expect a scene."""
    if not source.success or source.job_id is None or source.video_path is None:
        raise ValidationError("source", "only a video that was made successfully can be remixed")
    project = planner.project(source.config, remix_key(source))
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
        check_new_creates(edit.cost_usd, ledger, project, catalog, budget_usd, reserved)
        provider = router.provider_for(edit.requests[0])

        def edit_job(cancel: threading.Event) -> Iterator[JobEvent]:
            return edit_variation(edit, 0, provider, ledger, take, cancel)

        return edit.requests[0], edit_job
    if planner.provider is not ProviderName.SORA:
        name = public_name(planner.provider)
        raise ValidationError("provider", f"{name} {scene_model(project)} cannot remix a video")
    from imageai.providers.openai.sora_remix_jobs import (  # late: the SDK is slow to import
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
    check_new_creates(plan.cost_usd, ledger, project, catalog, budget_usd, reserved)

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
    key = project.scenes[0].id
    config = source.config.model_copy(update={"prompt": prompt})
    meta = JobMeta(index=0, key=key, config=config, provider=planner.provider)
    base = {"config": config, "provider": public_name(planner.provider), "key": key}
    with holding_project(planner.folder, "Python API"):
        # A remix an earlier run downloaded is reused before asking the server anything, so a
        # re-run works offline and after the source video expired there.
        expected = _expected_fingerprint(planner, project, prompt)
        done = None if expected is None else finished(ledger, key, expected)
        if done is None:
            try:
                request, job = _plan(planner, router, ledger, project, prompt, budget_usd)
            except (BudgetExceededError, ProviderError) as exc:
                return VideoResult(success=False, error=JobError.from_exception(exc), **base)
            done = finished(ledger, key, request.fingerprint())
        if done is None:
            return follow(meta, job, cancel, ledger, on_progress)
        return VideoResult(
            success=True,
            video_path=done.clip_path,
            job_id=done.job_id,
            cost_usd=done.billed_usd,
            reused=True,
            **base,
        )


def _expected_fingerprint(planner: Planner, project: Project, prompt: str) -> str | None:
    """A `/v1/videos` remix request's fingerprint when the source video is the shot its config
    asked for (the server may say otherwise; then the plan's own request is looked up too).
    None for an edit, whose plan needs no server anyway."""
    scene = project.scenes[0]
    if planner.provider is not ProviderName.SORA or edits_clips(planner.catalog, project, scene):
        return None
    request = JobRequest(
        scene_id=scene.id,
        index=1,
        spec=resolve(project, scene),
        prompt=prompt.strip(),
        settings=project.settings.for_provider(planner.provider),
        project_dir=planner.folder,
    )
    return request.fingerprint()


def list_videos(planner: Planner, router: ProviderRouter, limit: int) -> list[VideoInfo]:
    """The account's recent videos on the `/v1/videos` endpoint, newest first; a listed video
    whose fields make no sense (no id, seconds not a positive whole number) is left out.

    Raises:
        ValidationError: the provider cannot list, or ``limit`` is not a whole number >= 1.
        ProviderError: the endpoint refused, could not be reached, or answered a list that
            could not be read.
    """
    if planner.provider is not ProviderName.SORA:
        name = public_name(planner.provider)
        raise ValidationError("provider", f"{name} has no endpoint that lists videos")
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise ValidationError("limit", "must be a whole number of at least 1")
    from imageai.providers.openai.sora_remix_jobs import remix_client

    settings = provider_settings(ProviderName.SORA, planner.options)
    assert isinstance(settings, SoraSettings)
    client = remix_client(router, settings)
    try:
        videos = client.list_videos(limit)
    # The endpoint's answer is someone else's data: a field of the wrong type or shape is an
    # error about that answer, never a traceback.
    except (ValueError, TypeError, AttributeError, LookupError) as exc:
        raise ProviderError(
            f"The videos endpoint {client.endpoint} listed a video that could not be read.",
            detail=f"{type(exc).__name__}: {str(exc)[:300]}",
        ) from None
    return [info for info in map(_info, videos) if info is not None]


def _info(video: SoraVideo) -> VideoInfo | None:
    try:
        return VideoInfo(
            job_id=video.id,
            status=video.status,
            model=video.model,
            seconds=video.seconds,
            size=video.size,
            prompt=video.prompt or "",
            created_at=float(video.created_at),
        )
    except PydanticValidationError as exc:
        log.warning("left out listed video %r: %s", video.id[:80], exc.errors()[0]["msg"])
        return None
