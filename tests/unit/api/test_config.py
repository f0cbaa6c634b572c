"""`VideoConfig` -> provider settings: public names, refused fields, stable keys."""

from __future__ import annotations

import pytest

from imageai.api.config import VideoConfig, config_key, provider_name, settings_for
from imageai.core.errors import ValidationError
from imageai.core.models import OmniSettings, ProviderName, SoraSettings, VeoSettings


def test_public_names_map_to_provider_names() -> None:
    assert provider_name("openai-videos") is ProviderName.SORA
    assert provider_name("Omni") is ProviderName.OMNI
    assert provider_name("animatic") is ProviderName.ANIMATIC
    with pytest.raises(ValidationError) as info:
        provider_name("sora-3")
    assert info.value.field == "provider"
    assert "openai-videos" in info.value.allowed


def test_config_fields_land_in_the_provider_settings() -> None:
    config = VideoConfig(
        prompt="p", model="gemini-omni-1.2-flash", seconds=8, seed=7, aspect="9:16"
    )
    settings = settings_for(ProviderName.OMNI, config, {"resolution": "1080p"})
    assert isinstance(settings, OmniSettings)
    assert (settings.model, settings.seconds, settings.seed) == ("gemini-omni-1.2-flash", 8, 7)
    assert (settings.aspect, settings.resolution) == ("9:16", "1080p")
    veo = settings_for(ProviderName.VEO, VideoConfig(prompt="p", audio=False), {})
    assert isinstance(veo, VeoSettings)
    assert veo.generate_audio is False
    sora = settings_for(ProviderName.SORA, VideoConfig(prompt="p", size="720x1280"), {})
    assert isinstance(sora, SoraSettings)
    assert sora.size == "720x1280"


@pytest.mark.parametrize(
    ("provider", "config", "field"),
    [
        (ProviderName.OMNI, VideoConfig(prompt="p", size="1280x720"), "size"),
        (ProviderName.ANIMATIC, VideoConfig(prompt="p", aspect="16:9"), "size"),
        (ProviderName.SORA, VideoConfig(prompt="p", seed=3), "seed"),
        (ProviderName.OMNI, VideoConfig(prompt="p", audio=False), "audio"),
        (ProviderName.SORA, VideoConfig(prompt="p", audio=True), "audio"),
        (ProviderName.VEO, VideoConfig(prompt="p", audio_direction="rain"), "audio_direction"),
    ],
)
def test_fields_a_provider_lacks_are_refused_not_ignored(
    provider: ProviderName, config: VideoConfig, field: str
) -> None:
    with pytest.raises(ValidationError) as info:
        settings_for(provider, config, {})
    assert info.value.field == field


def test_unknown_option_names_the_field() -> None:
    with pytest.raises(ValidationError) as info:
        settings_for(ProviderName.OMNI, VideoConfig(prompt="p"), {"colour": "red"})
    assert info.value.field == "colour"


def test_key_is_stable_and_variant_makes_another_video() -> None:
    config = VideoConfig(prompt="a fox", seconds=4)
    key = config_key(ProviderName.OMNI, config, {})
    assert key == config_key(ProviderName.OMNI, VideoConfig(prompt="a fox", seconds=4), {})
    assert key != config_key(ProviderName.OMNI, config.model_copy(update={"variant": 1}), {})
    assert key != config_key(ProviderName.VEO, config, {})


def test_config_is_frozen() -> None:
    config = VideoConfig(prompt="p")
    with pytest.raises(Exception, match="frozen"):
        config.prompt = "q"  # type: ignore[misc]
