"""Controls offer only what a model supports, and switching model clamps the rest and says so."""

from __future__ import annotations

from imageai.core.catalog import default_catalog
from imageai.core.models import ProviderName, SoraSettings, VeoBackend, VeoSettings
from imageai.services.controls_state import (
    change,
    clamp,
    nearest_seconds,
    nearest_size,
    options_for,
)

CATALOG = default_catalog()


def test_sora_2_offers_only_720p_sizes_and_pro_offers_high_resolutions() -> None:
    base = options_for(CATALOG, ProviderName.SORA, SoraSettings(model="sora-2"))
    pro = options_for(CATALOG, ProviderName.SORA, SoraSettings(model="sora-2-pro"))
    assert base.sizes == ("720x1280", "1280x720")
    assert "1792x1024" in pro.sizes
    assert base.seconds == (4, 8, 12)
    assert "2026-09-24" in base.retired_note


def test_switching_pro_to_sora_2_clamps_the_high_resolution_size_and_says_so() -> None:
    pro = SoraSettings(model="sora-2-pro", size="1024x1792", seconds=12)
    clamped, notes = change(CATALOG, ProviderName.SORA, pro, model="sora-2")
    assert clamped.model == "sora-2"
    assert isinstance(clamped, SoraSettings)
    assert clamped.size == "720x1280"  # the same (portrait) orientation
    assert clamped.seconds == 12
    assert notes == ["Sora 2 has no 1024x1792; size set to 720x1280."]


def test_veo_high_resolution_forces_eight_seconds() -> None:
    settings = VeoSettings(model="veo-3.1-generate-preview", resolution="720p", seconds=4)
    clamped, notes = change(CATALOG, ProviderName.VEO, settings, resolution="1080p")
    assert isinstance(clamped, VeoSettings)
    assert clamped.seconds == 8
    assert notes == ["Veo 3.1 cannot do 4 s at 1080p; duration set to 8 s."]
    assert options_for(CATALOG, ProviderName.VEO, clamped).seconds == (8,)


def test_veo_lite_has_no_4k_and_no_reference_images() -> None:
    settings = VeoSettings(model="veo-3.1-generate-preview", resolution="4k", seconds=8)
    clamped, notes = change(
        CATALOG, ProviderName.VEO, settings, model="veo-3.1-lite-generate-preview"
    )
    assert isinstance(clamped, VeoSettings)
    assert clamped.resolution == "720p"
    assert any("no 4k" in n for n in notes)
    options = options_for(CATALOG, ProviderName.VEO, clamped)
    assert options.max_reference_images == 0
    assert "4k" not in options.resolutions


def test_audio_toggle_only_on_vertex_and_gemini_turns_audio_back_on() -> None:
    vertex = VeoSettings(
        backend=VeoBackend.VERTEX, model="veo-3.1-generate-001", generate_audio=False
    )
    assert options_for(CATALOG, ProviderName.VEO, vertex).audio_toggle
    assert clamp(CATALOG, ProviderName.VEO, vertex) == (vertex, [])
    clamped, notes = change(CATALOG, ProviderName.VEO, vertex, backend=VeoBackend.GEMINI)
    assert isinstance(clamped, VeoSettings)
    assert clamped.model == "veo-3.1-generate-preview"
    assert clamped.generate_audio is True
    assert any("always generates audio" in n for n in notes)


def test_retired_veo_model_is_replaced() -> None:
    old = VeoSettings(model="veo-3.0-generate-001")
    clamped, notes = clamp(CATALOG, ProviderName.VEO, old)
    assert clamped.model == "veo-3.1-generate-preview"
    assert notes[0].startswith("veo-3.0-generate-001 is not offered")


def test_nearest_helpers() -> None:
    assert nearest_seconds(10, (4, 8, 12)) == 8
    assert nearest_seconds(5, (4, 6, 8)) == 4
    assert nearest_size("1792x1024", ("720x1280", "1280x720")) == "1280x720"
    assert nearest_size("bogus", ("720x1280", "1280x720")) == "720x1280"
