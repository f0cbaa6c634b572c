"""Video model capabilities and prices, loaded from packaged TOML plus the user's overrides."""

from __future__ import annotations

import tomllib
from datetime import date
from enum import StrEnum
from functools import cache, cached_property
from importlib import resources
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from imageai.core.errors import ProjectFileError
from imageai.core.models import ProviderName, VeoBackend
from imageai.core.money import Money

if TYPE_CHECKING:
    from pathlib import Path


class PriceRule(BaseModel):
    """A price per second that applies when every given condition matches."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    usd_per_second: Money
    sizes: tuple[str, ...] = ()
    resolutions: tuple[str, ...] = ()
    audio: bool | None = None
    #: False when no page of the vendor's confirmed the price (shown as "unverified").
    verified: bool = True
    checked: date
    source: str

    def matches(self, size: str | None, resolution: str | None, audio: bool) -> bool:
        if self.sizes and size not in self.sizes:
            return False
        if self.resolutions and resolution not in self.resolutions:
            return False
        return self.audio is None or self.audio == audio


class ModelStatus(StrEnum):
    """Where a model is in its life, on a given day."""

    LIVE = "live"
    #: A shutdown date is announced (or the vendor marks it deprecated); it still renders.
    DEPRECATED = "deprecated"
    #: Shut down: calls fail; the app never sends one.
    RETIRED = "retired"


class ModelInfo(BaseModel):
    """What one video model accepts, what it costs, and where it is in its life."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    provider: ProviderName
    id: str
    label: str
    backend: VeoBackend | None = None
    #: False hides a model from the controls even while it is live.
    offered: bool = True
    #: A preview model: it may change or go with little notice.
    preview: bool = False
    #: The day the vendor announced the model's end (status DEPRECATED from then).
    deprecated_on: date | None = None
    #: The shutdown date, past or announced: RETIRED from that day.
    retired_on: date | None = None
    retired_note: str = ""
    #: The model to move to, and its provider when that differs.
    successor: str | None = None
    successor_provider: ProviderName | None = None
    #: Where the lifecycle dates were read.
    lifecycle_source: str = ""
    sizes: tuple[str, ...] = ()
    aspects: tuple[str, ...] = ()
    resolutions: tuple[str, ...] = ()
    #: Durations allowed above 720p (Veo: 1080p and 4k only at 8 s); empty means no limit.
    high_res_seconds: tuple[int, ...] = ()
    seconds: tuple[int, ...]
    max_reference_images: int = 0
    supports_last_frame: bool = False
    supports_negative_prompt: bool = False
    supports_seed: bool = False
    supports_audio_toggle: bool = False
    #: Longest duration allowed with both a first and a last frame (Omni 1.2: 10 s).
    first_last_max_seconds: int | None = None
    #: Omni ``edit`` (remix a clip) and ``extend`` (continue a clip).
    supports_edit: bool = False
    supports_extend: bool = False
    #: The longest prompt (characters) the model takes, and where that was read.
    max_prompt_chars: int | None = Field(default=None, gt=0)
    prompt_limit_source: str = ""
    prices: tuple[PriceRule, ...]

    def status(self, today: date | None = None) -> ModelStatus:
        day = today or date.today()
        if self.retired_on is not None and self.retired_on <= day:
            return ModelStatus.RETIRED
        if self.retired_on is not None or (
            self.deprecated_on is not None and self.deprecated_on <= day
        ):
            return ModelStatus.DEPRECATED
        return ModelStatus.LIVE

    def successor_key(self) -> tuple[ProviderName, str] | None:
        """(provider, model id) of the successor, when the table names one."""
        if not self.successor:
            return None
        return (self.successor_provider or self.provider, self.successor)

    def lifecycle_note(self, today: date | None = None) -> str:
        """A sentence for the user when the model is going or gone; empty while it is live."""
        status = self.status(today)
        if status is ModelStatus.LIVE:
            return ""
        if self.retired_note:
            return self.retired_note
        move = f" Move to {self.successor}." if self.successor else ""
        if status is ModelStatus.RETIRED:
            return f"{self.label} was shut down on {self.retired_on}.{move}"
        when = f" on {self.retired_on}" if self.retired_on else ""
        return f"{self.label} is deprecated and will shut down{when}.{move}"

    def seconds_for(self, resolution: str | None) -> tuple[int, ...]:
        if resolution and resolution != "720p" and self.high_res_seconds:
            return self.high_res_seconds
        return self.seconds

    def price_rule(
        self, size: str | None = None, resolution: str | None = None, audio: bool = True
    ) -> PriceRule:
        for rule in self.prices:
            if rule.matches(size, resolution, audio):
                return rule
        raise LookupError(f"no price for {self.id} at size={size} resolution={resolution}")


class Catalog:
    """All known models; look-ups by provider and id."""

    def __init__(self, models: list[ModelInfo]) -> None:
        self._models = {(m.provider, m.id): m for m in models}

    @cached_property
    def models(self) -> tuple[ModelInfo, ...]:
        return tuple(self._models.values())

    def get(self, provider: ProviderName, model_id: str) -> ModelInfo | None:
        return self._models.get((provider, model_id))

    def offered(
        self, provider: ProviderName, backend: VeoBackend | None = None, today: date | None = None
    ) -> tuple[ModelInfo, ...]:
        """Models the controls offer: marked offered and not shut down."""
        return tuple(
            m
            for m in self.models
            if m.provider == provider
            and m.offered
            and m.status(today) is not ModelStatus.RETIRED
            and (backend is None or m.backend == backend)
        )

    def successor_of(self, info: ModelInfo) -> ModelInfo | None:
        """The live model that replaces ``info``, following a chain of successors."""
        seen = {(info.provider, info.id)}
        current = info
        while (key := current.successor_key()) is not None and key not in seen:
            seen.add(key)
            nxt = self._models.get(key)
            if nxt is None:
                return None
            if nxt.status() is not ModelStatus.RETIRED:
                return nxt
            current = nxt
        return None


def _parse(text: str, origin: str) -> list[ModelInfo]:
    try:
        data = tomllib.loads(text)
        return [ModelInfo.model_validate(entry) for entry in data.get("models", [])]
    except (tomllib.TOMLDecodeError, ValidationError) as exc:
        raise ProjectFileError(f"{origin}: invalid model table: {exc}") from exc


def load_catalog(user_override: Path | None = None) -> Catalog:
    """The packaged table, with entries from ``user_override`` replacing same provider+id."""
    packaged = resources.files("imageai.core").joinpath("data/video_models.toml").read_text()
    models = {(m.provider, m.id): m for m in _parse(packaged, "packaged video_models.toml")}
    if user_override is not None and user_override.is_file():
        for m in _parse(user_override.read_text(encoding="utf-8"), str(user_override)):
            models[(m.provider, m.id)] = m
    return Catalog(list(models.values()))


@cache
def default_catalog() -> Catalog:
    """The packaged table alone, for callers that have no settings at hand."""
    return load_catalog()
