"""`imageai video retarget`: move a project (or some scenes) to another provider, shown first."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from imageai.cli.exit_codes import ExitCode
from imageai.core import project_store
from imageai.core.catalog import load_catalog
from imageai.core.models import ProviderName
from imageai.core.paths import price_override_file
from imageai.core.render_plan import parse_scene_selection
from imageai.core.retarget_plan import RetargetPlan, plan_retarget
from imageai.core.shot import resolve

if TYPE_CHECKING:
    import argparse


def plan_json(plan: RetargetPlan, applied: bool) -> dict[str, Any]:
    project = plan.project
    return {
        "target": plan.target.value,
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
    print(f"Retarget {what} to {plan.target.value}:")
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


def cmd_retarget(args: argparse.Namespace) -> int:
    folder: Path = args.dir
    project = project_store.load(folder)
    target = ProviderName(args.provider)
    ids = None
    if args.scenes:
        ids = [
            project.scenes[i].id for i in parse_scene_selection(args.scenes, len(project.scenes))
        ]
    plan = plan_retarget(project, target, load_catalog(price_override_file()), ids)
    if args.yes:
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
    retarget.add_argument("--provider", choices=[p.value for p in ProviderName], required=True)
    retarget.add_argument("--scenes", help="e.g. 1,3-5: give only these scenes the provider")
    retarget.add_argument("--yes", action="store_true", help="apply the plan (else only show it)")
    retarget.add_argument("--json", action="store_true")
    retarget.set_defaults(func=cmd_retarget)
