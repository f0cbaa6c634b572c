"""What the `/v1/videos` controls offer on each endpoint, clamping, and parsing typed values."""

from __future__ import annotations

import contextlib

import pytest

from imageai.core.catalog import default_catalog
from imageai.core.errors import ValidationError
from imageai.core.models import Project, ProviderName, ProviderSettings, Scene, SoraSettings
from imageai.services.controls_state import scene_seconds
from imageai.services.sora_controls_state import (
    clamp_sora,
    endpoint_note,
    parse_base_url,
    parse_free_seconds,
    parse_free_size,
    parse_usd_per_second,
    sora_options,
)

CATALOG = default_catalog()
GATEWAY = "https://videos-gateway.test/v1"


def test_a_typed_model_on_a_gateway_has_free_shape_and_asks_for_a_price() -> None:
    settings = SoraSettings(model="veo-3.1", size="1920x1080", seconds=6, base_url=GATEWAY)
    options = sora_options(CATALOG, settings, {})
    assert options.model_editable and options.free_shape and options.price_field
    assert "1920x1080" in options.sizes
    assert 6 in options.seconds
    assert {mid for mid, _ in options.models} == {"sora-2", "sora-2-pro"}
    assert options.retired_note == ""


def test_a_known_model_on_a_gateway_keeps_its_table_and_hides_the_price() -> None:
    options = sora_options(CATALOG, SoraSettings(model="sora-2", base_url=GATEWAY), {})
    assert options.model_editable
    assert not options.price_field and not options.free_shape
    assert options.sizes == ("720x1280", "1280x720")


def test_the_environment_endpoint_counts_and_is_named() -> None:
    env = {"OPENAI_BASE_URL": "http://127.0.0.1:8080/v1"}
    assert sora_options(CATALOG, SoraSettings(), env).model_editable
    assert endpoint_note(SoraSettings(), env) == (
        "Compatible endpoint 127.0.0.1:8080 (from OPENAI_BASE_URL): any model id it serves."
    )
    assert endpoint_note(SoraSettings(), {}) == "OpenAI's own endpoint (api.openai.com)."


def test_openais_endpoint_offers_nothing_and_shows_the_retirement() -> None:
    options = sora_options(CATALOG, SoraSettings(model="sora-2-pro"), {})
    assert options.models == ()
    assert "2026-09-24" in options.retired_note
    assert options.successor == ("omni", "gemini-omni-1.1-flash")
    assert options.sizes  # the project's model is still described


def test_clamp_leaves_a_typed_model_alone_and_clamps_a_known_one() -> None:
    free = SoraSettings(model="wan-2.5", size="960x960", seconds=7, base_url=GATEWAY)
    assert clamp_sora(CATALOG, free, {}) == (free, [])
    known = SoraSettings(model="sora-2", size="1792x1024", seconds=10, base_url=GATEWAY)
    clamped, notes = clamp_sora(CATALOG, known, {})
    assert (clamped.size, clamped.seconds) == ("1280x720", 8)
    assert len(notes) == 2


def test_clamp_on_openais_endpoint_keeps_a_typed_model_and_says_why() -> None:
    settings = SoraSettings(model="veo-3.1")
    clamped, notes = clamp_sora(CATALOG, settings, {})
    assert clamped == settings
    assert "compatible endpoint" in notes[0]


@pytest.mark.parametrize(
    ("text", "value"), [("", None), (" 0.1 ", 0.1), ("$0.25", 0.25), ("0", 0.0)]
)
def test_price_parses(text: str, value: float | None) -> None:
    assert parse_usd_per_second(text) == value


@pytest.mark.parametrize("text", ["abc", "-0.1", "inf", "nan", "1e400"])
def test_price_refuses(text: str) -> None:
    with pytest.raises(ValidationError) as info:
        parse_usd_per_second(text)
    assert info.value.field == "usd_per_second"


@pytest.mark.parametrize(
    "text",
    ["", " ", "\x00", "٣", "²", "1e309", "-0", "9" * 400, "http://[::1", "x" * 5000, "1x", "x1"],
)
def test_typed_values_either_parse_or_raise_a_validation_error(text: str) -> None:
    # Odd digits (Arabic-Indic, superscripts), broken IPv6 URLs and overflows must not escape.
    for parse in (parse_usd_per_second, parse_base_url, parse_free_size, parse_free_seconds):
        with contextlib.suppress(ValidationError):
            parse(text)


def test_base_url_and_free_shape_parsing() -> None:
    assert parse_base_url("  ") is None
    assert parse_base_url(f" {GATEWAY} ") == GATEWAY
    for bad in ("gateway.test/v1", "file:///etc/passwd", "https://k:sk-1@gw.test/v1"):
        with pytest.raises(ValidationError):
            parse_base_url(bad)
    assert parse_free_size(" 1920X1080 ") == "1920x1080"
    assert parse_free_seconds("6 s") == 6
    for bad_seconds in ("0", "-3", "2.5", "six"):
        with pytest.raises(ValidationError):
            parse_free_seconds(bad_seconds)
    with pytest.raises(ValidationError):
        parse_free_size("0x720")


def test_scene_durations_are_free_for_a_typed_model_and_the_tables_for_a_known_one() -> None:
    scene = Scene(prompt="x", duration=7)
    free = SoraSettings(model="wan-2.5", seconds=5, base_url=GATEWAY)
    project = Project(provider=ProviderName.SORA, settings=ProviderSettings(sora=free))
    assert scene_seconds(CATALOG, project, scene) == (4, 5, 7, 8, 12)
    known = ProviderSettings(sora=SoraSettings(model="sora-2", base_url=GATEWAY))
    project = project.model_copy(update={"settings": known})
    assert scene_seconds(CATALOG, project, scene) == (4, 8, 12)


def test_azure_endpoint_shows_its_own_retirement_of_sora_2() -> None:
    settings = SoraSettings(model="sora-2", base_url="https://r.openai.azure.com/openai/v1")
    options = sora_options(CATALOG, settings, {})
    assert "Azure OpenAI retired Sora 2 on 2026-10-15" in options.retired_note
    assert options.successor == ("omni", "gemini-omni-1.1-flash")
