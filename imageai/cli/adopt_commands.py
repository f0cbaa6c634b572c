"""`imageai video remote-list` (the account's Sora videos) and `video adopt` (one into a scene)."""

from __future__ import annotations

import json
import re
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from imageai.cli.context import build_context, project_for_writing
from imageai.cli.exit_codes import ExitCode
from imageai.cli.sora_jobs import JobReport, follow, provider_exit, scene_at, sora_client
from imageai.core import project_store
from imageai.core.errors import ErrorKind, JobError, ProviderError, ValidationError
from imageai.core.jobs import JobRequest, PollState
from imageai.core.ledger import LEDGER_NAME, ledger_for
from imageai.core.models import ProviderName, RenderState, SoraSettings, Take
from imageai.core.settling import open_intent
from imageai.core.shot import spec_for_settings
from imageai.core.takes import SceneJournal, add_take, next_take_number, relative, take_stem
from imageai.providers.openai.sora_remix_jobs import video_spec

if TYPE_CHECKING:
    import argparse

    from imageai.core.catalog import Catalog
    from imageai.core.jobs import JobResult
    from imageai.core.models import Project, Scene
    from imageai.core.shot import ShotSpec
    from imageai.providers.openai.sora_client import SoraClient
    from imageai.providers.openai.sora_videos import SoraVideo

PROMPT_EXCERPT = 48
#: What a video id may be: it goes into a URL path, so no "/", no spaces, and a bounded length.
VIDEO_ID = re.compile(r"[A-Za-z0-9_.:\-]{1,200}")


def checked_video_id(value: str) -> str:
    """``value`` if it can be a video id, else a `ValidationError` (without echoing it)."""
    if VIDEO_ID.fullmatch(value) is None or set(value) == {"."}:
        raise ValidationError(
            "video-id",
            "a video id is 1-200 letters, digits, '_', '-', '.' or ':' "
            "(see `imageai video remote-list`)",
        )
    return value


def _created(ts: int) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d %H:%M")


def video_row(video: SoraVideo) -> dict[str, Any]:
    prompt = (video.prompt or "").replace("\n", " ")
    excerpt = prompt if len(prompt) <= PROMPT_EXCERPT else prompt[: PROMPT_EXCERPT - 1] + "…"
    return {
        "id": video.id,
        "status": video.status,
        "model": video.model,
        "size": video.size,
        "seconds": video.seconds,
        "prompt": excerpt,
        "created": _created(video.created_at),
        "remixed_from": video.remixed_from_video_id,
    }


def cmd_remote_list(args: argparse.Namespace) -> int:
    if args.limit < 1:
        raise ValidationError("limit", "must be at least 1")
    ctx = build_context()
    client = sora_client(ctx, SoraSettings(base_url=args.base_url))
    try:
        videos = client.list_videos(args.limit)
    except ProviderError as exc:
        print(f"imageai: error: {exc.user_message}", file=sys.stderr)
        return provider_exit(exc)
    finally:
        ctx.router.close()
    rows = [video_row(v) for v in videos]
    if args.json:
        print(json.dumps({"videos": rows}))
        return ExitCode.OK
    if not rows:
        print("No videos on this account.", file=sys.stderr)
    for r in rows:
        print(
            f"{r['id']:<28} {r['status']:<11} {r['model']:<12} {r['size']:<9} "
            f"{r['seconds']:>3} s  {r['created']}  {r['prompt']}"
        )
    return ExitCode.OK


def _fetch(client: SoraClient, video_id: str) -> SoraVideo:
    try:
        video = client.get_video(video_id)
    except ProviderError as exc:
        if exc.kind is ErrorKind.NOT_FOUND:
            raise ValidationError("video-id", exc.user_message) from exc
        raise
    if video.state is PollState.FAILED:
        reason = video.error_message or video.error_code or "no reason given"
        raise ValidationError("video-id", f"{video.id} failed ({reason}); it has no clip to adopt")
    return video


def adopted_spec(catalog: Catalog, project: Project, video: SoraVideo) -> ShotSpec:
    """The shot of ``video`` as the project sees it: its endpoint and price per second.

    A video whose model the price table does not know keeps the project's model, at the
    video's own length and size.
    """
    settings = project.settings.sora
    fallback = spec_for_settings(ProviderName.SORA, settings, video.seconds).model_copy(
        update={"size": video.size}
    )
    return video_spec(catalog, video, fallback)


def cmd_adopt(args: argparse.Namespace) -> int:
    checked_video_id(args.video_id)
    # Adopting writes the ledger and project.json: refused while a render holds the project
    # (its saves would drop the adopted clip, and the next render pay for the scene again).
    with project_for_writing(args.dir, "adopt") as project:
        return _adopt(args, project)


def _adopt(args: argparse.Namespace, project: Project) -> int:
    folder: Path = args.dir
    scene = scene_at(project, args.scene)
    if any(t.job_id == args.video_id for t in scene.takes) or scene.job_id == args.video_id:
        raise ValidationError("video-id", f"{args.video_id} is already scene {args.scene}'s")
    ctx = build_context()
    client = sora_client(ctx, project.settings.sora)
    try:
        video = _fetch(client, args.video_id)
    except ProviderError as exc:
        print(f"imageai: error: {exc.user_message}", file=sys.stderr)
        return provider_exit(exc)
    request = JobRequest(
        scene_id=scene.id,
        index=args.scene,
        title=project.title,
        spec=adopted_spec(ctx.catalog, project, video),
        prompt=video.prompt or scene.prompt,
        settings=project.settings.sora,
        project_dir=folder,
    )
    ledger = ledger_for(folder / LEDGER_NAME)
    # Paid for elsewhere: recorded as created at no cost, so spend stays honest. The video of
    # this scene's own lost create (an open intent of the same request) was billed here: it
    # settles that intent at its price, so the budget never drops by a paid create.
    lost = open_intent(ledger.entries(), scene.id, request.fingerprint())
    ledger.created(request, video.id, client.estimate(request) if lost is not None else 0.0)
    as_take = scene.state is RenderState.DONE and scene.clip_path is not None
    stem = take_stem(scene.id, next_take_number(scene)) if as_take else scene.id
    if not as_take:
        # Saved before polling, so `video render` resumes this job if the download is cut.
        project = project.update_scene(
            scene.id,
            state=RenderState.RENDERING,
            job_id=video.id,
            job_provider=ProviderName.SORA,
            rendered_prompt=request.prompt,
            error=None,
        )
        project_store.save(project, folder)
    report = JobReport({"adopt": f"scene {args.scene}"}, as_json=args.json, project_dir=folder)
    report.emit(
        "plan",
        f"Adopting {video.id} ({video.status}) into scene {args.scene}"
        + (" as a new take" if as_take else ""),
        scene=scene.id,
        job_id=video.id,
        as_take=as_take,
    )
    take_request = request.model_copy(update={"scene_id": stem, "resume_job_id": video.id})
    try:
        result = follow("adopt", take_request, client, SceneJournal(ledger, request), report)
    except KeyboardInterrupt:
        print("Stopped; run the same command again to download the video.", file=sys.stderr)
        return ExitCode.SCENE_FAILED
    except ProviderError as exc:
        report.failed("adopt", exc.kind, exc.user_message)
        if exc.final and not as_take:
            error = JobError.from_exception(exc)
            project_store.save(
                project.update_scene(scene.id, state=RenderState.FAILED, error=error), folder
            )
        return provider_exit(exc)
    project = _record(project_store.load(folder), scene, video, result, folder, as_take)
    project_store.save(project, folder)
    report.emit(
        "finished",
        f"Scene {args.scene} now shows {video.id}: {relative(result.clip_path, folder)}",
        job_id=video.id,
        clip=relative(result.clip_path, folder),
    )
    return ExitCode.OK


def _record(
    project: Project, scene: Scene, video: SoraVideo, result: JobResult, folder: Path, as_take: bool
) -> Project:
    """The project with the adopted video as the scene's clip (a new, chosen take if rendered)."""
    clip = relative(result.clip_path, folder)
    thumb = relative(result.thumbnail_path, folder)
    current = project.scene(scene.id)
    if as_take:
        take = Take(
            job_id=video.id,
            clip_path=clip,
            thumbnail_path=thumb,
            prompt=video.prompt or "",
            remixed_from_job_id=video.remixed_from_video_id,
        )
        updated = add_take(current, take, choose=True)
    else:
        updated = current.model_copy(
            update={"clip_path": clip, "thumbnail_path": thumb, "state": RenderState.DONE}
        )
    return project.with_scene(
        updated.model_copy(update={"job_id": video.id, "job_provider": ProviderName.SORA})
    )


def cmd_remote_delete(args: argparse.Namespace) -> int:
    """Delete a video on the Sora endpoint; only when asked, since the API has no undo."""
    checked_video_id(args.video_id)
    if not args.yes:
        raise ValidationError(
            "yes", f"deleting {args.video_id} on the server cannot be undone; add --yes to do it"
        )
    ctx = build_context()
    client = sora_client(ctx, SoraSettings(base_url=args.base_url))
    try:
        client.delete_video(args.video_id)
    except ProviderError as exc:
        print(f"imageai: error: {exc.user_message}", file=sys.stderr)
        return provider_exit(exc)
    finally:
        ctx.router.close()
    print(f"Deleted {args.video_id} on the server; clips already downloaded are kept.")
    return ExitCode.OK


def add_parsers(vsub: Any) -> None:
    remote = vsub.add_parser("remote-list", help="the Sora account's recent videos")
    remote.add_argument("--limit", type=int, default=20)
    remote.add_argument("--base-url", help="an OpenAI-compatible endpoint (default: the SDK's)")
    remote.add_argument("--json", action="store_true")
    remote.set_defaults(func=cmd_remote_list)

    adopt = vsub.add_parser(
        "adopt", help="make an existing Sora video a scene's clip (no new video is paid for)"
    )
    adopt.add_argument("dir", type=Path)
    adopt.add_argument("--scene", type=int, required=True, help="scene number (1-based)")
    adopt.add_argument("--video-id", required=True, help="see `imageai video remote-list`")
    adopt.add_argument("--json", action="store_true", help="one JSON event per line")
    adopt.set_defaults(func=cmd_adopt)

    delete = vsub.add_parser(
        "remote-delete", help="delete a Sora video on the server (the API has no cancel)"
    )
    delete.add_argument("--video-id", required=True)
    delete.add_argument("--base-url", help="an OpenAI-compatible endpoint (default: the SDK's)")
    delete.add_argument("--yes", action="store_true", help="really delete it")
    delete.set_defaults(func=cmd_remote_delete)
