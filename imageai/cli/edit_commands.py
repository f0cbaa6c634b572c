"""`imageai video remix` for a scene whose model edits clips (Gemini Omni): each edit is a take."""

from __future__ import annotations

import sys
import threading
from typing import TYPE_CHECKING

from imageai.cli.exit_codes import ExitCode
from imageai.cli.sora_jobs import JobReport
from imageai.core import project_store
from imageai.core.budget import check_new_creates
from imageai.core.errors import ErrorKind, ProviderError
from imageai.core.jobs import Created, Done, JobResult
from imageai.core.ledger import LEDGER_NAME, Ledger, ledger_for
from imageai.core.project_lock import holding_project
from imageai.core.remix_plan import (
    UNKNOWN_MESSAGE,
    EditPlan,
    clean_prompts,
    edit_variation,
    plan_edit,
)
from imageai.core.takes import add_take, free_take_number, make_take

if TYPE_CHECKING:
    import argparse
    from pathlib import Path

    from imageai.cli.context import CliContext
    from imageai.core.jobs import VideoProvider
    from imageai.core.models import Project, Scene

INTERRUPTED = (
    "Stopped following: the remaining edits go on rendering remotely (and are paid for). Run "
    "the command again with the same prompts to fetch them without a new create."
)
RESEND_HINT = " To send it anyway, run the command again with --resend-unknown."


def remix_by_edit(
    args: argparse.Namespace, folder: Path, project: Project, scene: Scene, ctx: CliContext
) -> int:
    """Plan (priced, budget-checked), then create or resume each variation and keep it as a take.

    Another process rendering or remixing this project is refused, not raced.
    """
    prompts = clean_prompts(args.prompt)
    with holding_project(folder, "remix"):
        ledger = ledger_for(folder / LEDGER_NAME)
        plan = plan_edit(
            ctx.catalog,
            project,
            scene,
            folder,
            prompts,
            ledger,
            resend_unknown=args.resend_unknown,
        )
        budget = args.budget if args.budget is not None else project.budget_usd
        check_new_creates(plan.cost_usd, ledger, project, ctx.catalog, budget)
        # Built before anything is sent: a missing key stops here (exit 3).
        provider = ctx.router.provider_for(plan.requests[0])
        return _run(args, folder, plan, provider, ledger)


def _run(
    args: argparse.Namespace, folder: Path, plan: EditPlan, provider: VideoProvider, ledger: Ledger
) -> int:
    labels = {str(i): f"variation {i + 1}" for i in range(len(plan.requests))}
    report = JobReport(labels, as_json=args.json, project_dir=folder)
    spec = plan.requests[0].spec
    source = plan.requests[0].source
    report.emit(
        "plan",
        f"Remixing scene {args.scene} by edit ({spec.describe()}): {plan.summary()}",
        scene=plan.requests[0].scene_id,
        source_job_id=source.job_id if source else None,
        source_clip=str(source.clip_path) if source and source.clip_path else None,
        variations=len(plan.requests),
        new=len(plan.new),
        held=len(plan.held),
        estimate_usd=plan.cost_usd,
    )
    failed = 0
    for i in plan.held:
        report.failed(str(i), ErrorKind.OUTCOME_UNKNOWN, UNKNOWN_MESSAGE + RESEND_HINT)
        failed += 1
    try:
        for i in range(len(plan.requests)):
            if i not in plan.held and not _variation(folder, plan, i, provider, ledger, report):
                failed += 1
    except KeyboardInterrupt:
        print(INTERRUPTED, file=sys.stderr)
        return ExitCode.SCENE_FAILED
    total = len(plan.requests)
    report.emit(
        "finished",
        f"Done: {total - failed} of {total} variations. "
        f"Choose one with `imageai video take {folder} --scene {args.scene} --choose K`.",
        done=total - failed,
        failed=failed,
        spent_usd=ledger.total_spent(),
    )
    return ExitCode.OK if failed == 0 else ExitCode.SCENE_FAILED


def _variation(
    folder: Path,
    plan: EditPlan,
    index: int,
    provider: VideoProvider,
    ledger: Ledger,
    report: JobReport,
) -> bool:
    """Create (or resume), follow and download one variation, then save it as the next take."""
    key = str(index)
    request = plan.requests[index]
    project = project_store.load(folder)  # fresh: the takes saved earlier in this run count
    scene = project.scene(request.scene_id)
    number = free_take_number(scene, folder)
    if plan.resumed[index] is not None:
        report.emit("resumed", f"variation {index + 1}: following {plan.resumed[index]} again")
    result: JobResult | None = None
    try:
        for event in edit_variation(plan, index, provider, ledger, number, threading.Event()):
            if isinstance(event, Created) and not event.resumed:
                report.emit("created", key=key, job_id=event.job_id, billed_usd=event.billed_usd)
            report.on_event(key, event)
            if isinstance(event, Done):
                result = event.result
    except ProviderError as exc:
        report.failed(key, exc.kind, exc.user_message)
        return False
    assert result is not None
    take = make_take(result, request, plan.source_job_id, result.billed_usd)
    project_store.save(project.with_scene(add_take(scene, take)), folder)
    report.emit(
        "take",
        f"Scene {request.index} take {number}: {take.clip_path}",
        key=key,
        take=number,
        job_id=result.job_id,
        clip=take.clip_path,
    )
    return True
