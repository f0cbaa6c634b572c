"""`imageai video remix` (variations of a rendered Sora scene, kept as takes) and `video take`."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from imageai.cli import adopt_commands, retarget_commands
from imageai.cli.context import build_context
from imageai.cli.exit_codes import ExitCode
from imageai.cli.progress import retarget_hint
from imageai.cli.sora_jobs import (
    JobReport,
    SceneJournal,
    created_usd,
    follow,
    provider_exit,
    relative,
    scene_at,
    sora_client,
    video_spec,
)
from imageai.core import project_store
from imageai.core.errors import BudgetExceededError, ProviderError, ValidationError
from imageai.core.jobs import JobRequest, PollState
from imageai.core.ledger import LEDGER_NAME, Ledger
from imageai.core.models import ProviderName, RenderState, Take
from imageai.core.pricing import price_per_second
from imageai.core.shot import resolve
from imageai.core.takes import (
    add_take,
    choose_take,
    current_take,
    list_takes,
    next_take_number,
    take_stem,
)

if TYPE_CHECKING:
    import argparse

    from imageai.core.models import Project, Scene
    from imageai.providers.sora_client import SoraClient


INTERRUPTED = (
    "Stopped following: the remaining videos go on rendering remotely (and are paid for). Run "
    "the command again with the prompts not downloaded yet to fetch them without a new create."
)


def check_remixable(project: Project, scene: Scene, number: int) -> None:
    """Only a rendered Sora scene can be remixed; the error says why not."""
    if scene.state is not RenderState.DONE or not scene.job_id or not scene.clip_path:
        raise ValidationError(
            "scene",
            f"scene {number} is not rendered yet (state {scene.state.value}); "
            "render it first, then remix it",
        )
    provider = scene.job_provider or project.provider_for(scene)
    if provider is not ProviderName.SORA:
        raise ValidationError(
            "scene",
            f"scene {number} was rendered with {provider.value}; only Sora videos can be remixed",
        )


def _prompts(raw: list[str]) -> list[str]:
    prompts = [p.strip() for p in raw]
    if not prompts or any(not p for p in prompts):
        raise ValidationError("prompt", "every --prompt needs some text")
    return prompts


def cmd_remix(args: argparse.Namespace) -> int:
    folder: Path = args.dir
    project = project_store.load(folder)
    scene = scene_at(project, args.scene)
    check_remixable(project, scene, args.scene)
    prompts = _prompts(args.prompt)
    ctx = build_context()
    client = sora_client(ctx, project.settings.sora)
    assert scene.job_id is not None
    try:
        source = client.get_video(scene.job_id)
    except ProviderError as exc:
        hint = retarget_hint(exc.kind, ProviderName.SORA, folder)
        print(f"imageai: error: {exc.user_message}", file=sys.stderr)
        if hint:
            print(f"Hint: {hint}.", file=sys.stderr)
        return provider_exit(exc)
    if source.state is not PollState.COMPLETED:
        raise ValidationError("scene", f"video {source.id} is {source.status}, not completed")
    spec = video_spec(ctx.catalog, source, resolve(project, scene))
    ledger = Ledger(folder / LEDGER_NAME)
    requests = [
        JobRequest(
            scene_id=scene.id,
            index=args.scene,
            title=project.title,
            spec=spec,
            prompt=prompt,
            settings=project.settings.sora,
            project_dir=folder,
        )
        for prompt in prompts
    ]
    # A remix created by an earlier, interrupted run is followed again, not paid twice.
    resumed = {i: ledger.open_job(scene.id, r.fingerprint()) for i, r in enumerate(requests)}
    new = [i for i, job in resumed.items() if job is None]
    unit = round(price_per_second(ctx.catalog, spec) * spec.seconds, 4)
    cost = round(unit * len(new), 4)
    budget = args.budget if args.budget is not None else project.budget_usd
    spent = ledger.total_spent()
    if budget is not None and spent + cost > budget + 1e-9:
        raise BudgetExceededError(cost, spent, budget)
    labels = {str(i): f"variation {i + 1}" for i in range(len(prompts))}
    report = JobReport(labels, as_json=args.json, project_dir=folder)
    report.emit(
        "plan",
        f"Remixing scene {args.scene} ({spec.describe()}): {len(new)} new variation(s) x "
        f"${unit:.2f} = ${cost:.2f}"
        + (f", {len(prompts) - len(new)} resumed" if len(new) < len(prompts) else ""),
        scene=scene.id,
        source_job_id=scene.job_id,
        variations=len(prompts),
        new=len(new),
        estimate_usd=cost,
    )
    jobs = _create(client, ledger, requests, new, scene.job_id, report)
    for i, job_id in resumed.items():
        if job_id is not None:
            jobs[i] = (job_id, created_usd(ledger, job_id))
            report.emit("resumed", f"variation {i + 1}: following {job_id} again", key=str(i))
    failed = len(prompts) - len(jobs)
    try:
        for i in sorted(jobs):
            if not _download_take(
                folder, str(i), requests[i], jobs[i], scene.job_id, client, report
            ):
                failed += 1
    except KeyboardInterrupt:
        print(INTERRUPTED, file=sys.stderr)
        return ExitCode.SCENE_FAILED
    report.emit(
        "finished",
        f"Done: {len(prompts) - failed} of {len(prompts)} variations. "
        f"Choose one with `imageai video take {folder} --scene {args.scene} --choose K`.",
        done=len(prompts) - failed,
        failed=failed,
        spent_usd=ledger.total_spent(),
    )
    return ExitCode.OK if failed == 0 else ExitCode.SCENE_FAILED


def _create(
    client: SoraClient,
    ledger: Ledger,
    requests: list[JobRequest],
    new: list[int],
    source_job_id: str,
    report: JobReport,
) -> dict[int, tuple[str, float]]:
    """Send the creates (intent first, then created or failed in the ledger)."""
    if not new:
        return {}
    for i in new:
        ledger.intent(requests[i])
    outcomes = client.remix_batch(source_job_id, [requests[i].prompt for i in new])
    jobs: dict[int, tuple[str, float]] = {}
    for i, outcome in zip(new, outcomes, strict=True):
        if outcome.job is not None:
            job = outcome.job
            ledger.created(requests[i], job.job_id, job.billed_usd)
            jobs[i] = (job.job_id, job.billed_usd)
            report.emit("created", key=str(i), job_id=job.job_id, billed_usd=job.billed_usd)
            continue
        assert outcome.error is not None
        error = outcome.error
        ledger.failed(requests[i], None, error.kind.value, error.user_message)
        report.failed(str(i), error.kind, error.user_message)
    return jobs


def _download_take(
    folder: Path,
    key: str,
    request: JobRequest,
    job: tuple[str, float],
    source_job_id: str,
    client: SoraClient,
    report: JobReport,
) -> bool:
    """Poll and download one variation, then record it as the scene's next take."""
    job_id, billed = job
    project = project_store.load(folder)  # fresh: the takes saved earlier in this run count
    scene = project.scene(request.scene_id)
    number = next_take_number(scene)
    take_request = request.model_copy(
        update={"scene_id": take_stem(scene.id, number), "resume_job_id": job_id}
    )
    journal = SceneJournal(Ledger(folder / LEDGER_NAME), request)
    try:
        result = follow(key, take_request, client, journal, report)
    except ProviderError as exc:
        report.failed(key, exc.kind, exc.user_message)
        return False
    take = Take(
        job_id=job_id,
        clip_path=relative(result.clip_path, folder),
        thumbnail_path=relative(result.thumbnail_path, folder),
        prompt=request.prompt,
        remixed_from_job_id=source_job_id,
        billed_usd=billed,
    )
    project_store.save(project.with_scene(add_take(scene, take)), folder)
    report.emit(
        "take",
        f"Scene {request.index} take {number}: {take.clip_path}",
        key=key,
        take=number,
        job_id=job_id,
        clip=take.clip_path,
    )
    return True


def _take_rows(scene: Scene) -> list[dict[str, Any]]:
    current = current_take(scene)
    return [
        {
            "take": number,
            "current": number == current,
            "job_id": take.job_id,
            "clip_path": take.clip_path,
            "prompt": take.prompt,
            "remixed_from_job_id": take.remixed_from_job_id,
            "billed_usd": take.billed_usd,
        }
        for number, take in enumerate(list_takes(scene), 1)
    ]


def cmd_take(args: argparse.Namespace) -> int:
    folder: Path = args.dir
    project = project_store.load(folder)
    scene = scene_at(project, args.scene)
    if args.choose is not None:
        try:
            scene = choose_take(scene, args.choose)
        except ValidationError as exc:
            raise exc.prefixed(f"scene {args.scene}") from exc
        project_store.save(project.with_scene(scene), folder)
    rows = _take_rows(scene)
    if args.json:
        print(json.dumps({"scene": scene.id, "index": args.scene, "takes": rows}))
        return ExitCode.OK
    if not rows:
        print(f"Scene {args.scene} has no takes yet (state {scene.state.value}).")
    for row in rows:
        mark = "*" if row["current"] else " "
        origin = f" remix of {row['remixed_from_job_id']}" if row["remixed_from_job_id"] else ""
        print(
            f"{mark} take {row['take']}: {row['job_id']}  {row['clip_path']}  "
            f"${row['billed_usd']:.2f}{origin}  {row['prompt'][:60]!r}"
        )
    if args.choose is not None:
        print(f"Scene {args.scene} now shows take {args.choose}.", file=sys.stderr)
    return ExitCode.OK


def add_parsers(vsub: Any) -> None:
    """Register `remix` and `take`, then the adopt and retarget commands."""
    remix = vsub.add_parser(
        "remix", help="variations of a rendered Sora scene, each kept as a take"
    )
    remix.add_argument("dir", type=Path)
    remix.add_argument("--scene", type=int, required=True, help="scene number (1-based)")
    remix.add_argument(
        "--prompt",
        action="append",
        required=True,
        help="what to change; repeat for several variations",
    )
    remix.add_argument("--budget", type=float, help="USD; overrides the project's budget")
    remix.add_argument("--json", action="store_true", help="one JSON event per line")
    remix.set_defaults(func=cmd_remix)

    take = vsub.add_parser("take", help="list a scene's takes, or choose the one it shows")
    take.add_argument("dir", type=Path)
    take.add_argument("--scene", type=int, required=True, help="scene number (1-based)")
    take.add_argument("--choose", type=int, metavar="K", help="make take K the scene's clip")
    take.add_argument("--json", action="store_true")
    take.set_defaults(func=cmd_take)

    adopt_commands.add_parsers(vsub)
    retarget_commands.add_parsers(vsub)
