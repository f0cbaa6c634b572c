"""Which `/v1/videos` endpoint a project talks to, and what a model costs on it."""

from __future__ import annotations

import math
import os
from datetime import date
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from imageai.core.catalog import ModelInfo, PriceRule
from imageai.core.errors import ValidationError
from imageai.core.models import ProviderName

if TYPE_CHECKING:
    from collections.abc import Mapping

    from imageai.core.catalog import Catalog
    from imageai.core.models import SoraSettings

#: What the user reads for `ProviderName.SORA` (saved projects keep the value ``sora``).
VIDEOS_ENDPOINT_LABEL = "OpenAI-compatible endpoint (/v1/videos)"
#: Its short form, where little room is left (a scene card's badge, a one-line CLI report).
VIDEOS_ENDPOINT_SHORT = "/v1/videos"
#: The environment variable the openai SDK itself reads when no base URL is given.
BASE_URL_ENV = "OPENAI_BASE_URL"
#: Hosts of OpenAI's own API, where the Sora 2 models were shut down on 2026-09-24.
OPENAI_HOSTS = frozenset({"api.openai.com"})
#: Azure OpenAI's hosts, where Sora 2 was retired on 2026-10-15 (Azure model-retirement schedule).
AZURE_HOST_SUFFIXES = (
    ".openai.azure.com",
    ".cognitiveservices.azure.com",
    ".services.ai.azure.com",
)
AZURE_SORA_RETIRED_ON = date(2026, 10, 15)
#: The field a user fills with a price for a model the price table does not know.
PRICE_FIELD = "usd_per_second"


def endpoint_for(settings: SoraSettings, environ: Mapping[str, str] | None = None) -> str | None:
    """The base URL requests go to: the project's, else ``OPENAI_BASE_URL``, else None (OpenAI).

    This is the one place the endpoint is decided. The provider factory passes its environment;
    `spec_for_settings` uses the process environment, which is also what the openai SDK reads
    when it is given no base URL. Reading the variable here (rather than writing it into the
    project when it is loaded) keeps the estimate, validation and the request in agreement
    without saving a machine's environment into ``project.json``.
    """
    env = os.environ if environ is None else environ
    for value in (settings.base_url, env.get(BASE_URL_ENV)):
        if value and value.strip():
            return value.strip()
    return None


def _host_port(endpoint: str) -> tuple[str, int | None]:
    """Lower-case host and port; empty for a URL too malformed to name one."""
    try:
        split = urlsplit(endpoint if "//" in endpoint else f"//{endpoint}")
    except ValueError:  # a bad IPv6 literal
        return "", None
    host = (split.hostname or "").lower()
    try:
        return host, split.port
    except ValueError:  # a port out of range: the host is still the host
        return host, None


def is_compatible(endpoint: str | None) -> bool:
    """True for any endpoint but OpenAI's own (None means OpenAI's)."""
    if endpoint is None:
        return False
    host, _port = _host_port(endpoint)
    return bool(host) and host not in OPENAI_HOSTS


def azure_retirement(endpoint: str | None, model: str, today: date | None = None) -> str:
    """The sentence saying Azure OpenAI no longer serves a Sora 2 id; empty where it may."""
    host, _port = _host_port(endpoint or "")
    if not host.endswith(AZURE_HOST_SUFFIXES) or not model.startswith("sora-2"):
        return ""
    if (today or date.today()) < AZURE_SORA_RETIRED_ON:
        return ""
    return (
        f"Azure OpenAI retired Sora 2 on {AZURE_SORA_RETIRED_ON}, so {host} no longer serves "
        f"{model}: set the base URL of another compatible endpoint, or move the project."
    )


def endpoint_host(endpoint: str | None) -> str:
    """The host to name to the user (never the path or any credentials in the URL)."""
    if endpoint is None:
        return "api.openai.com"
    host, port = _host_port(endpoint)
    if not host:
        return "an unreadable URL"
    return f"{host}:{port}" if port else host


def missing_price_error(model: str) -> ValidationError:
    return ValidationError(
        PRICE_FIELD,
        f"{model!r} is not in the price table, so its cost is unknown: fill in 'Price per "
        f"second' in the endpoint's settings (CLI: --usd-per-second), or add the model to "
        f"video_models.toml",
    )


def custom_model_info(model: str, usd_per_second: float | None, seconds: int) -> ModelInfo:
    """A model only the endpoint knows: no table limits (the gateway decides), the user's price.

    Raises:
        ValidationError: no price was entered (or it is not a finite, non-negative number).
    """
    if usd_per_second is None:
        raise missing_price_error(model)
    if not math.isfinite(usd_per_second) or usd_per_second < 0:
        raise ValidationError(PRICE_FIELD, "the price per second must be a number of 0 or more")
    rule = PriceRule(
        usd_per_second=usd_per_second,
        verified=False,
        checked=date.today(),
        source="your price per second for this endpoint",
    )
    return ModelInfo(
        provider=ProviderName.SORA,
        id=model,
        label=model,
        seconds=(seconds,),
        prices=(rule,),
    )


def models_at(
    catalog: Catalog, settings: SoraSettings, environ: Mapping[str, str] | None = None
) -> tuple[ModelInfo, ...]:
    """The table's `/v1/videos` models usable where ``settings`` point.

    On a compatible endpoint every known id (OpenAI's retirement does not reach a gateway); on
    OpenAI's own, only those not shut down (none since 2026-09-24).
    """
    if is_compatible(endpoint_for(settings, environ)):
        return tuple(m for m in catalog.models if m.provider is ProviderName.SORA and m.offered)
    return catalog.offered(ProviderName.SORA)


def is_free_model(
    catalog: Catalog, settings: SoraSettings, environ: Mapping[str, str] | None = None
) -> bool:
    """True for a model id only the compatible endpoint knows: no table limits apply to it."""
    return (
        is_compatible(endpoint_for(settings, environ))
        and catalog.get(ProviderName.SORA, settings.model) is None
    )
