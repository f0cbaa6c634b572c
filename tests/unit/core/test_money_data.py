"""Data the money depends on: prices pinned to their documented values, reference-image limits."""

from __future__ import annotations

import pytest

from imageai.core.catalog import default_catalog
from imageai.core.errors import ValidationError
from imageai.core.models import (
    OmniSettings,
    Project,
    ProviderName,
    ProviderSettings,
    Scene,
    VeoBackend,
    VeoSettings,
)
from imageai.core.validation import validate_scene

# USD per second, as docs/pricing.md and the 2026-11-30 API notes give them. A change here is a
# price change: check the source, then change both.
PRICES = [
    # provider, model, size, resolution, audio, usd per second
    ("sora", "sora-2", "1280x720", None, True, 0.10),
    ("sora", "sora-2-pro", "1280x720", None, True, 0.30),
    ("sora", "sora-2-pro", "1792x1024", None, True, 0.50),
    ("omni", "gemini-omni-1.1-flash", None, "360p", True, 0.03),
    ("omni", "gemini-omni-1.1-flash", None, "720p", True, 0.10),
    ("omni", "gemini-omni-1.1-flash", None, "1080p", True, 0.15),
    ("omni", "gemini-omni-1.1-flash", None, "4k", True, 0.30),
    ("omni", "gemini-omni-1.2-flash", None, "360p", True, 0.023),
    ("omni", "gemini-omni-1.2-flash", None, "720p", True, 0.07),
    ("omni", "gemini-omni-1.2-flash", None, "1080p", True, 0.105),
    ("omni", "gemini-omni-1.2-flash", None, "4k", True, 0.21),
    ("veo", "veo-3.1-generate-001", None, "720p", True, 0.40),
    ("veo", "veo-3.1-generate-001", None, "1080p", True, 0.40),
    ("veo", "veo-3.1-generate-001", None, "720p", False, 0.20),
    ("veo", "veo-3.1-generate-001", None, "4k", True, 0.60),
    ("veo", "veo-3.1-fast-generate-001", None, "720p", True, 0.15),
    ("veo", "veo-3.1-fast-generate-001", None, "1080p", False, 0.10),
    ("veo", "veo-3.1-fast-generate-001", None, "4k", True, 0.35),
    ("veo", "veo-3.1-lite-generate-001", None, "720p", True, 0.05),
    ("veo", "veo-3.1-lite-generate-001", None, "1080p", True, 0.08),
    ("veo", "veo-3.1-generate-preview", None, "4k", True, 0.60),
    ("veo", "veo-3.1-fast-generate-preview", None, "4k", True, 0.35),
    ("veo", "veo-3.0-generate-001", None, "720p", True, 0.40),  # no retirement date in the table
    ("veo", "veo-2.0-generate-001", None, "720p", True, 0.35),
    ("animatic", "animatic", "1280x720", None, True, 0.0),
]


@pytest.mark.parametrize(("provider", "model", "size", "resolution", "audio", "usd"), PRICES)
def test_prices_are_the_documented_ones(
    provider: str, model: str, size: str | None, resolution: str | None, audio: bool, usd: float
) -> None:
    info = default_catalog().get(ProviderName(provider), model)
    assert info is not None, model
    rule = info.price_rule(size=size, resolution=resolution, audio=audio)
    assert rule.usd_per_second == pytest.approx(usd, abs=1e-9)


def test_every_priced_model_is_pinned() -> None:
    pinned = {(p, m) for p, m, *_ in PRICES}
    live = {
        (info.provider.value, info.id)
        for info in default_catalog().models
        if info.status().value != "retired"
    }
    assert live <= pinned, sorted(live - pinned)


def _veo(refs: int) -> tuple[Project, Scene]:
    settings = ProviderSettings(
        veo=VeoSettings(
            backend=VeoBackend.VERTEX, model="veo-3.1-generate-001", vertex_project="proj"
        )
    )
    scene = Scene(
        prompt="a fox", extra_reference_images=tuple(f"refs/r{i}.png" for i in range(refs))
    )
    return Project(provider=ProviderName.VEO, settings=settings, scenes=(scene,)), scene


def _omni(refs: int) -> tuple[Project, Scene]:
    settings = ProviderSettings(omni=OmniSettings(model="gemini-omni-1.1-flash"))
    scene = Scene(
        prompt="a fox", extra_reference_images=tuple(f"refs/r{i}.png" for i in range(refs))
    )
    return Project(provider=ProviderName.OMNI, settings=settings, scenes=(scene,)), scene


@pytest.mark.parametrize(("build", "limit"), [(_veo, 3), (_omni, 5)])
def test_one_reference_image_too_many_is_refused(build: object, limit: int) -> None:
    assert callable(build)
    project, scene = build(limit)
    validate_scene(default_catalog(), project, scene)  # at the limit: fine
    project, scene = build(limit + 1)
    with pytest.raises(ValidationError, match=f"at most {limit} reference images"):
        validate_scene(default_catalog(), project, scene)
