"""Image model capabilities and prices, loaded from packaged TOML plus the user's overrides."""

from __future__ import annotations

import tomllib
from datetime import date
from enum import StrEnum
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, ValidationError

from imageai.core.errors import ProjectFileError
from imageai.core.money import Money

if TYPE_CHECKING:
    from pathlib import Path


class ImageProviderName(StrEnum):
    OPENAI = "openai"
    GOOGLE = "google"


class GoogleBackend(StrEnum):
    GEMINI = "gemini"
    VERTEX = "vertex"


class ImagePriceRule(BaseModel):
    """A price per image that applies when every given condition matches."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    usd_per_image: Money
    qualities: tuple[str, ...] = ()
    sizes: tuple[str, ...] = ()
    #: Applies only up to this many output pixels (width x height), when the size is known.
    max_pixels: int | None = None
    checked: date
    source: str

    def matches(self, size: str | None, quality: str | None) -> bool:
        if self.qualities and quality not in self.qualities:
            return False
        if self.sizes and size not in self.sizes:
            return False
        if self.max_pixels is not None and size:
            width, height = parse_wxh(size)
            return width * height <= self.max_pixels
        return True

    @property
    def estimated(self) -> bool:
        """True when the price is the app's estimate or assumption, not a published figure."""
        return self.source.startswith(("estimate", "assumed"))


class ImageModelInfo(BaseModel):
    """What one image model accepts and what it costs."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    provider: ImageProviderName
    id: str
    label: str
    backend: GoogleBackend | None = None
    offered: bool = True
    retired_on: date | None = None
    retired_note: str = ""
    #: Exact pixel sizes (OpenAI) ...
    sizes: tuple[str, ...] = ()
    #: ... or aspect ratios (Google).
    aspects: tuple[str, ...] = ()
    qualities: tuple[str, ...] = ()
    quality_label: str = "Quality"
    default_quality: str | None = None
    max_count: int = 1
    #: Images one API call returns at most; more are sent as further calls.
    per_call: int = 1
    supports_edit: bool = False
    supports_mask: bool = False
    prices: tuple[ImagePriceRule, ...]

    @property
    def shapes(self) -> tuple[str, ...]:
        """The values the size control offers: pixel sizes or aspect ratios."""
        return self.sizes or self.aspects

    def price_rule(self, size: str | None, quality: str | None) -> ImagePriceRule:
        for rule in self.prices:
            if rule.matches(size, quality):
                return rule
        raise LookupError(f"no price for {self.id} at size={size} quality={quality}")

    def estimate(self, size: str | None, quality: str | None, count: int) -> float:
        """USD for ``count`` images at this size and quality."""
        return round(self.price_rule(size, quality).usd_per_image * count, 4)


def parse_wxh(size: str) -> tuple[int, int]:
    """``"1536x1024"`` -> (1536, 1024); ValueError for anything else."""
    parts = size.lower().split("x")
    if len(parts) != 2 or not all(p.isdigit() for p in parts):
        raise ValueError(f"size must be WIDTHxHEIGHT, got {size!r}")
    return int(parts[0]), int(parts[1])


class ImageCatalog:
    """All known image models; look-ups by provider and id."""

    def __init__(self, models: list[ImageModelInfo]) -> None:
        self._models = {(m.provider, m.id): m for m in models}

    @property
    def models(self) -> tuple[ImageModelInfo, ...]:
        return tuple(self._models.values())

    def get(self, provider: ImageProviderName, model_id: str) -> ImageModelInfo | None:
        return self._models.get((provider, model_id))

    def offered(self, provider: ImageProviderName) -> tuple[ImageModelInfo, ...]:
        return tuple(m for m in self.models if m.provider == provider and m.offered)


def _parse(text: str, origin: str) -> list[ImageModelInfo]:
    try:
        data = tomllib.loads(text)
        return [ImageModelInfo.model_validate(entry) for entry in data.get("models", [])]
    except (tomllib.TOMLDecodeError, ValidationError) as exc:
        raise ProjectFileError(f"{origin}: invalid image model table: {exc}") from exc


def load_image_catalog(user_override: Path | None = None) -> ImageCatalog:
    """The packaged table, with entries from ``user_override`` replacing same provider+id."""
    packaged = resources.files("imageai.core").joinpath("data/image_models.toml").read_text()
    models = {(m.provider, m.id): m for m in _parse(packaged, "packaged image_models.toml")}
    if user_override is not None and user_override.is_file():
        for m in _parse(user_override.read_text(encoding="utf-8"), str(user_override)):
            models[(m.provider, m.id)] = m
    return ImageCatalog(list(models.values()))


@cache
def default_image_catalog() -> ImageCatalog:
    """The packaged table alone, for callers that have no settings at hand."""
    return load_image_catalog()
