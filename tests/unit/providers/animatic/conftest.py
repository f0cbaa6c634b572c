"""Fixtures of the animatic tests: a small catalog and a provider that polls fast."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import pytest

from imageai.core.catalog import Catalog, ModelInfo, PriceRule
from imageai.core.models import ProviderName
from imageai.providers.animatic.provider import AnimaticProvider

if TYPE_CHECKING:
    from collections.abc import Iterator

SMALL = "320x180"


@pytest.fixture
def catalog() -> Catalog:
    price = PriceRule(usd_per_second=0.0, checked=date(2026, 1, 1), source="test")
    info = ModelInfo(
        provider=ProviderName.ANIMATIC,
        id="animatic",
        label="Animatic",
        sizes=(SMALL, "1280x720", "181x320"),
        seconds=(1, 2, 3, 30),
        prices=(price,),
    )
    return Catalog([info])


@pytest.fixture
def provider(catalog: Catalog) -> Iterator[AnimaticProvider]:
    animatic = AnimaticProvider(catalog, poll_interval=0.02)
    yield animatic
    animatic.close()
