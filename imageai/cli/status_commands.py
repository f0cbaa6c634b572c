"""`imageai video estimate` and `imageai video status`: cost per scene, billed spend, ledger health."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from imageai.cli.exit_codes import ExitCode
from imageai.cli.retarget_commands import lifecycle_json, lifecycle_lines
from imageai.core import project_store
from imageai.core.budget import billed_by_scene, possibly_billed
from imageai.core.catalog import Catalog, load_catalog
from imageai.core.ledger import LEDGER_NAME, ledger_for
from imageai.core.paths import price_override_file
from imageai.core.pricing import estimate
from imageai.core.take_state import take_status
from imageai.core.takes import current_take, list_takes

if TYPE_CHECKING:
    import argparse
    from pathlib import Path

    from imageai.core.models import Project


def _estimate_json(project: Project, catalog: Catalog, folder: Path) -> dict[str, Any]:
    est = estimate(project, catalog=catalog)
    return {
        "total_usd": est.total_usd,
        "scenes": [
            {
                "id": s.id,
                "index": s.index,
                "provider": s.provider.value,
                "model": s.model,
                "seconds": s.seconds,
                "usd": s.usd,
                "price_verified": s.price_verified,
                "price_source": s.price_source,
            }
            for s in est.scenes
        ],
        "lifecycle": lifecycle_json(project, catalog, folder),
    }


def cmd_estimate(args: argparse.Namespace) -> int:
    catalog = load_catalog(price_override_file())
    project = project_store.load(args.dir)
    est = estimate(project, catalog=catalog)
    if args.json:
        print(json.dumps(_estimate_json(project, catalog, args.dir)))
        return ExitCode.OK
    for row in est.scenes:
        note = f"  ({row.error})" if row.error else ""
        if not row.error and not row.already_rendered and not row.price_verified:
            note = "  (unverified price)"
        print(f"{row.index:>3}  {row.provider.value:<8} {row.model:<32} {row.formula()}{note}")
    print(f"Total: {est.summary()}")
    if est.unverified:
        print(
            "Unverified prices come from third-party pages, not the vendor's: check your "
            "invoice and override them (docs/pricing.md)."
        )
    if project.budget_usd is not None:
        print(f"Budget: ${project.budget_usd:.2f}")
    for line in lifecycle_lines(project, catalog, args.dir):
        print(line)
    return ExitCode.OK


def cmd_status(args: argparse.Namespace) -> int:
    project = project_store.load(args.dir)
    ledger = ledger_for(args.dir / LEDGER_NAME)
    # The larger of the ledger's and project.json's figure: an unreadable line can hide spend.
    spent = billed_by_scene(ledger, project)
    read = ledger.read()
    catalog = load_catalog(price_override_file())
    # The full price of each scene (rendered ones included), to set against what was billed.
    est = {
        r.id: round(r.usd_per_second * r.seconds, 4)
        for r in estimate(project, catalog=catalog).scenes
    }
    # Creates sent whose answer never came: the budget counts them until the ledger settles them.
    unknown = possibly_billed(ledger, project, catalog)
    takes = {s.id: take_status(catalog, project, s, args.dir) for s in project.scenes}
    rows = [
        {
            "id": s.id,
            "index": i + 1,
            "state": s.state.value,
            "take_state": takes[s.id].state.value,
            "changed_since_take": takes[s.id].changed,
            "changed_reason": takes[s.id].reason or None,
            "takes": len(list_takes(s)),
            "chosen_take": current_take(s),
            "provider": project.provider_for(s).value,
            "job_id": s.job_id,
            "clip_path": s.clip_path,
            "billed_usd": spent.get(s.id, 0.0),
            "possibly_billed_usd": unknown.get(s.id, 0.0),
            "estimate_usd": est.get(s.id, 0.0),
            "error": s.error.user_message if s.error else None,
        }
        for i, s in enumerate(project.scenes)
    ]
    total = round(sum(spent.values()), 4)
    unknown_total = round(sum(unknown.values()), 4)
    if args.json:
        summary = {
            "total_spent_usd": total,
            "total_possibly_billed_usd": unknown_total,
            "total_estimate_usd": round(sum(est.values()), 4),
            "ledger_unreadable_lines": list(read.unreadable),
            "ledger_torn_last_line": read.torn_tail,
        }
        print(json.dumps({**summary, "budget_usd": project.budget_usd, "scenes": rows}))
        return ExitCode.OK
    for row, scene in zip(rows, project.scenes, strict=True):
        extra = f"  {row['error']}" if row["error"] else ""
        if row["changed_since_take"]:
            extra = f"  changed since its take ({row['changed_reason']}): renders again{extra}"
        if len(list_takes(scene)) > 1:
            extra = f"  take {current_take(scene) or '-'} of {len(list_takes(scene))}{extra}"
        if row["possibly_billed_usd"]:
            extra = f"  possibly billed ${row['possibly_billed_usd']:.2f}{extra}"
        print(
            f"{row['index']:>3}  {row['state']:<15} {row['provider']:<8} "
            f"{row['job_id'] or '-':<28} billed ${row['billed_usd']:.2f} "
            f"(est. ${row['estimate_usd']:.2f})  {row['clip_path'] or '-'}{extra}"
        )
    print(f"Total spent: ${total:.2f} (estimate of all scenes ${sum(est.values()):.2f})")
    if unknown_total:
        print(
            f"Possibly billed: ${unknown_total:.2f} (creates sent whose answer never came; "
            f"the budget counts them until the ledger settles them)"
        )
    for line in _ledger_lines(args.dir, read.unreadable, read.torn_tail):
        print(line)
    return ExitCode.OK


def _ledger_lines(folder: Path, unreadable: tuple[int, ...], torn: int | None) -> list[str]:
    """What `status` says about ledger lines that are not entries, and how to repair them."""
    lines = []
    if unreadable:
        lines.append(
            f"Ledger: {len(unreadable)} unreadable line(s) in {folder / LEDGER_NAME} (line "
            f"{', '.join(map(str, unreadable))}): renders with a budget are refused until they "
            "are fixed or deleted (keep a copy of the file first)."
        )
    if torn is not None:
        lines.append(
            f"Ledger: line {torn} was cut short by a crash mid-write; the next render moves it "
            f"to {LEDGER_NAME}.torn-<time>."
        )
    return lines
