"""The `/v1/videos` controls: endpoint, free-text model, price per second, clamping (no Qt)."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from imageai.core.errors import ValidationError
from imageai.core.job_endpoint import settings_endpoint
from imageai.core.ledger import LEDGER_NAME, ledger_for
from imageai.core.models import ProviderName, SoraSettings
from imageai.core.open_jobs import open_jobs
from imageai.core.shot import parse_size
from imageai.core.videos_endpoint import (
    BASE_URL_ENV,
    PRICE_FIELD,
    azure_retirement,
    endpoint_for,
    endpoint_host,
    is_compatible,
    is_free_model,
    models_at,
)
from imageai.services.controls_state import (
    ControlOptions,
    lifecycle_options,
    nearest_seconds,
    nearest_size,
)

if TYPE_CHECKING:
    from collections.abc import Mapping
    from pathlib import Path

    from imageai.core.catalog import Catalog
    from imageai.core.models import Project, Scene

#: Suggestions for a model the table does not know; the user may type any other value.
SIZE_SUGGESTIONS = ("1280x720", "720x1280", "1792x1024", "1024x1792")
SECONDS_SUGGESTIONS = (4, 8, 12)


def endpoint_note(settings: SoraSettings, environ: Mapping[str, str] | None = None) -> str:
    """Where requests go, in words: the host, and whether it came from the environment."""
    endpoint = endpoint_for(settings, environ)
    if not is_compatible(endpoint):
        return "OpenAI's own endpoint (api.openai.com)."
    source = "" if settings.base_url else f" (from {BASE_URL_ENV})"
    return f"Compatible endpoint {endpoint_host(endpoint)}{source}: any model id it serves."


def sora_options(
    catalog: Catalog, settings: SoraSettings, environ: Mapping[str, str] | None = None
) -> ControlOptions:
    """The choices for the `/v1/videos` controls.

    On a compatible endpoint the model is free text; a model the table does not know has free
    size and duration (the gateway decides) and asks for its price per second. On OpenAI's own
    endpoint the project's model is shown with its retirement and the move it offers.
    """
    compatible = is_compatible(endpoint_for(settings, environ))
    models = models_at(catalog, settings, environ)
    labels = tuple((m.id, m.label) for m in models)
    where = {"model_editable": compatible, "endpoint_note": endpoint_note(settings, environ)}
    if is_free_model(catalog, settings, environ):
        return ControlOptions(
            models=labels,
            sizes=_with(settings.size, SIZE_SUGGESTIONS),
            seconds=tuple(sorted({*SECONDS_SUGGESTIONS, settings.seconds})),
            free_shape=True,
            price_field=True,
            **where,
        )
    info = catalog.get(ProviderName.SORA, settings.model)
    # On a compatible endpoint OpenAI's retirement does not apply, so it is not shown there.
    lifecycle = {} if compatible else lifecycle_options(catalog, info)
    gone = azure_retirement(endpoint_for(settings, environ), settings.model)
    if gone and info is not None:
        lifecycle = {**lifecycle_options(catalog, info), "retired_note": gone}
    if info is None:
        info = models[0] if models else None
    if info is None:
        return ControlOptions(models=labels, **lifecycle, **where)
    return ControlOptions(
        models=labels, sizes=info.sizes, seconds=info.seconds, **lifecycle, **where
    )


def clamp_sora(
    catalog: Catalog, settings: SoraSettings, environ: Mapping[str, str] | None = None
) -> tuple[SoraSettings, list[str]]:
    """Settings changed to what a known model allows; a model only the endpoint knows is free."""
    if is_free_model(catalog, settings, environ):
        return settings, []
    notes: list[str] = []
    info = catalog.get(ProviderName.SORA, settings.model)
    if info is None:
        models = models_at(catalog, settings, environ)
        if not models:
            # OpenAI's endpoint serves no video model today: keep the project's choice as it is.
            return settings, [
                f"OpenAI's own endpoint does not serve {settings.model}; enter a compatible "
                "endpoint's base URL to use it."
            ]
        info = models[0]
        notes.append(f"{settings.model} is not offered; using {info.label}.")
    update: dict[str, object] = {"model": info.id}
    if info.sizes and settings.size not in info.sizes:
        size = nearest_size(settings.size, info.sizes)
        notes.append(f"{info.label} has no {settings.size}; size set to {size}.")
        update["size"] = size
    if settings.seconds not in info.seconds:
        seconds = nearest_seconds(settings.seconds, info.seconds)
        notes.append(f"{info.label} cannot do {settings.seconds} s; duration set to {seconds} s.")
        update["seconds"] = seconds
    return settings.model_copy(update=update), notes


def sora_scene_seconds(
    catalog: Catalog, settings: SoraSettings, scene: Scene, environ: Mapping[str, str] | None = None
) -> tuple[int, ...]:
    """A scene's durations: the table's for a known model, suggestions (and its own) otherwise."""
    if is_free_model(catalog, settings, environ):
        own = {scene.duration} if scene.duration is not None else set()
        return tuple(sorted({*SECONDS_SUGGESTIONS, settings.seconds, *own}))
    info = catalog.get(ProviderName.SORA, settings.model)
    return info.seconds if info is not None else ()


def parse_base_url(text: str) -> str | None:
    """``""`` means OpenAI's default (or ``OPENAI_BASE_URL``); else an http(s) URL with a host."""
    cleaned = text.strip()
    if not cleaned:
        return None
    try:
        split = urlsplit(cleaned)
        host, _port = split.hostname, split.port  # both raise ValueError on a malformed URL
    except ValueError:
        host = None
    if host is None or split.scheme not in ("http", "https"):
        raise ValidationError(
            "base_url", f"{cleaned!r} is not an http(s) URL such as https://gateway.example/v1"
        )
    if split.username or split.password:
        # The URL is saved in project.json and shown: a key belongs in the key store.
        raise ValidationError("base_url", "put the key in API keys, not in the URL")
    return cleaned


def base_url_refusal(
    project: Project,
    folder: Path | None,
    old: SoraSettings,
    new: SoraSettings,
    scene_id: str | None = None,
) -> str:
    """Why the base URL may not change now (empty: it may), as the CLI's `video endpoint` says.

    A job id means something only where it was made: the jobs the current endpoint holds, paid
    and not fetched (`core.open_jobs`), would be refused by every render on the new one. Only
    ``scene_id``'s jobs count when the scene's own settings change.
    """
    if folder is None or settings_endpoint(old) == settings_endpoint(new):
        return ""
    jobs = [
        j
        for j in open_jobs(ledger_for(folder / LEDGER_NAME).entries(), ProviderName.SORA.value)
        if scene_id is None or j.scene_id == scene_id
    ]
    if not jobs:
        return ""
    numbers = {s.id: project.index_of(s.id) + 1 for s in project.scenes}
    shown = ", ".join(
        f"scene {numbers.get(j.scene_id, '(deleted)')} "
        + (f"job {j.job_id}" if j.job_id else "create with no answer")
        for j in jobs
    )
    return (
        f"The base URL was not changed: {settings_endpoint(old)} holds paid work not fetched "
        f"yet ({shown}), which can only be fetched from there. Render those scenes first "
        "(or abandon them with `imageai video endpoint DIR --base-url ... --abandon-open-jobs`)."
    )


def parse_usd_per_second(text: str) -> float | None:
    """``""`` means no price entered; else a finite number of US dollars, 0 or more."""
    cleaned = text.strip().removeprefix("$")
    if not cleaned:
        return None
    try:
        value = float(cleaned)
    except ValueError:
        raise ValidationError(PRICE_FIELD, f"{cleaned!r} is not a number") from None
    if not math.isfinite(value) or value < 0:
        raise ValidationError(PRICE_FIELD, "the price per second must be a number of 0 or more")
    return value


def parse_free_size(text: str) -> str:
    """A size typed for a model the table does not know: ``WxH`` in pixels."""
    cleaned = text.strip().lower()
    try:
        width, height = parse_size(cleaned)
    except ValueError as exc:
        raise ValidationError("size", str(exc)) from None
    if width <= 0 or height <= 0:
        raise ValidationError("size", "width and height must be more than 0")
    return f"{width}x{height}"


def parse_free_seconds(text: str) -> int:
    """A duration typed for a model the table does not know: whole seconds, more than 0."""
    cleaned = text.strip().removesuffix("s").strip()
    if not (cleaned.isascii() and cleaned.isdigit()) or int(cleaned) <= 0:
        raise ValidationError("seconds", f"{text.strip()!r} is not a whole number of seconds")
    return int(cleaned)


def _with(value: str, suggestions: tuple[str, ...]) -> tuple[str, ...]:
    return suggestions if value in suggestions else (value, *suggestions)
