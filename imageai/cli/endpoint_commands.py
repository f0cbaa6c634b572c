"""`imageai video endpoint DIR`: the project's `/v1/videos` endpoint, model and price per second."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from imageai.cli.context import project_for_writing
from imageai.cli.exit_codes import ExitCode
from imageai.core import project_store
from imageai.core.catalog import load_catalog
from imageai.core.errors import ValidationError
from imageai.core.job_endpoint import abandon_elsewhere, settings_endpoint
from imageai.core.ledger import LEDGER_NAME, ledger_for
from imageai.core.models import ProviderName
from imageai.core.open_jobs import open_jobs
from imageai.core.paths import price_override_file
from imageai.core.shot import spec_for_settings
from imageai.core.validation import validate_spec
from imageai.core.videos_endpoint import VIDEOS_ENDPOINT_LABEL, endpoint_for
from imageai.services.sora_controls_state import (
    endpoint_note,
    parse_base_url,
    parse_free_seconds,
    parse_free_size,
    parse_usd_per_second,
)

if TYPE_CHECKING:
    import argparse

    from imageai.core.models import Project, SoraSettings


def endpoint_update(args: argparse.Namespace) -> dict[str, Any]:
    """The `SoraSettings` fields ``--base-url``, ``--openai`` and ``--usd-per-second`` set.

    Raises:
        ValidationError: a value is malformed (the CLI exits 2).
    """
    update: dict[str, Any] = {}
    if getattr(args, "openai", False):
        update["base_url"] = None
    elif args.base_url is not None:
        update["base_url"] = parse_base_url(args.base_url)
        if update["base_url"] is None:
            raise ValidationError("base_url", "give a URL, or --openai for OpenAI's endpoint")
    if getattr(args, "no_price", False):
        update["usd_per_second"] = None
    elif args.usd_per_second is not None:
        update["usd_per_second"] = parse_usd_per_second(args.usd_per_second)
    return update


def _where(settings: SoraSettings) -> str:
    return (endpoint_for(settings) or "OpenAI's endpoint").rstrip("/")


def _check_open_jobs(args: argparse.Namespace, project: Project, new: SoraSettings) -> None:
    """Refuse to move off an endpoint that holds paid jobs not fetched yet.

    A job id means something only where it was made: polled on the new endpoint it is "not
    found", the ledger closes it, and the scene is created (paid) again. ``--abandon-open-jobs``
    is the user's word to leave them.

    Raises:
        ValidationError: jobs are open and the user did not abandon them (exit 2).
    """
    old = project.settings.sora
    if _where(old) == _where(new):
        if getattr(args, "abandon_open_jobs", False):
            _abandon_moved(args.dir, new)
        return
    entries = ledger_for(args.dir / LEDGER_NAME).entries()
    jobs = open_jobs(entries, ProviderName.SORA.value)
    if not jobs:
        return
    numbers = {s.id: project.index_of(s.id) + 1 for s in project.scenes}
    shown = ", ".join(
        f"scene {numbers.get(j.scene_id, '(deleted)')} "
        + (f"job {j.job_id}" if j.job_id else "create with no answer")
        for j in jobs
    )
    if getattr(args, "abandon_open_jobs", False):
        print(f"Left on {_where(old)} (paid, not fetched): {shown}")
        # Recorded, or each render on the new endpoint would refuse them (job_endpoint).
        abandon_elsewhere(ledger_for(args.dir / LEDGER_NAME), "sora", settings_endpoint(new))
        return
    raise ValidationError(
        "base_url",
        f"{_where(old)} holds paid work not fetched yet ({shown}); it can only be fetched "
        "from there. Render the project first, or add --abandon-open-jobs to switch anyway "
        "(those scenes are then created again on the new endpoint and paid again).",
    )


def _abandon_moved(folder: Path, settings: SoraSettings) -> None:
    """``--abandon-open-jobs`` alone: give up the jobs made on another endpoint than this one
    (a renamed OPENAI_BASE_URL, an older app), which renders here refuse to fetch."""
    ledger = ledger_for(folder / LEDGER_NAME)
    closed = abandon_elsewhere(ledger, "sora", settings_endpoint(settings))
    for scene_id, job_id, made_on in closed:
        print(f"Abandoned job {job_id} (scene {scene_id}), made on {made_on}")


def add_endpoint_arguments(parser: argparse.ArgumentParser) -> None:
    """``--base-url`` and ``--usd-per-second``, shared by `init` and `endpoint`."""
    parser.add_argument(
        "--base-url",
        help=f"{VIDEOS_ENDPOINT_LABEL}: a compatible endpoint's base URL, e.g. "
        "https://gateway.example/v1 (default: OpenAI's, or OPENAI_BASE_URL)",
    )
    parser.add_argument(
        "--usd-per-second",
        metavar="USD",
        help="price per second of video for a model the price table does not know",
    )


def cmd_endpoint(args: argparse.Namespace) -> int:
    update = endpoint_update(args)
    if args.model is not None:
        if not args.model.strip():
            raise ValidationError("model", "the model id is empty")
        update["model"] = args.model.strip()
    if args.size is not None:
        update["size"] = parse_free_size(args.size)
    if args.seconds is not None:
        update["seconds"] = parse_free_seconds(args.seconds)
    catalog = load_catalog(price_override_file())
    if not update and not getattr(args, "abandon_open_jobs", False):
        settings = project_store.load(args.dir).settings.sora
        info = validate_spec(catalog, spec_for_settings(ProviderName.SORA, settings))
    else:
        # A render in another process saves the project as it goes: do not race it.
        with project_for_writing(args.dir, "endpoint change") as project:
            settings = project.settings.sora.model_copy(update=update)
            info = validate_spec(catalog, spec_for_settings(ProviderName.SORA, settings))
            _check_open_jobs(args, project, settings)
            changed = project.settings.model_copy(update={"sora": settings})
            project_store.save(project.model_copy(update={"settings": changed}), args.dir)
    rule = info.price_rule(size=settings.size)
    known = catalog.get(ProviderName.SORA, settings.model) is not None
    source = "price table" if known else "your price"
    print(endpoint_note(settings))
    print(
        f"Model {settings.model}, {settings.size}, {settings.seconds} s: "
        f"${rule.usd_per_second:.3f}/s ({source})"
    )
    return ExitCode.OK


def add_parser(vsub: Any) -> None:
    endpoint = vsub.add_parser(
        "endpoint",
        help=f"show or set the {VIDEOS_ENDPOINT_LABEL}: base URL, model, price per second",
    )
    endpoint.add_argument("dir", type=Path)
    add_endpoint_arguments(endpoint)
    endpoint.add_argument(
        "--openai", action="store_true", help="use OpenAI's own endpoint (clears --base-url)"
    )
    endpoint.add_argument("--no-price", action="store_true", help="clear the price per second")
    endpoint.add_argument(
        "--abandon-open-jobs",
        action="store_true",
        help="switch the base URL even though the current endpoint holds paid jobs not fetched",
    )
    endpoint.add_argument("--model", help="any model id the endpoint serves (e.g. sora-2, veo-3.1)")
    endpoint.add_argument("--size", help="WxH")
    endpoint.add_argument("--seconds", help="default scene duration")
    endpoint.set_defaults(func=cmd_endpoint)
