"""Omni control choices, clamping to the model and to a scene's frames, and the price line."""

from __future__ import annotations

from imageai.core.catalog import default_catalog
from imageai.core.models import OmniSettings, Project, ProviderName, Scene, VeoBackend
from imageai.core.secrets import InMemorySecretStore, KeyName
from imageai.services.controls_state import scene_image_options, scene_seconds
from imageai.services.new_project_defaults import default_provider_for
from imageai.services.omni_controls_state import (
    capabilities_text,
    image_hints,
    omni_change,
    omni_options,
    omni_price,
    omni_scene_fields,
)

CATALOG = default_catalog()
FRAMED = Scene(prompt="x", reference_image="refs/a.png", last_frame_image="refs/b.png")


def _project(*scenes: Scene, **settings: object) -> Project:
    base = Project(provider=ProviderName.OMNI, scenes=scenes)
    omni = OmniSettings.model_validate(settings)
    return base.model_copy(update={"settings": base.settings.model_copy(update={"omni": omni})})


def test_both_models_offered_on_both_backends_with_their_durations() -> None:
    for backend in VeoBackend:
        options = omni_options(CATALOG, OmniSettings(backend=backend), None)
        assert [m for m, _ in options.models] == ["gemini-omni-1.1-flash", "gemini-omni-1.2-flash"]
    assert omni_options(CATALOG, OmniSettings(), None).seconds == tuple(range(3, 11))
    v12 = omni_options(CATALOG, OmniSettings(model="gemini-omni-1.2-flash"), None)
    assert v12.seconds == tuple(range(3, 16))
    assert v12.resolutions == ("360p", "720p", "1080p", "4k")
    assert v12.aspects == ("16:9", "9:16")
    assert v12.seed


def test_switching_1_2_to_1_1_at_12_s_clamps_to_10_s_and_says_so() -> None:
    settings = OmniSettings(model="gemini-omni-1.2-flash", seconds=12)
    clamped, notes = omni_change(CATALOG, settings, None, model="gemini-omni-1.1-flash")
    assert (clamped.model, clamped.seconds) == ("gemini-omni-1.1-flash", 10)
    assert notes == ["Gemini Omni 1.1 Flash cannot do 12 s; duration set to 10 s."]


def test_first_and_last_frame_cap_applies_only_to_a_scene_on_the_default_duration() -> None:
    settings = OmniSettings(model="gemini-omni-1.2-flash", seconds=8)
    assert omni_options(CATALOG, settings, FRAMED).seconds == tuple(range(3, 11))
    own = FRAMED.model_copy(update={"duration": 6})
    assert omni_options(CATALOG, settings, own).seconds == tuple(range(3, 16))
    clamped, notes = omni_change(CATALOG, settings, FRAMED, seconds=14)
    assert clamped.seconds == 10
    assert notes == [
        "Gemini Omni 1.2 Flash renders at most 10 s with a first and a last frame; "
        "duration set to 10 s."
    ]
    project = _project(FRAMED, model="gemini-omni-1.2-flash")
    assert scene_seconds(CATALOG, project, project.scenes[0]) == tuple(range(3, 11))


def test_price_line_marks_unverified_prices_and_counts_unrendered_omni_scenes() -> None:
    project = _project(Scene(prompt="a"), Scene(prompt="b", provider=ProviderName.ANIMATIC))
    price = omni_price(CATALOG, project, OmniSettings(seconds=6, resolution="1080p"))
    assert price is not None
    assert price.text() == (
        "$0.15/s at 1080p (unverified) · one 6 s scene: $0.90 · 1 Omni scene to render, 6 s: $0.90"
    )
    assert "third party" in price.source
    v12 = omni_price(
        CATALOG, project, OmniSettings(model="gemini-omni-1.2-flash", resolution="360p")
    )
    assert v12 is not None
    assert v12.rate == "$0.023/s at 360p"


def test_capabilities_images_hints_and_scene_fields() -> None:
    text = capabilities_text(CATALOG, OmniSettings(model="gemini-omni-1.2-flash"))
    assert "up to 5 reference images" in text
    assert "at most 10 s with both" in text
    assert "edit and extend" in text
    project = _project(Scene(prompt="a"), FRAMED, model="gemini-omni-1.2-flash")
    options = scene_image_options(CATALOG, project, project.scenes[0])
    assert (options.provider, options.max_reference_images) == (ProviderName.OMNI, 5)
    assert "at most 10 s" in image_hints(options, 0).last_frame_tip
    first, second = project.scenes
    assert not omni_scene_fields(CATALOG, project, first).extend_enabled
    assert omni_scene_fields(CATALOG, project, second).extend_enabled
    animatic = project.model_copy(update={"provider": ProviderName.ANIMATIC})
    assert not omni_scene_fields(CATALOG, animatic, second).shown


def test_default_provider_reads_environment_then_store() -> None:
    empty = InMemorySecretStore()
    assert default_provider_for(empty, {}) is ProviderName.ANIMATIC
    assert default_provider_for(empty, {"GEMINI_API_KEY": "abcdefg"}) is ProviderName.OMNI
    assert default_provider_for(empty, {"OPENAI_API_KEY": "sk-abcdefg"}) is ProviderName.ANIMATIC
    stored = InMemorySecretStore({KeyName.GOOGLE: "stored-key"})
    assert default_provider_for(stored, {}) is ProviderName.OMNI


def test_cost_formula_keeps_a_third_decimal_so_it_adds_up() -> None:
    from imageai.core.pricing import estimate

    project = _project(
        Scene(prompt="a"), model="gemini-omni-1.2-flash", resolution="1080p", seconds=8
    )
    assert estimate(project, catalog=CATALOG).scenes[0].formula() == "8 s x $0.105/s = $0.84"
