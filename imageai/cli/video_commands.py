"""`imageai video ...`: init, render, assemble, and the wiring of every video sub-command."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from imageai.cli import endpoint_commands, remix_commands
from imageai.cli.context import build_context, money
from imageai.cli.exit_codes import ExitCode
from imageai.cli.render_commands import render_locked
from imageai.cli.status_commands import cmd_estimate, cmd_status
from imageai.core import project_store
from imageai.core.catalog import load_catalog
from imageai.core.errors import ValidationError
from imageai.core.models import Project, ProviderName, RenderState
from imageai.core.paths import price_override_file
from imageai.core.provider_names import short_name
from imageai.core.render_plan import parse_scene_selection
from imageai.core.script_import import import_script
from imageai.core.shot import parse_size, spec_for_settings
from imageai.core.validation import validate_spec
from imageai.core.videos_endpoint import VIDEOS_ENDPOINT_LABEL
from imageai.video.output_check import OutputPathError, check_output

if TYPE_CHECKING:
    import argparse


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


def cmd_render(args: argparse.Namespace) -> int:
    from imageai.core.project_lock import holding_project
    from imageai.providers.factory import import_adapters

    if args.concurrency < 1:
        raise ValidationError("concurrency", "must be at least 1")
    # A clear error for a missing or broken project, before the lock.
    project = project_store.load(args.dir)
    chosen = parse_scene_selection(args.scenes, len(project.scenes)) if args.scenes else None
    scenes = project.scenes if chosen is None else [project.scenes[i] for i in chosen]
    import_adapters(project.provider_for(scene) for scene in scenes)
    ctx = build_context()
    # Plan only once the lock is held: a render that ran while this one waited is seen in the
    # project and the ledger, and its scenes are not created (and paid for) again.
    with holding_project(args.dir, "render"):
        return render_locked(args, ctx)


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
