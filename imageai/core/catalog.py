"""Video model capabilities and prices, loaded from packaged TOML plus the user's overrides."""

from __future__ import annotations

import tomllib
from datetime import date
from functools import cache, cached_property
from importlib import resources
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, ValidationError

from imageai.core.errors import ProjectFileError
from imageai.core.models import ProviderName, VeoBackend

if TYPE_CHECKING:
    from pathlib import Path


class PriceRule(BaseModel):
    """A price per second that applies when every given condition matches."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    usd_per_second: float
    sizes: tuple[str, ...] = ()
    resolutions: tuple[str, ...] = ()
    audio: bool | None = None
    checked: date
    source: str

    def matches(self, size: str | None, resolution: str | None, audio: bool) -> bool:
        if self.sizes and size not in self.sizes:
            return False
        if self.resolutions and resolution not in self.resolutions:
            return False
        return self.audio is None or self.audio == audio


class ModelInfo(BaseModel):
    """What one video model accepts and what it costs."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    provider: ProviderName
    id: str
    label: str
    backend: VeoBackend | None = None
    offered: bool = True
    retired_on: date | None = None
    retired_note: str = ""
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
    prices: tuple[PriceRule, ...]

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
        self, provider: ProviderName, backend: VeoBackend | None = None
    ) -> tuple[ModelInfo, ...]:
        return tuple(
            m
            for m in self.models
            if m.provider == provider and m.offered and (backend is None or m.backend == backend)
        )


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
