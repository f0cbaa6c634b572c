"""`imageai video retarget`: move a project (or some scenes) to another provider, shown first."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from imageai.cli.context import project_for_writing
from imageai.cli.exit_codes import ExitCode
from imageai.core import project_store
from imageai.core.catalog import load_catalog
from imageai.core.errors import ValidationError
from imageai.core.ledger import LEDGER_NAME, ledger_for
from imageai.core.models import ProviderName
from imageai.core.open_jobs import left_behind
from imageai.core.paths import price_override_file
from imageai.core.render_plan import parse_scene_selection
from imageai.core.retarget_plan import (
    RetargetPlan,
    plan_retarget,
    project_model,
    successor_plan,
)
from imageai.core.shot import resolve

if TYPE_CHECKING:
    import argparse

    from imageai.core.catalog import Catalog, ModelInfo
    from imageai.core.models import Project


def plan_json(plan: RetargetPlan, applied: bool) -> dict[str, Any]:
    project = plan.project
    return {
        "target": plan.target.value,
        "model": plan.model,
        "scenes": list(plan.scene_ids) if plan.scene_ids is not None else None,
        "notes": list(plan.notes),
        "before_usd": plan.before.total_usd,
        "after_usd": plan.after.total_usd,
        "delta_usd": plan.delta_usd,
        "after": [
            {
                "id": row.id,
                "index": row.index,
                "shot": resolve(project, project.scene(row.id)).describe(),
                "usd": row.usd,
                "error": row.error,
            }
            for row in plan.after.scenes
        ],
        "applied": applied,
    }


def _print_plan(plan: RetargetPlan, folder: Path, source: dict[str, str]) -> None:
    what = (
        f"project {folder}"
        if plan.scene_ids is None
        else f"scene(s) {', '.join(str(plan.project.index_of(i) + 1) for i in plan.scene_ids)}"
    )
    print(f"Retarget {what} to {plan.target.value} ({plan.model}):")
    shots = {
        r.id: resolve(plan.project, plan.project.scene(r.id)).describe() for r in plan.after.scenes
    }
    left = max((len(source[i]) for i in shots), default=0)
    right = max((len(s) for s in shots.values()), default=0)
    for row in plan.after.scenes:
        note = f"  ({row.error})" if row.error else ""
        print(
            f"{row.index:>3}  {source[row.id]:<{left}} -> {shots[row.id]:<{right}}  "
            f"{row.formula()}{note}"
        )
    for note in plan.notes or ("Nothing had to change.",):
        print(f"  - {note}")
    print(plan.comparison())


def _successor_plan(project: Project, catalog: Catalog) -> RetargetPlan | None:
    """The move to the successor, after saying why; None (and why not) when there is none."""
    info = project_model(project, catalog)
    note = info.lifecycle_note() if info is not None else ""
    plan = successor_plan(project, catalog)
    if plan is None:
        what = info.label if info is not None else "This project's model"
        print(note or f"{what} is live: there is no successor to move to.", file=sys.stderr)
        return None
    print(note, file=sys.stderr)
    return plan


def cmd_retarget(args: argparse.Namespace) -> int:
    folder: Path = args.dir
    if not args.yes:
        return _retarget(args, folder, project_store.load(folder))
    # Applying writes project.json: planned from the project as it is once the lock is held.
    with project_for_writing(folder, "retarget") as project:
        return _retarget(args, folder, project)


def _check_left_behind(
    args: argparse.Namespace, folder: Path, before: Project, after: Project
) -> None:
    """Refuse to move scenes whose paid job is not fetched yet, unless the user abandons it.

    Raises:
        ValidationError: such a job is open and --abandon-open-jobs was not given (exit 2).
    """
    jobs = left_behind(ledger_for(folder / LEDGER_NAME).entries(), before, after)
    if not jobs:
        return
    shown = ", ".join(
        f"scene {number} " + (f"job {job.job_id}" if job.job_id else "create with no answer")
        for number, job in jobs
    )
    if args.abandon_open_jobs:
        print(f"Left on the old provider (paid, not fetched): {shown}")
        return
    raise ValidationError(
        "provider",
        f"paid work not fetched yet ({shown}) would be left on the old provider and those "
        "scenes paid for again. Render the project first, or add --abandon-open-jobs.",
    )


def _retarget(args: argparse.Namespace, folder: Path, project: Project) -> int:
    catalog = load_catalog(price_override_file())
    if args.successor:
        if args.scenes or args.provider:
            print("imageai: error: --successor moves the whole project", file=sys.stderr)
            return ExitCode.INVALID_INPUT
        found = _successor_plan(project, catalog)
        if found is None:
            return ExitCode.INVALID_INPUT
        plan = found
    elif args.provider is None:
        print("imageai: error: give --provider or --successor", file=sys.stderr)
        return ExitCode.INVALID_INPUT
    else:
        ids = None
        if args.scenes:
            selected = parse_scene_selection(args.scenes, len(project.scenes))
            ids = [project.scenes[i].id for i in selected]
        plan = plan_retarget(project, ProviderName(args.provider), catalog, ids, args.model)
    if args.yes:
        _check_left_behind(args, folder, project, plan.project)
        project_store.save(plan.project, folder)
    if args.json:
        print(json.dumps(plan_json(plan, applied=args.yes)))
        return ExitCode.OK
    source = {s.id: resolve(project, s).describe() for s in project.scenes}
    _print_plan(plan, folder, source)
    if args.yes:
        print(f"Applied; saved {folder}.")
    else:
        print("Nothing changed yet: run again with --yes to apply.")
    return ExitCode.OK


def add_parsers(vsub: Any) -> None:
    retarget = vsub.add_parser(
        "retarget", help="move the project or some scenes to another provider (shown first)"
    )
    retarget.add_argument("dir", type=Path)
    retarget.add_argument("--provider", choices=[p.value for p in ProviderName])
    retarget.add_argument("--model", help="the target provider's model (default: its current)")
    retarget.add_argument(
        "--successor",
        action="store_true",
        help="move a deprecated or retired model's project to the model the table names next",
    )
    retarget.add_argument("--scenes", help="e.g. 1,3-5: give only these scenes the provider")
    retarget.add_argument("--yes", action="store_true", help="apply the plan (else only show it)")
    retarget.add_argument(
        "--abandon-open-jobs",
        action="store_true",
        help="apply even though moved scenes have paid jobs not fetched yet",
    )
    retarget.add_argument("--json", action="store_true")
    retarget.set_defaults(func=cmd_retarget)


def _models_used(project: Project, catalog: Catalog) -> list[ModelInfo]:
    seen: dict[tuple[str, str], ModelInfo] = {}
    for scene in project.scenes:
        spec = resolve(project, scene)
        info = catalog.get(spec.provider, spec.model)
        if info is not None:
            seen.setdefault((info.provider.value, info.id), info)
    return list(seen.values())


def lifecycle_json(project: Project, catalog: Catalog, folder: Path) -> list[dict[str, Any]]:
    """Each model the scenes use: its status, the table's dates, and the move on offer."""
    plan = successor_plan(project, catalog)
    rows = []
    for info in _models_used(project, catalog):
        successor = catalog.successor_of(info)
        moves = plan is not None and info == project_model(project, catalog)
        rows.append(
            {
                "provider": info.provider.value,
                "model": info.id,
                "status": info.status().value,
                "deprecated_on": str(info.deprecated_on) if info.deprecated_on else None,
                "retired_on": str(info.retired_on) if info.retired_on else None,
                "successor": successor.id if successor is not None else None,
                "successor_provider": successor.provider.value if successor else None,
                "sentence": _sentence(info, plan if moves else None, folder),
            }
        )
    return rows


def lifecycle_lines(project: Project, catalog: Catalog, folder: Path) -> list[str]:
    """The sentences for models that are deprecated or retired (none while all are live)."""
    return [row["sentence"] for row in lifecycle_json(project, catalog, folder) if row["sentence"]]


def _sentence(info: ModelInfo, plan: RetargetPlan | None, folder: Path) -> str:
    note = info.lifecycle_note()
    if not note or plan is None:
        return note
    return (
        f"{note} Move the project to {plan.model} with `imageai video retarget {folder} "
        f"--successor --yes` ({plan.comparison()})."
    )
