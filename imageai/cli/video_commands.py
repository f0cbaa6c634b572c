"""`imageai video ...`: init, estimate, render, status, assemble."""

from __future__ import annotations

import json
import signal
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from imageai.cli import endpoint_commands, remix_commands
from imageai.cli.context import build_context, money
from imageai.cli.exit_codes import ExitCode
from imageai.cli.progress import RenderReport
from imageai.cli.retarget_commands import lifecycle_json, lifecycle_lines
from imageai.core import project_store
from imageai.core.budget import billed_by_scene, possibly_billed
from imageai.core.catalog import Catalog, load_catalog
from imageai.core.errors import ValidationError
from imageai.core.ledger import LEDGER_NAME, ledger_for
from imageai.core.models import Project, ProviderName, RenderState
from imageai.core.paths import price_override_file
from imageai.core.pricing import estimate
from imageai.core.provider_names import short_name
from imageai.core.render_plan import parse_scene_selection
from imageai.core.script_import import import_script
from imageai.core.shot import parse_size, spec_for_settings
from imageai.core.take_state import take_status
from imageai.core.takes import current_take, list_takes
from imageai.core.validation import validate_spec
from imageai.core.videos_endpoint import VIDEOS_ENDPOINT_LABEL
from imageai.video.output_check import OutputPathError, check_output

if TYPE_CHECKING:
    import argparse

    from imageai.cli.context import CliContext
    from imageai.services.render_plan import RenderPlan


def _settings_update(args: argparse.Namespace, provider: ProviderName) -> dict[str, Any]:
    update: dict[str, Any] = {}
    if args.model:
        update["model"] = args.model
    if args.seconds is not None:
        update["seconds"] = args.seconds
    if provider in (ProviderName.VEO, ProviderName.OMNI):
        if args.size:
            name = "Veo" if provider is ProviderName.VEO else "Gemini Omni"
            raise ValidationError("size", f"{name} takes --aspect and --resolution, not --size")
        if args.aspect:
            update["aspect"] = args.aspect
        if args.resolution:
            update["resolution"] = args.resolution
        update.update(_google_cloud_update(args))
    else:
        if args.aspect or args.resolution or args.backend or args.vertex_project:
            raise ValidationError(
                "size",
                f"{provider.value} takes --size WxH; --aspect, --resolution, --backend and "
                "--vertex-project are for veo and omni",
            )
        if args.size:
            parse_size_checked(args.size)
            update["size"] = args.size
    if provider is ProviderName.SORA:
        update.update(endpoint_commands.endpoint_update(args))
    elif args.base_url is not None or args.usd_per_second is not None:
        raise ValidationError(
            "base_url", "--base-url and --usd-per-second are for --provider sora (/v1/videos)"
        )
    return update


def _google_cloud_update(args: argparse.Namespace) -> dict[str, Any]:
    """Backend and Vertex AI project/location for Veo and Gemini Omni."""
    update: dict[str, Any] = {}
    if args.backend:
        update["backend"] = args.backend
    if args.vertex_project is not None:
        if not args.vertex_project.strip():
            raise ValidationError("vertex_project", "--vertex-project is empty")
        update["vertex_project"] = args.vertex_project.strip()
    if args.vertex_location is not None:
        if not args.vertex_location.strip():
            raise ValidationError("vertex_location", "--vertex-location is empty")
        update["vertex_location"] = args.vertex_location.strip()
    backend = args.backend or ("vertex" if args.provider == "veo" else "gemini")
    if backend != "vertex" and (args.vertex_project or args.vertex_location):
        raise ValidationError(
            "backend", "--vertex-project and --vertex-location need --backend vertex"
        )
    return update


def parse_size_checked(size: str) -> None:
    try:
        parse_size(size)
    except ValueError as exc:
        raise ValidationError("size", str(exc)) from exc


def cmd_init(args: argparse.Namespace) -> int:
    folder: Path = args.dir
    provider = ProviderName(args.provider)
    catalog = load_catalog(price_override_file())
    project = Project(title=args.title or folder.name, provider=provider)
    current = project.settings.for_provider(provider)
    settings = current.model_validate({**current.model_dump(), **_settings_update(args, provider)})
    validate_spec(catalog, spec_for_settings(provider, settings))
    project = project.model_copy(
        update={"settings": project.settings.model_copy(update={provider.value: settings})}
    )
    if args.budget is not None:
        project = project.model_copy(update={"budget_usd": args.budget})
    if args.script is not None and not args.script.is_file():
        raise ValidationError("script", f"{args.script} does not exist")
    # A failed init (a refused reference in the script, a disk error) leaves nothing behind.
    with project_store.creating(folder):
        if args.script is not None:
            scenes = import_script(args.script, folder, args.allow_refs_from or ())
            project = project.model_copy(update={"scenes": tuple(scenes)})
        project_store.save(project, folder)
    print(f"Created {folder} ({short_name(provider)}, {len(project.scenes)} scenes)")
    return ExitCode.OK


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


def cmd_render(args: argparse.Namespace) -> int:
    from imageai.core.project_lock import holding_project

    if args.concurrency < 1:
        raise ValidationError("concurrency", "must be at least 1")
    project_store.load(args.dir)  # a clear error for a missing or broken project, before the lock
    ctx = build_context()
    # Plan only once the lock is held: a render that ran while this one waited is seen in the
    # project and the ledger, and its scenes are not created (and paid for) again.
    with holding_project(args.dir, "render"):
        return _render_locked(args, ctx)


def _render_locked(args: argparse.Namespace, ctx: CliContext) -> int:
    from PySide6.QtCore import QCoreApplication, QTimer

    from imageai.services.emit_refcount import keep_singletons_alive
    from imageai.services.job_runner import JobRunner
    from imageai.services.project_document import ProjectDocument
    from imageai.services.render_controller import RenderController
    from imageai.services.render_plan import again_lines

    doc = ProjectDocument.open(args.dir)
    project = doc.project
    indexes = parse_scene_selection(args.scenes, len(project.scenes)) if args.scenes else None
    runner = JobRunner(args.concurrency)
    controller = RenderController(doc, runner, ctx.router, ctx.catalog)
    # One plan: validated, priced, budget-split and key-checked (a missing key fails here)
    # before any call; the render runs exactly this.
    if args.again and indexes is None:
        raise ValidationError("again", "--again needs --scenes (e.g. --scenes 2 or 1-4)")
    plan = controller.prepare(
        indexes, args.budget, use_project_budget=args.budget is None, again=args.again
    )
    for line in again_lines(plan):
        print(line, file=sys.stderr)
    _print_left_out(plan, args.dir)
    # Qt's application object is made only once the render is sure to start.
    app = QCoreApplication.instance() or QCoreApplication([])
    keep_singletons_alive()  # before the event loop runs (PySide6 6.12 leaks references)
    requests = plan.requests
    report = RenderReport(
        {r.scene_id: f"scene {r.index}" for r in requests},
        as_json=args.json,
        project_dir=args.dir,
        providers={r.scene_id: r.provider for r in requests},
    )
    report.planned([r.scene_id for r in requests], plan.total_usd)
    runner.job_event.connect(report.on_event)
    controller.scene_progress.connect(report.on_progress)
    controller.scene_failed.connect(report.on_failed)
    controller.batch_finished.connect(lambda *_: app.quit())

    # Let Python see Ctrl+C while Qt's loop runs: stop following the jobs without cancelling
    # them remotely (the paid ones finish there and the next render fetches them), and send
    # nothing new.
    def stop(*_: object) -> None:
        runner.detach_all()
        controller.cancel_all()

    previous_handler = signal.signal(signal.SIGINT, stop)
    ticker = QTimer()
    ticker.timeout.connect(lambda: None)
    ticker.start(200)
    try:
        if controller.render(plan):
            app.exec()
    finally:
        runner.shutdown(10_000)
        ctx.router.close()
        ticker.stop()
        signal.signal(signal.SIGINT, previous_handler)
    final = doc.project
    wanted = [final.scenes[i] for i in indexes] if indexes is not None else list(final.scenes)
    failed = [s for s in wanted if s.state is not RenderState.DONE]
    report.finished(
        len(wanted) - len(failed), len(failed), ledger_for(args.dir / LEDGER_NAME).total_spent()
    )
    if controller.save_error is not None:
        # Scenes may be done here, but project.json does not say so: never exit as a success.
        # The ledger has every job; the next render resumes from it and pays nothing again.
        print(f"error: {controller.save_error.user_message}", file=sys.stderr)
        return ExitCode.SCENE_FAILED
    return ExitCode.OK if not failed else ExitCode.SCENE_FAILED


def _print_left_out(plan: RenderPlan, folder: Path) -> None:
    """Say which scenes this render leaves alone, and why."""
    if plan.held_back:
        numbers = ",".join(map(str, plan.held_back))
        print(
            f"Not rendering scene(s) {numbers}: a create was sent but its outcome is unknown "
            f"(it may be billed). Check the provider's console; to create again anyway, run "
            f"`imageai video render {folder} --scenes {numbers}`.",
            file=sys.stderr,
        )
    for done in plan.finished:
        print(
            f"Scene {done.request.index}: already rendered (the ledger has its clip "
            f"{done.clip.name}); marked done, not created again.",
            file=sys.stderr,
        )
    if plan.over_budget:
        assert plan.budget_usd is not None
        print(
            f"Not rendering scene(s) {plan.scene_numbers(plan.over_budget)}: over the "
            f"${plan.budget_usd:.2f} budget (spent, possibly billed and this render's new "
            f"creates leave no room). Jobs already paid for still run; raise the budget with "
            f"--budget to render the rest.",
            file=sys.stderr,
        )


def cmd_assemble(args: argparse.Namespace) -> int:
    from imageai.video.assemble import assemble

    project = project_store.load(args.dir)
    missing = [i + 1 for i, s in enumerate(project.scenes) if s.state is not RenderState.DONE]
    if missing or not project.scenes:
        raise ValidationError(
            "scenes", f"scenes not rendered yet: {', '.join(map(str, missing)) or 'none exist'}"
        )
    clips = [args.dir / str(s.clip_path) for s in project.scenes]
    out: Path = args.output or args.dir / "cut.mp4"
    _check_output(out, args.dir, clips, force=args.force)

    def progress(fraction: float) -> None:
        if sys.stderr.isatty():
            print(f"\rAssembling {fraction * 100:3.0f}%", end="", file=sys.stderr)

    assemble(clips, out, progress)
    if sys.stderr.isatty():
        print(file=sys.stderr)
    print(out)
    return ExitCode.OK


def _check_output(out: Path, folder: Path, clips: list[Path], *, force: bool) -> None:
    """Refuse a project file or a non-regular file; ask before replacing a file (a terminal),
    or refuse unless ``--force``."""
    try:
        check_output(out, folder, clips, overwrite=force)
    except OutputPathError as exc:
        if not exc.exists or not _confirm(f"{out} exists. Replace it? [y/N] "):
            raise


def _confirm(question: str) -> bool:
    if not sys.stdin.isatty():
        return False
    try:
        return input(question).strip().lower() in ("y", "yes")
    except EOFError:
        return False


def add_parser(sub: Any) -> None:
    video = sub.add_parser(
        "video", help="storyboard projects: init, estimate, render, status, assemble"
    )
    vsub = video.add_subparsers(dest="video_command", required=True)

    init = vsub.add_parser("init", help="create a project folder")
    init.add_argument("dir", type=Path)
    init.add_argument(
        "--provider",
        choices=[p.value for p in ProviderName],
        required=True,
        help=f"sora is the {VIDEOS_ENDPOINT_LABEL}",
    )
    init.add_argument("--model", help="for sora on a compatible endpoint: any id it serves")
    init.add_argument("--size", help="WxH, for sora and animatic")
    init.add_argument("--aspect", help="16:9 or 9:16, for veo and omni")
    init.add_argument("--resolution", help="720p, 1080p or 4k (omni also 360p), for veo and omni")
    init.add_argument(
        "--backend",
        choices=["gemini", "vertex"],
        help="omni: gemini (API key, default) or vertex; veo: vertex (the only one serving it)",
    )
    init.add_argument("--vertex-project", help="Google Cloud project, for --backend vertex")
    init.add_argument(
        "--vertex-location",
        help="Vertex AI location (default: global for omni, us-central1 for veo)",
    )
    init.add_argument("--seconds", type=int, help="default scene duration")
    init.add_argument(
        "--script", type=Path, help="text or Markdown script: one scene per paragraph"
    )
    init.add_argument(
        "--allow-refs-from",
        type=Path,
        action="append",
        metavar="DIR",
        help="a folder the script's [ref: ...] images may also come from (besides its own)",
    )
    init.add_argument("--title")
    init.add_argument("--budget", type=money, help="budget in USD")
    endpoint_commands.add_endpoint_arguments(init)
    init.set_defaults(func=cmd_init)

    est = vsub.add_parser("estimate", help="cost per scene and in total")
    est.add_argument("dir", type=Path)
    est.add_argument("--json", action="store_true")
    est.set_defaults(func=cmd_estimate)

    render = vsub.add_parser(
        "render", help="render the scenes not yet done, or changed since their take"
    )
    render.add_argument("dir", type=Path)
    render.add_argument("--scenes", help="e.g. 1,3-5")
    render.add_argument("--concurrency", type=int, default=2)
    render.add_argument("--budget", type=money, help="USD; overrides the project's budget")
    render.add_argument("--json", action="store_true", help="one JSON event per line")
    render.add_argument(
        "--again",
        action="store_true",
        help="render the --scenes again even if done and unchanged: a new take each, the "
        "earlier takes kept (scenes changed since their take render again without it)",
    )
    render.set_defaults(func=cmd_render)

    status = vsub.add_parser("status", help="state, job id, clip and billed cost per scene")
    status.add_argument("dir", type=Path)
    status.add_argument("--json", action="store_true")
    status.set_defaults(func=cmd_status)

    asm = vsub.add_parser("assemble", help="concatenate the clips into one MP4")
    asm.add_argument("dir", type=Path)
    asm.add_argument("-o", "--output", type=Path)
    asm.add_argument("--force", action="store_true", help="replace an existing output file")
    asm.set_defaults(func=cmd_assemble)

    remix_commands.add_parsers(vsub)
    endpoint_commands.add_parser(vsub)
