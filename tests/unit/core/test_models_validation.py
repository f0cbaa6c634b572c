"""Models, the price table, validation messages and estimates."""

from __future__ import annotations

import pytest

from imageai.core.catalog import ModelStatus, load_catalog
from imageai.core.errors import ValidationError
from imageai.core.models import (
    Project,
    ProviderName,
    ProviderSettings,
    RenderState,
    Scene,
    SoraSettings,
    VeoBackend,
    VeoSettings,
)
from imageai.core.pricing import estimate
from imageai.core.validation import validate_project, validate_scene

CATALOG = load_catalog()
#: OpenAI retired Sora 2; a compatible endpoint still serves it with the table's limits.
GATEWAY = "https://videos-gateway.test/v1"


def sora_project(*scenes: Scene, model: str = "sora-2", size: str = "1280x720") -> Project:
    sora = SoraSettings(model=model, size=size, seconds=8, base_url=GATEWAY)
    settings = ProviderSettings(sora=sora)
    return Project(provider=ProviderName.SORA, settings=settings, scenes=scenes)


def test_scene_ids_are_stable_and_unique() -> None:
    a, b = Scene(prompt="a"), Scene(prompt="b")
    assert a.id != b.id
    project = Project(scenes=(a, b))
    assert Project.model_validate_json(project.model_dump_json()).scenes[0].id == a.id


def test_models_are_frozen() -> None:
    scene = Scene(prompt="x")
    with pytest.raises(Exception, match="frozen"):
        scene.prompt = "y"  # type: ignore[misc]


def test_scene_override_beats_project_provider() -> None:
    scene = Scene(prompt="x", provider=ProviderName.VEO)
    project = Project(provider=ProviderName.SORA, scenes=(scene,))
    assert project.provider_for(scene) is ProviderName.VEO


def test_veo_is_offered_on_vertex_only_and_the_gemini_previews_are_kept_as_retired() -> None:
    assert CATALOG.offered(ProviderName.VEO, VeoBackend.GEMINI) == ()
    ids = {m.id for m in CATALOG.offered(ProviderName.VEO, VeoBackend.VERTEX)}
    assert ids == {
        "veo-3.1-generate-001",
        "veo-3.1-fast-generate-001",
        "veo-3.1-lite-generate-001",
    }
    for model in ("veo-3.1-generate-preview", "veo-3.1-fast-generate-preview"):
        info = CATALOG.get(ProviderName.VEO, model)
        assert info is not None
        assert info.status() is ModelStatus.RETIRED
        assert str(info.retired_on) == "2026-10-22"
        successor = CATALOG.successor_of(info)
        assert successor is not None
        assert (successor.provider, successor.id) == (ProviderName.OMNI, "gemini-omni-1.1-flash")
    assert all(rule.checked and rule.source for m in CATALOG.models for rule in m.prices)


def test_user_override_replaces_a_price(tmp_path) -> None:  # type: ignore[no-untyped-def]
    override = tmp_path / "video_models.toml"
    override.write_text(
        '[[models]]\nprovider = "sora"\nid = "sora-2"\nlabel = "Sora 2"\n'
        'sizes = ["1280x720"]\nseconds = [4, 8, 12]\n'
        'prices = [{ usd_per_second = 0.2, checked = "2026-11-01", source = "me" }]\n'
    )
    catalog = load_catalog(override)
    project = sora_project(Scene(prompt="x"))
    assert estimate(project, catalog=catalog).total_usd == pytest.approx(1.6)


def test_sora_rejects_ten_seconds_naming_allowed_values() -> None:
    scene = Scene(prompt="a fox", duration=10)
    with pytest.raises(ValidationError) as err:
        validate_scene(CATALOG, sora_project(scene), scene)
    assert err.value.field == "seconds"
    assert "4, 8, 12" in str(err.value)
    assert "scene 1" in str(err.value)


def test_sora_2_has_no_pro_sizes() -> None:
    scene = Scene(prompt="a fox")
    with pytest.raises(ValidationError) as err:
        validate_scene(CATALOG, sora_project(scene, size="1792x1024"), scene)
    assert err.value.field == "size"
    assert err.value.allowed == ("720x1280", "1280x720")


def test_veo_1080p_only_at_eight_seconds() -> None:
    scene = Scene(prompt="rain", duration=4)
    settings = ProviderSettings(veo=VeoSettings(resolution="1080p"))
    project = Project(provider=ProviderName.VEO, settings=settings, scenes=(scene,))
    with pytest.raises(ValidationError, match=r"at 1080p.*allowed: 8"):
        validate_scene(CATALOG, project, scene)


def test_resolution_the_model_lacks() -> None:
    scene = Scene(prompt="rain")
    settings = ProviderSettings(
        veo=VeoSettings(model="veo-3.1-lite-generate-001", resolution="4k", vertex_project="p")
    )
    project = Project(provider=ProviderName.VEO, settings=settings, scenes=(scene,))
    with pytest.raises(ValidationError) as err:
        validate_scene(CATALOG, project, scene)
    assert err.value.field == "resolution"
    assert err.value.allowed == ("720p", "1080p")


def test_retired_veo_model_is_refused_with_the_reason() -> None:
    scene = Scene(prompt="rain")
    settings = ProviderSettings(veo=VeoSettings(model="veo-3.0-generate-001"))
    project = Project(provider=ProviderName.VEO, settings=settings, scenes=(scene,))
    with pytest.raises(ValidationError, match="retired on the Gemini API"):
        validate_scene(CATALOG, project, scene)


def test_empty_prompt_is_rejected() -> None:
    scene = Scene(prompt="   ")
    with pytest.raises(ValidationError) as err:
        validate_project(CATALOG, sora_project(scene))
    assert err.value.field == "prompt"


def test_estimate_breakdown_and_rendered_scenes_cost_nothing() -> None:
    done = Scene(prompt="a", state=RenderState.DONE)
    todo = Scene(prompt="b")
    longer = Scene(prompt="c", duration=12)
    est = estimate(sora_project(done, todo, longer), catalog=CATALOG)
    assert [s.usd for s in est.scenes] == [0.0, pytest.approx(0.8), pytest.approx(1.2)]
    assert est.total_usd == pytest.approx(2.0)
    assert est.scenes[1].formula() == "8 s x $0.10/s = $0.80"
    assert est.summary() == "2 scenes, 20 s: $2.00"


def test_sora_pro_high_resolution_price() -> None:
    est = estimate(sora_project(Scene(prompt="a"), model="sora-2-pro", size="1792x1024"))
    assert est.total_usd == pytest.approx(4.0)


def test_estimate_of_selected_scenes_only() -> None:
    a, b = Scene(prompt="a"), Scene(prompt="b", duration=4)
    est = estimate(sora_project(a, b), [b.id], catalog=CATALOG)
    assert [s.id for s in est.scenes] == [b.id]
    assert est.total_usd == pytest.approx(0.4)


def test_veo_price_depends_on_audio_on_vertex() -> None:
    scene = Scene(prompt="a")
    veo = VeoSettings(backend="vertex", model="veo-3.1-fast-generate-001", generate_audio=False)  # type: ignore[arg-type]
    project = Project(
        provider=ProviderName.VEO, settings=ProviderSettings(veo=veo), scenes=(scene,)
    )
    assert estimate(project, catalog=CATALOG).total_usd == pytest.approx(0.8)


def test_invalid_scene_shows_error_in_estimate_instead_of_raising() -> None:
    est = estimate(sora_project(Scene(prompt="a", duration=10)), catalog=CATALOG)
    assert est.scenes[0].error is not None and "seconds" in est.scenes[0].error
