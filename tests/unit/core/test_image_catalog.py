"""The packaged image price table: live models only, prices per quality and size."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from imageai.core.errors import ProjectFileError
from imageai.core.image_catalog import ImageProviderName, load_image_catalog, parse_wxh

if TYPE_CHECKING:
    from pathlib import Path

OPENAI = ImageProviderName.OPENAI
GOOGLE = ImageProviderName.GOOGLE


def test_shut_down_openai_models_are_listed_but_not_offered() -> None:
    catalog = load_image_catalog()
    offered = {m.id for m in catalog.offered(OPENAI)}
    assert {"gpt-image-2", "gpt-image-1.5", "gpt-image-1-mini"} <= offered
    assert {"gpt-image-2.5-flare", "gpt-image-2.6-sunburst"} <= offered
    for retired in ("gpt-image-1", "dall-e-2", "dall-e-3"):
        model = catalog.get(OPENAI, retired)
        assert model is not None
        assert not model.offered
        assert model.retired_note


def test_google_offers_gemini_on_the_gemini_api_and_imagen_on_vertex() -> None:
    catalog = load_image_catalog()
    for model in catalog.offered(GOOGLE):
        expected = "vertex" if model.id.startswith("imagen") else "gemini"
        assert model.backend == expected, model.id
        assert model.aspects and not model.sizes


def test_every_offered_model_has_a_price_for_every_size_and_quality() -> None:
    for model in load_image_catalog().models:
        for shape in model.shapes:
            for quality in model.qualities:
                assert model.estimate(shape, quality, 1) >= 0


def test_price_depends_on_quality_size_and_count() -> None:
    model = load_image_catalog().get(OPENAI, "gpt-image-1.5")
    assert model is not None
    assert model.estimate("1024x1024", "low", 1) == pytest.approx(0.009)
    assert model.estimate("1536x1024", "high", 2) == pytest.approx(0.4)
    big = load_image_catalog().get(OPENAI, "gpt-image-2")
    assert big is not None
    assert big.estimate("3840x2160", "high", 1) > big.estimate("1024x1024", "high", 1)


def test_user_override_replaces_an_entry(tmp_path: Path) -> None:
    override = tmp_path / "image_models.toml"
    override.write_text(
        '[[models]]\nprovider = "openai"\nid = "gpt-image-2"\nlabel = "Mine"\n'
        'sizes = ["1024x1024"]\nqualities = ["low"]\n'
        'prices = [{ usd_per_image = 1.5, checked = "2026-11-24", source = "me" }]\n',
        encoding="utf-8",
    )
    model = load_image_catalog(override).get(OPENAI, "gpt-image-2")
    assert model is not None
    assert model.label == "Mine"
    assert model.estimate("1024x1024", "low", 2) == 3.0


def test_invalid_override_names_the_file(tmp_path: Path) -> None:
    override = tmp_path / "image_models.toml"
    override.write_text("[[models]]\nprovider = 'nope'\n", encoding="utf-8")
    with pytest.raises(ProjectFileError, match=r"image_models\.toml"):
        load_image_catalog(override)


@pytest.mark.parametrize("text", ["1024", "axb", "10x10x10", ""])
def test_parse_wxh_rejects_malformed_sizes(text: str) -> None:
    with pytest.raises(ValueError, match="WIDTHxHEIGHT"):
        parse_wxh(text)
