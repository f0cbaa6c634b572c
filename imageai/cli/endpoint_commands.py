"""`imageai video endpoint DIR`: the project's `/v1/videos` endpoint, model and price per second."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from imageai.cli.context import project_for_writing
from imageai.cli.exit_codes import ExitCode
from imageai.core import project_store
from imageai.core.catalog import load_catalog
from imageai.core.errors import ValidationError
from imageai.core.models import ProviderName
from imageai.core.paths import price_override_file
from imageai.core.shot import spec_for_settings
from imageai.core.validation import validate_spec
from imageai.core.videos_endpoint import VIDEOS_ENDPOINT_LABEL
from imageai.services.sora_controls_state import (
    endpoint_note,
    parse_base_url,
    parse_free_seconds,
    parse_free_size,
    parse_usd_per_second,
)

if TYPE_CHECKING:
    import argparse


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
    if not update:
        settings = project_store.load(args.dir).settings.sora
        info = validate_spec(catalog, spec_for_settings(ProviderName.SORA, settings))
    else:
        # A render in another process saves the project as it goes: do not race it.
        with project_for_writing(args.dir, "endpoint change") as project:
            settings = project.settings.sora.model_copy(update=update)
            info = validate_spec(catalog, spec_for_settings(ProviderName.SORA, settings))
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
    endpoint.add_argument("--model", help="any model id the endpoint serves (e.g. sora-2, veo-3.1)")
    endpoint.add_argument("--size", help="WxH")
    endpoint.add_argument("--seconds", help="default scene duration")
    endpoint.set_defaults(func=cmd_endpoint)
