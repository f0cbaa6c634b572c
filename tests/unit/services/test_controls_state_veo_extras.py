"""Veo seed, person generation, prompt enhancement and Cloud fields in the controls state."""

from __future__ import annotations

import pytest

from imageai.core.catalog import Catalog, default_catalog
from imageai.core.errors import ValidationError
from imageai.core.models import ProviderName, SoraSettings, VeoBackend, VeoSettings
from imageai.providers.google.veo_payload import SEED_MAX, VERTEX_PERSON
from imageai.services.controls_state import change, clamp, options_for, parse_seed

CATALOG = default_catalog()
VERTEX = VeoSettings(backend=VeoBackend.VERTEX, model="veo-3.1-generate-001")


def test_options_per_backend() -> None:
    # The Gemini API serves no Veo model since 2026-10-22: nothing to choose, no fields.
    gemini = options_for(CATALOG, ProviderName.VEO, VeoSettings(backend=VeoBackend.GEMINI))
    assert gemini.models == ()
    assert not (gemini.seed or gemini.person_generation or gemini.enhance_prompt)
    vertex = options_for(CATALOG, ProviderName.VEO, VERTEX)
    assert vertex.seed
    assert vertex.person_generation == VERTEX_PERSON
    assert vertex.enhance_prompt
    assert vertex.cloud_project
    sora = options_for(CATALOG, ProviderName.SORA, SoraSettings())
    assert not (sora.seed or sora.person_generation or sora.enhance_prompt or sora.cloud_project)


def test_seed_is_cleared_for_a_model_without_seed() -> None:
    models = [
        m.model_copy(update={"supports_seed": False}) if m.id == "veo-3.1-generate-001" else m
        for m in CATALOG.models
    ]
    catalog = Catalog(models)
    settings = VeoSettings(model="veo-3.1-generate-001", seed=7)
    assert not options_for(catalog, ProviderName.VEO, settings).seed
    clamped, notes = clamp(catalog, ProviderName.VEO, settings)
    assert isinstance(clamped, VeoSettings)
    assert clamped.seed is None
    assert any("takes no seed" in n for n in notes)


def test_switching_to_gemini_keeps_the_values_and_says_no_model_is_offered() -> None:
    vertex = VERTEX.model_copy(
        update={"person_generation": "dont_allow", "enhance_prompt": False, "seed": 42}
    )
    assert clamp(CATALOG, ProviderName.VEO, vertex) == (vertex, [])
    clamped, notes = change(CATALOG, ProviderName.VEO, vertex, backend=VeoBackend.GEMINI)
    assert isinstance(clamped, VeoSettings)
    assert (clamped.person_generation, clamped.enhance_prompt, clamped.seed) == (
        "dont_allow",
        False,
        42,
    )
    assert notes == ["No veo model is offered."]


def test_allow_all_is_not_kept_on_vertex() -> None:
    clamped, notes = change(CATALOG, ProviderName.VEO, VERTEX, person_generation="allow_all")
    assert isinstance(clamped, VeoSettings)
    assert clamped.person_generation is None
    assert notes


@pytest.mark.parametrize(("text", "value"), [("", None), (" 12 ", 12), (str(SEED_MAX), SEED_MAX)])
def test_parse_seed(text: str, value: int | None) -> None:
    assert parse_seed(text) == value


@pytest.mark.parametrize("text", ["-1", "1.5", "abc", str(SEED_MAX + 1)])
def test_parse_seed_refuses(text: str) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_seed(text)
    assert caught.value.field == "seed"
