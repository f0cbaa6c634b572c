"""Controls offer only what a model supports, and switching model clamps the rest and says so."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from imageai.core.catalog import default_catalog, load_catalog
from imageai.core.errors import ValidationError
from imageai.core.models import (
    Project,
    ProviderName,
    Scene,
    SoraSettings,
    VeoBackend,
    VeoSettings,
)
from imageai.services.controls_state import (
    SceneImageOptions,
    change,
    clamp,
    nearest_seconds,
    nearest_size,
    options_for,
    scene_image_options,
    with_reference_added,
)

if TYPE_CHECKING:
    from pathlib import Path

CATALOG = default_catalog()
LITE = "veo-3.1-lite-generate-001"


#: OpenAI retired Sora 2; a compatible endpoint still serves it with the table's limits.
GATEWAY = "https://videos-gateway.test/v1"


def test_sora_2_offers_only_720p_sizes_and_pro_offers_high_resolutions() -> None:
    base = options_for(CATALOG, ProviderName.SORA, SoraSettings(model="sora-2", base_url=GATEWAY))
    pro = options_for(
        CATALOG, ProviderName.SORA, SoraSettings(model="sora-2-pro", base_url=GATEWAY)
    )
    assert base.sizes == ("720x1280", "1280x720")
    assert "1792x1024" in pro.sizes
    assert base.seconds == (4, 8, 12)
    assert base.retired_note == ""  # OpenAI's retirement does not reach the gateway
    assert base.model_editable


def test_sora_2_on_openais_endpoint_shows_the_retirement_and_the_move() -> None:
    options = options_for(CATALOG, ProviderName.SORA, SoraSettings(model="sora-2"))
    assert "2026-09-24" in options.retired_note
    assert options.successor == ("omni", "gemini-omni-1.1-flash")
    assert options.models == ()
    assert not options.model_editable


def test_switching_pro_to_sora_2_clamps_the_high_resolution_size_and_says_so() -> None:
    pro = SoraSettings(model="sora-2-pro", size="1024x1792", seconds=12, base_url=GATEWAY)
    clamped, notes = change(CATALOG, ProviderName.SORA, pro, model="sora-2")
    assert clamped.model == "sora-2"
    assert isinstance(clamped, SoraSettings)
    assert clamped.size == "720x1280"  # the same (portrait) orientation
    assert clamped.seconds == 12
    assert notes == ["Sora 2 has no 1024x1792; size set to 720x1280."]


def test_veo_high_resolution_forces_eight_seconds() -> None:
    settings = VeoSettings(model="veo-3.1-generate-001", resolution="720p", seconds=4)
    clamped, notes = change(CATALOG, ProviderName.VEO, settings, resolution="1080p")
    assert isinstance(clamped, VeoSettings)
    assert clamped.seconds == 8
    assert notes == ["Veo 3.1 cannot do 4 s at 1080p; duration set to 8 s."]
    assert options_for(CATALOG, ProviderName.VEO, clamped).seconds == (8,)


def test_veo_lite_has_no_4k_and_no_reference_images() -> None:
    settings = VeoSettings(model="veo-3.1-generate-001", resolution="4k", seconds=8)
    clamped, notes = change(CATALOG, ProviderName.VEO, settings, model="veo-3.1-lite-generate-001")
    assert isinstance(clamped, VeoSettings)
    assert clamped.resolution == "720p"
    assert any("no 4k" in n for n in notes)
    options = options_for(CATALOG, ProviderName.VEO, clamped)
    assert options.max_reference_images == 0
    assert "4k" not in options.resolutions


@pytest.mark.parametrize("model", ["veo-3.1-generate-001", "veo-3.1-fast-generate-001"])
def test_audio_toggle_on_veo_and_fast_and_lite_turns_audio_back_on(model: str) -> None:
    vertex = VeoSettings(backend=VeoBackend.VERTEX, model=model, generate_audio=False)
    assert options_for(CATALOG, ProviderName.VEO, vertex).audio_toggle
    assert clamp(CATALOG, ProviderName.VEO, vertex) == (vertex, [])
    clamped, notes = change(CATALOG, ProviderName.VEO, vertex, model="veo-3.1-lite-generate-001")
    assert isinstance(clamped, VeoSettings)
    assert clamped.generate_audio is True
    assert any("always generates audio" in n for n in notes)


def test_retired_veo_model_is_replaced_when_the_user_changes_a_setting() -> None:
    old = VeoSettings(model="veo-3.0-generate-001")
    clamped, notes = clamp(CATALOG, ProviderName.VEO, old)
    assert clamped.model == "veo-3.1-generate-001"
    assert notes[0].startswith("veo-3.0-generate-001 is not offered")


def test_a_gemini_api_veo_project_offers_nothing_and_names_the_move() -> None:
    old = VeoSettings(backend=VeoBackend.GEMINI, model="veo-3.1-fast-generate-preview")
    options = options_for(CATALOG, ProviderName.VEO, old)
    # Only the project's own model, marked shut down: nothing else to choose on the Gemini API.
    assert options.models == (
        ("veo-3.1-fast-generate-preview", "Veo 3.1 Fast (Gemini API preview) (shut down)"),
    )
    assert "2026-10-22" in options.retired_note
    assert options.successor == ("omni", "gemini-omni-1.1-flash")
    assert options.successor_label == "Gemini Omni 1.1 Flash"


def test_a_deprecated_model_stays_offered_with_its_note_and_successor() -> None:
    fast = VeoSettings(model="veo-3.1-fast-generate-001", vertex_project="p")
    options = options_for(CATALOG, ProviderName.VEO, fast)
    assert ("veo-3.1-fast-generate-001", "Veo 3.1 Fast") in options.models
    assert "on or after 2026-11-17" in options.retired_note
    assert options.successor == ("omni", "gemini-omni-1.2-flash")
    lite = options_for(CATALOG, ProviderName.VEO, fast.model_copy(update={"model": LITE}))
    assert (lite.retired_note, lite.successor) == ("", None)


def test_a_later_retirement_is_a_data_edit(tmp_path: Path) -> None:
    override = tmp_path / "video_models.toml"
    entry = CATALOG.get(ProviderName.VEO, LITE)
    assert entry is not None
    override.write_text(
        f"""
[[models]]
provider = "veo"
id = "{LITE}"
label = "{entry.label}"
backend = "vertex"
retired_on = "2026-11-29"
successor = "gemini-omni-1.2-flash"
successor_provider = "omni"
seconds = [4, 6, 8]
prices = [{{ usd_per_second = 0.05, checked = "2026-11-30", source = "test" }}]
""",
        encoding="utf-8",
    )
    catalog = load_catalog(user_override=override)
    settings = VeoSettings(model=LITE, vertex_project="p")
    options = options_for(catalog, ProviderName.VEO, settings)
    # Shown as what the project holds, marked shut down, and never offered as a choice otherwise.
    assert options.models[0] == (LITE, "Veo 3.1 Lite (preview) (shut down)")
    assert LITE not in [m for m, _label in options.models[1:]]
    assert options.retired_note.startswith("Veo 3.1 Lite (preview) was shut down on 2026-11-29.")
    assert options.successor == ("omni", "gemini-omni-1.2-flash")


def test_nearest_helpers() -> None:
    assert nearest_seconds(10, (4, 8, 12)) == 8
    assert nearest_seconds(5, (4, 6, 8)) == 4
    assert nearest_size("1792x1024", ("720x1280", "1280x720")) == "1280x720"
    assert nearest_size("bogus", ("720x1280", "1280x720")) == "720x1280"


def test_scene_images_are_offered_only_by_veo_models_that_take_them() -> None:
    catalog = default_catalog()
    scene = Scene(id="s", provider=ProviderName.VEO)
    project = Project(scenes=(scene,))
    fast = scene_image_options(catalog, project, scene)
    assert (fast.max_reference_images, fast.last_frame, fast.shown) == (3, True, True)
    lite = project.model_copy(
        update={"settings": project.settings.model_copy(update={"veo": VeoSettings(model=LITE)})}
    )
    assert scene_image_options(catalog, lite, scene).max_reference_images == 0
    sora = scene.model_copy(update={"provider": ProviderName.SORA})
    assert not scene_image_options(catalog, project, sora).shown


def test_one_reference_too_many_is_refused_with_a_clear_message() -> None:
    options = SceneImageOptions(model_label="Veo 3.1", max_reference_images=2)
    refs = with_reference_added(options, ("refs/a.png",), "refs/b.png")
    assert refs == ("refs/a.png", "refs/b.png")
    with pytest.raises(ValidationError, match="at most 2 reference images per scene"):
        with_reference_added(options, refs, "refs/c.png")
    with pytest.raises(ValidationError, match="already a reference"):
        with_reference_added(options, ("refs/a.png",), "refs/a.png")
    with pytest.raises(ValidationError, match="takes no reference images"):
        with_reference_added(SceneImageOptions(model_label="Lite"), (), "refs/a.png")
