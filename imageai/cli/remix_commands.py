"""`imageai video remix` (variations of a rendered scene, kept as takes) and `video take`."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from imageai.cli import adopt_commands, edit_commands, retarget_commands, scene_commands
from imageai.cli.context import build_context, money, project_for_writing
from imageai.cli.exit_codes import ExitCode
from imageai.cli.progress import retarget_hint
from imageai.cli.sora_jobs import JobReport, follow, provider_exit, scene_at, sora_client
from imageai.core import project_store
from imageai.core.budget import check_new_creates
from imageai.core.errors import ProviderError, ValidationError
from imageai.core.ledger import LEDGER_NAME, Ledger, ledger_for
from imageai.core.models import ProviderName
from imageai.core.remix_plan import clean_prompts, edits_clips
from imageai.core.shot import resolve
from imageai.core.takes import (
    SceneJournal,
    add_take,
    choose_take,
    created_usd,
    current_take,
    free_take_number,
    list_takes,
    make_take,
    take_request,
)
from imageai.providers.openai.sora_remix_jobs import (
    RemixPlan,
    check_remixable,
    create_remixes,
    plan_remix,
    source_video,
    video_spec,
)

if TYPE_CHECKING:
    import argparse

    from imageai.core.catalog import Catalog
    from imageai.core.models import Project, Scene
    from imageai.providers.openai.sora_client import SoraClient
    from imageai.providers.openai.sora_videos import SoraVideo


INTERRUPTED = (
    "Stopped following: the remaining videos go on rendering remotely (and are paid for). Run "
    "the command again with the prompts not downloaded yet to fetch them without a new create."
)


def cmd_remix(args: argparse.Namespace) -> int:
    # Another process rendering or remixing this project is refused before any call, not
    # raced; the project is read once the lock is held.
    with project_for_writing(args.dir, "remix") as project:
        return _remix_scene(args, project)


def _remix_scene(args: argparse.Namespace, project: Project) -> int:
    folder: Path = args.dir
    scene = scene_at(project, args.scene)
    ctx = build_context()
    if edits_clips(ctx.catalog, project, scene):
        # The scene's model edits clips (Gemini Omni): a remix is an edit, sent as a render is.
        return edit_commands.remix_by_edit(args, folder, project, scene, ctx)
    check_remixable(project, scene, args.scene)
    prompts = clean_prompts(args.prompt)
    client = sora_client(ctx, project.settings.sora)
    assert scene.job_id is not None
    try:
        source = source_video(client, scene.job_id)
    except ProviderError as exc:
        hint = retarget_hint(exc.kind, ProviderName.SORA, folder)
        print(f"imageai: error: {exc.user_message}", file=sys.stderr)
        if hint:
            print(f"Hint: {hint}.", file=sys.stderr)
        return provider_exit(exc)
    return _remix(args, folder, project, scene, prompts, client, source, ctx.catalog)


def _remix(
    args: argparse.Namespace,
    folder: Path,
    project: Project,
    scene: Scene,
    prompts: list[str],
    client: SoraClient,
    source: SoraVideo,
    catalog: Catalog,
) -> int:
    spec = video_spec(catalog, source, resolve(project, scene))
    ledger = ledger_for(folder / LEDGER_NAME)
    # A remix created by an earlier, interrupted run is followed again, not paid twice.
    # One sent but never recorded (a crash mid-create) is looked up and adopted, not re-sent.
    plan = plan_remix(catalog, project, scene, folder, prompts, spec, ledger, client)
    budget = args.budget if args.budget is not None else project.budget_usd
    check_new_creates(plan.cost_usd, ledger, project, catalog, budget)
    labels = {str(i): f"variation {i + 1}" for i in range(len(prompts))}
    report = JobReport(labels, as_json=args.json, project_dir=folder)
    report.emit(
        "plan",
        f"Remixing scene {args.scene} ({spec.describe()}): {plan.summary()}",
        scene=scene.id,
        source_job_id=scene.job_id,
        variations=len(prompts),
        new=len(plan.new),
        estimate_usd=plan.cost_usd,
    )
    jobs = _create(client, ledger, plan, report)
    for i, job_id in enumerate(plan.resumed):
        if job_id is not None:
            jobs[i] = (job_id, created_usd(ledger, job_id))
            report.emit("resumed", f"variation {i + 1}: following {job_id} again", key=str(i))
    failed = len(prompts) - len(jobs)
    try:
        for i in sorted(jobs):
            if not _download_take(folder, str(i), plan, i, jobs[i], client, report):
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
    client: SoraClient, ledger: Ledger, plan: RemixPlan, report: JobReport
) -> dict[int, tuple[str, float]]:
    """Send the creates of the new variations and report each outcome."""
    if not plan.new:
        return {}
    jobs: dict[int, tuple[str, float]] = {}
    outcomes = create_remixes(client, ledger, plan, plan.new)
    for i, outcome in zip(plan.new, outcomes, strict=True):
        if outcome.job is not None:
            job = outcome.job
            jobs[i] = (job.job_id, job.billed_usd)
            report.emit("created", key=str(i), job_id=job.job_id, billed_usd=job.billed_usd)
        else:
            assert outcome.error is not None
            report.failed(str(i), outcome.error.kind, outcome.error.user_message)
    return jobs


def _download_take(
    folder: Path,
    key: str,
    plan: RemixPlan,
    index: int,
    job: tuple[str, float],
    client: SoraClient,
    report: JobReport,
) -> bool:
    """Poll and download one variation, then record it as the scene's next take."""
    job_id, billed = job
    request = plan.requests[index]
    project = project_store.load(folder)  # fresh: the takes saved earlier in this run count
    scene = project.scene(request.scene_id)
    number = free_take_number(scene, folder)
    journal = SceneJournal(ledger_for(folder / LEDGER_NAME), request)
    try:
        result = follow(key, take_request(request, number, job_id), client, journal, report)
    except ProviderError as exc:
        report.failed(key, exc.kind, exc.user_message)
        return False
    take = make_take(result, request, plan.source_job_id, billed)
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
    if args.choose is None:
        scene = scene_at(project_store.load(folder), args.scene)
    else:
        # A render in another process saves the project as it goes: do not race it.
        with project_for_writing(folder, "take --choose") as project:
            try:
                scene = choose_take(scene_at(project, args.scene), args.choose)
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
        "remix",
        help="variations of a rendered scene (Gemini Omni edit, or Sora remix), each a take",
    )
    remix.add_argument("dir", type=Path)
    remix.add_argument("--scene", type=int, required=True, help="scene number (1-based)")
    remix.add_argument(
        "--prompt",
        action="append",
        required=True,
        help="what to change; repeat for several variations",
    )
    remix.add_argument("--budget", type=money, help="USD; overrides the project's budget")
    remix.add_argument("--json", action="store_true", help="one JSON event per line")
    remix.add_argument(
        "--resend-unknown",
        action="store_true",
        help="Omni: create again a variation whose earlier create may have been billed "
        "(its answer was lost); check the provider's console first",
    )
    remix.set_defaults(func=cmd_remix)

    take = vsub.add_parser("take", help="list a scene's takes, or choose the one it shows")
    take.add_argument("dir", type=Path)
    take.add_argument("--scene", type=int, required=True, help="scene number (1-based)")
    take.add_argument("--choose", type=int, metavar="K", help="make take K the scene's clip")
    take.add_argument("--json", action="store_true")
    take.set_defaults(func=cmd_take)

    adopt_commands.add_parsers(vsub)
    retarget_commands.add_parsers(vsub)
    scene_commands.add_parsers(vsub)
