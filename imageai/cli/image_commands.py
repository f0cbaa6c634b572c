"""`imageai image ...`: generate (or edit) images with OpenAI or Google, and list the models."""

from __future__ import annotations

import json
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from imageai.cli.exit_codes import ExitCode
from imageai.core.errors import (
    AuthError,
    JobCancelledError,
    JobError,
    PermissionDeniedError,
    ProviderError,
)
from imageai.core.gallery_store import GalleryStore
from imageai.core.image_catalog import ImageCatalog, ImageProviderName, load_image_catalog
from imageai.core.image_jobs import ImageRequest, ImagesDone, ImagesSaved
from imageai.core.paths import config_dir, gallery_dir
from imageai.services.image_generation import ImageChoices, prepare_image_job

if TYPE_CHECKING:
    import argparse


def _catalog() -> ImageCatalog:
    return load_image_catalog(config_dir() / "image_models.toml")


def choices_from_args(args: argparse.Namespace) -> ImageChoices:
    """The command line's values, as the Images tab's form gives them to the same service."""
    return ImageChoices(
        provider=args.provider,
        model=args.model,
        prompt=args.prompt,
        size=args.size,
        quality=args.quality,
        count=args.n,
        edit_image=args.edit,
        mask_image=args.mask,
    )


def cmd_generate(args: argparse.Namespace) -> int:
    from imageai.cli.context import build_context
    from imageai.providers.image_factory import image_provider_factory

    catalog = _catalog()
    out_dir: Path = (args.output or gallery_dir()).resolve()
    # ValidationError -> exit 2 (before any key is looked up); no key -> exit 3.
    prepared = prepare_image_job(
        catalog,
        choices_from_args(args),
        image_provider_factory(build_context().secrets),
        out_dir=out_dir,
        job_id="cli",
    )
    request, estimate = prepared.request, prepared.estimate_usd
    if not args.json:
        print(
            f"Generating {request.count} image(s) with {request.model}, estimated ${estimate:.3f}",
            file=sys.stderr,
        )
    saved: list[Path] = []
    billed = 0.0
    try:
        for event in prepared.events(threading.Event()):
            if isinstance(event, ImagesSaved):
                saved.extend(event.paths)
                if not args.json:
                    for path in event.paths:
                        print(path)
            elif isinstance(event, ImagesDone):
                billed = event.result.billed_usd
    except (AuthError, PermissionDeniedError):
        raise  # main maps these to the key-problem exit code
    except (ProviderError, JobCancelledError) as exc:
        error = JobError.from_exception(exc)
        if args.json:
            print(json.dumps(_summary(request, estimate, saved, None, error)))
        else:
            print(
                f"imageai: image generation failed ({error.kind.value}): {error.user_message}",
                file=sys.stderr,
            )
        return ExitCode.SCENE_FAILED
    if args.json:
        print(json.dumps(_summary(request, estimate, saved, billed, None)))
    else:
        print(f"Saved {len(saved)} image(s) to {out_dir}, ${billed:.3f}", file=sys.stderr)
    return ExitCode.OK


def _summary(
    request: ImageRequest,
    estimate: float,
    paths: list[Path],
    billed: float | None,
    error: JobError | None,
) -> dict[str, Any]:
    store = GalleryStore(request.out_dir)
    images: list[dict[str, Any]] = []
    spent = 0.0
    for path in paths:
        entry = store.load(path)
        meta = entry.meta if entry else None
        images.append(
            {
                "path": str(path),
                "width": meta.width if meta else None,
                "height": meta.height if meta else None,
                "size": meta.size if meta else None,
                "cost_usd": meta.cost_usd if meta else None,
            }
        )
    if billed is None:
        billed = round(spent, 4)
    summary: dict[str, Any] = {
        "provider": request.provider.value,
        "model": request.model,
        "prompt": request.prompt,
        "requested": request.count,
        "estimate_usd": estimate,
        "billed_usd": billed,
        "images": images,
    }
    if error is not None:
        summary["error"] = {"kind": error.kind.value, "message": error.user_message}
    return summary


def cmd_models(args: argparse.Namespace) -> int:
    catalog = _catalog()
    models = [m for m in catalog.models if args.all or m.offered]
    if args.json:
        rows = [
            {
                "provider": m.provider.value,
                "id": m.id,
                "label": m.label,
                "offered": m.offered,
                "backend": m.backend.value if m.backend else None,
                "sizes": list(m.shapes),
                "qualities": list(m.qualities),
                "max_count": m.max_count,
                "edit": m.supports_edit,
                "mask": m.supports_mask,
                "note": m.retired_note,
            }
            for m in models
        ]
        print(json.dumps(rows))
        return ExitCode.OK
    for m in models:
        shapes = ", ".join(m.shapes)
        note = f"  ({m.retired_note})" if m.retired_note else ""
        print(f"{m.provider.value:<7} {m.id:<30} {shapes}{note}")
    return ExitCode.OK


def add_parser(sub: Any) -> None:
    image = sub.add_parser("image", help="generate images with OpenAI or Google")
    isub = image.add_subparsers(dest="image_command", required=True)

    gen = isub.add_parser("generate", help="generate (or with --edit, edit) images")
    gen.add_argument("--provider", choices=[p.value for p in ImageProviderName], required=True)
    gen.add_argument("--model", required=True, help="see `imageai image models`")
    gen.add_argument("--prompt", required=True)
    gen.add_argument("--size", help="WxH for openai, an aspect ratio such as 16:9 for google")
    gen.add_argument("--quality", help="low/medium/high for openai, 1K/2K/4K for google")
    gen.add_argument("--n", type=int, default=1, help="how many images")
    gen.add_argument("-o", "--output", type=Path, help="folder (default: the app's gallery)")
    gen.add_argument("--edit", type=Path, help="an image to edit with the prompt")
    gen.add_argument("--mask", type=Path, help="PNG mask for --edit (transparent = change)")
    gen.add_argument("--json", action="store_true", help="print one JSON summary")
    gen.set_defaults(func=cmd_generate)

    models = isub.add_parser("models", help="the image models and what they take")
    models.add_argument("--all", action="store_true", help="include shut-down models")
    models.add_argument("--json", action="store_true")
    models.set_defaults(func=cmd_models)
