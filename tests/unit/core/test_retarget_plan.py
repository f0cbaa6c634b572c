"""Retarget plans: settings and scene durations mapped, notes, and the cost before and after."""

from __future__ import annotations

import pytest

from imageai.core.catalog import default_catalog
from imageai.core.models import (
    AnimaticSettings,
    Project,
    ProviderName,
    ProviderSettings,
    RenderState,
    Scene,
    SoraSettings,
    VeoBackend,
    VeoSettings,
)
from imageai.core.retarget_plan import plan_retarget, successor_plan
from imageai.core.shot import resolve

SORA = ProviderName.SORA
VEO = ProviderName.VEO
ANIMATIC = ProviderName.ANIMATIC
OMNI = ProviderName.OMNI


def _project(provider: ProviderName = SORA, **settings: object) -> Project:
    return Project(
        provider=provider,
        settings=ProviderSettings(**settings),
        scenes=(
            Scene(id="a", prompt="One."),
            Scene(id="b", prompt="Two.", duration=12),
            Scene(id="c", prompt="Three."),
        ),
    )


def test_sora_project_to_veo_maps_settings_and_durations() -> None:
    project = _project(sora=SoraSettings(size="1280x720", seconds=4))
    plan = plan_retarget(project, VEO, default_catalog())
    after = plan.project
    assert after.provider is VEO
    veo = after.settings.veo
    assert (veo.aspect, veo.resolution, veo.seconds) == ("16:9", "720p", 4)
    assert after.scene("b").duration == 8
    assert "Scene 2: 12 s becomes 8 s." in plan.notes
    # Sora settings are kept for switching back.
    assert after.settings.sora == project.settings.sora
    assert plan.before.total_usd == pytest.approx(0.10 * (4 + 12 + 4))
    assert plan.after.total_usd == pytest.approx(0.15 * (4 + 8 + 4))


def test_comparison_shows_the_difference() -> None:
    project = _project(sora=SoraSettings(size="1280x720", seconds=4))
    plan = plan_retarget(project, VEO, default_catalog())
    assert plan.delta_usd == pytest.approx(2.40 - 2.00)
    assert plan.comparison().endswith("(+$0.40)")


def test_large_sora_size_keeps_duration_and_gives_up_resolution() -> None:
    project = _project(sora=SoraSettings(model="sora-2-pro", size="1792x1024", seconds=4))
    plan = plan_retarget(project, VEO, default_catalog())
    veo = plan.project.settings.veo
    assert (veo.resolution, veo.seconds) == ("720p", 4)
    assert any("only at 8 s" in note for note in plan.notes)


def test_veo_portrait_1080p_to_sora() -> None:
    project = _project(VEO, veo=VeoSettings(aspect="9:16", resolution="1080p", seconds=8))
    plan = plan_retarget(project, SORA, default_catalog())
    sora = plan.project.settings.sora
    assert (sora.size, sora.seconds) == ("720x1280", 8)
    assert any(note.startswith("Veo to Sora") for note in plan.notes)
    assert plan.project.scene("b").duration == 12  # Sora offers 12 s


def test_round_trip_sora_veo_sora_restores_the_shot() -> None:
    project = _project(sora=SoraSettings(size="720x1280", seconds=8))
    there = plan_retarget(project, VEO, default_catalog()).project
    back = plan_retarget(there, SORA, default_catalog()).project
    assert back.provider is SORA
    assert (back.settings.sora.size, back.settings.sora.seconds) == ("720x1280", 8)


def test_selected_scenes_get_an_override_only() -> None:
    project = _project(sora=SoraSettings(size="1280x720", seconds=4))
    plan = plan_retarget(project, VEO, default_catalog(), scene_ids=["b"])
    after = plan.project
    assert after.provider is SORA
    assert after.scene("b").provider is VEO
    assert after.scene("a").provider is None
    assert after.scene("a") == project.scene("a")
    assert [s.id for s in plan.before.scenes] == ["b"]
    assert plan.before.total_usd == pytest.approx(1.20)
    assert plan.after.total_usd == pytest.approx(0.15 * 8)
    assert plan.scene_ids == ("b",)


def test_scenes_moved_to_the_projects_provider_lose_their_override() -> None:
    project = _project(sora=SoraSettings())
    project = project.update_scene("a", provider=VEO)
    plan = plan_retarget(project, SORA, default_catalog(), scene_ids=["a"])
    assert plan.project.scene("a").provider is None


def test_project_switch_drops_scene_overrides_with_a_note() -> None:
    project = _project(sora=SoraSettings()).update_scene("c", provider=ANIMATIC)
    plan = plan_retarget(project, VEO, default_catalog())
    assert plan.project.scene("c").provider is None
    assert any(note.startswith("Scene 3: its own provider") for note in plan.notes)


def test_rendered_scenes_cost_nothing_before_or_after() -> None:
    project = _project(sora=SoraSettings(seconds=4))
    project = project.update_scene("a", state=RenderState.DONE, clip_path="clips/a.mp4")
    plan = plan_retarget(project, VEO, default_catalog())
    assert plan.project.scene("a").clip_path == "clips/a.mp4"
    assert plan.before.scenes[0].already_rendered
    assert plan.after.scenes[0].usd == 0.0


def test_animatic_hd_to_veo_drops_to_720p_when_a_scene_is_short() -> None:
    project = _project(ANIMATIC, animatic=AnimaticSettings(size="1920x1080", seconds=8))
    project = project.update_scene("a", duration=4)
    plan = plan_retarget(project, VEO, default_catalog())
    veo = plan.project.settings.veo
    assert (veo.aspect, veo.resolution, veo.seconds) == ("16:9", "720p", 8)
    assert plan.project.scene("a").duration == 4
    assert any("resolution is 720p" in note for note in plan.notes)
    assert all(s.error is None for s in plan.after.scenes)


def test_animatic_to_sora_is_labelled_and_fitted() -> None:
    project = _project(ANIMATIC, animatic=AnimaticSettings(size="1920x1080", seconds=5))
    plan = plan_retarget(project, SORA, default_catalog())
    sora = plan.project.settings.sora
    assert (sora.size, sora.seconds) == ("1280x720", 4)
    assert any(note.startswith("Animatic to Sora") for note in plan.notes)


def test_unoffered_model_is_replaced_with_a_note() -> None:
    project = _project(sora=SoraSettings(), veo=VeoSettings(model="veo-3.0-generate-001"))
    plan = plan_retarget(project, VEO, default_catalog())
    assert plan.project.settings.veo.model != "veo-3.0-generate-001"
    assert any("is not offered" in note for note in plan.notes)


def test_same_provider_changes_nothing() -> None:
    project = _project(sora=SoraSettings(base_url="https://videos-gateway.test/v1"))
    plan = plan_retarget(project, SORA, default_catalog())
    assert plan.project == project
    assert plan.notes == ()
    assert plan.delta_usd == 0.0


def test_unknown_scene_id_raises() -> None:
    with pytest.raises(KeyError):
        plan_retarget(_project(), VEO, default_catalog(), scene_ids=["zzz"])


def test_veo_to_the_free_animatic_costs_nothing_after() -> None:
    project = _project(VEO, veo=VeoSettings(aspect="16:9", resolution="720p", seconds=8))
    plan = plan_retarget(project, ANIMATIC, default_catalog())
    assert plan.project.settings.animatic.size == "1280x720"
    assert plan.after.total_usd == 0.0
    assert plan.before.total_usd > 0


def _veo_project(**veo: object) -> Project:
    settings = VeoSettings(**veo)  # type: ignore[arg-type]
    return Project(
        provider=VEO,
        settings=ProviderSettings(veo=settings),
        scenes=(Scene(id="a", prompt="One."), Scene(id="b", prompt="Two.", duration=4)),
    )


def test_retired_veo_preview_moves_to_its_omni_successor_keeping_the_shot() -> None:
    project = _veo_project(
        backend=VeoBackend.GEMINI,
        model="veo-3.1-generate-preview",
        aspect="9:16",
        resolution="1080p",
        seconds=8,
    )
    plan = successor_plan(project, default_catalog())
    assert plan is not None
    assert (plan.target, plan.model) == (OMNI, "gemini-omni-1.1-flash")
    omni = plan.project.settings.omni
    assert (omni.aspect, omni.resolution, omni.seconds) == ("9:16", "1080p", 8)
    assert plan.project.scene("b").duration == 4
    # Before: what the preview cost while it lived (Veo renders 1080p only at 8 s, so the 4 s
    # scene is listed with its problem); after: Omni 1.1 at 1080p.
    assert plan.before.total_usd == pytest.approx(0.40 * 8)
    assert plan.after.total_usd == pytest.approx(0.15 * 12)
    assert all(row.error is None for row in plan.after.scenes)
    assert (
        "Before: what Veo 3.1 (Gemini API preview) cost until it shut down on 2026-10-22."
        in plan.notes
    )


def test_a_live_model_without_a_successor_has_no_plan() -> None:
    project = _veo_project(model="veo-3.1-lite-generate-001", vertex_project="p")
    assert successor_plan(project, default_catalog()) is None


def test_deprecated_vertex_veo_offers_omni_1_2() -> None:
    project = _veo_project(model="veo-3.1-fast-generate-001", vertex_project="p", seconds=6)
    plan = successor_plan(project, default_catalog())
    assert plan is not None
    assert (plan.target, plan.model) == (OMNI, "gemini-omni-1.2-flash")
    assert plan.project.settings.omni.seconds == 6


@pytest.mark.parametrize(
    ("size", "seconds", "expected", "note"),
    [
        ("1280x720", 4, ("16:9", "720p", 4), ""),
        ("1024x1792", 12, ("9:16", "1080p", 10), "1024x1792 becomes 9:16 1080p"),
    ],
)
def test_sora_to_omni_takes_the_nearest_resolution_and_duration(
    size: str, seconds: int, expected: tuple[str, str, int], note: str
) -> None:
    project = _project(sora=SoraSettings(model="sora-2-pro", size=size, seconds=seconds))
    plan = plan_retarget(project, OMNI, default_catalog(), model="gemini-omni-1.1-flash")
    omni = plan.project.settings.omni
    assert (omni.aspect, omni.resolution, omni.seconds) == expected
    assert note in " ".join(plan.notes)
    if seconds != expected[2]:
        assert f"cannot do {seconds} s; duration set to {expected[2]} s" in " ".join(plan.notes)


def _veo_project_with_a_billed_scene() -> Project:
    """Veo at 8 s; scene a rendered (billed 8 s), scene b on the animatic at its 4 s default."""
    return Project(
        provider=VEO,
        settings=ProviderSettings(veo=VeoSettings(seconds=8), animatic=AnimaticSettings(seconds=4)),
        scenes=(
            Scene(
                id="a",
                prompt="Billed.",
                state=RenderState.DONE,
                clip_path="clips/a.mp4",
                billed_usd=1.2,
            ),
            Scene(id="b", prompt="Animatic.", provider=ANIMATIC),
        ),
    )


def test_retargeting_one_scene_leaves_the_projects_default_duration_alone() -> None:
    project = _veo_project_with_a_billed_scene()
    plan = plan_retarget(project, VEO, default_catalog(), scene_ids=["b"])
    after = plan.project
    assert after.settings.veo.seconds == 8
    assert after.scene("a") == project.scene("a")
    assert resolve(after, after.scene("a")).seconds == 8
    # The moved scene keeps the duration it had, carried by itself.
    assert after.scene("b").duration == 4
    assert resolve(after, after.scene("b")).seconds == 4
    assert not any("Scene 1" in note for note in plan.notes)


def test_a_change_a_shared_setting_makes_to_another_scene_is_listed() -> None:
    project = _veo_project_with_a_billed_scene()
    project = project.model_copy(
        update={
            "settings": project.settings.model_copy(
                update={"animatic": AnimaticSettings(size="720x1280", seconds=4)}
            )
        }
    )
    plan = plan_retarget(project, VEO, default_catalog(), scene_ids=["b"])
    shared = [n for n in plan.notes if n.startswith("Scene 1 also changes")]
    assert len(shared) == 1
    assert "16:9 720p 8 s becomes" in shared[0] and "9:16 720p 8 s" in shared[0]
    assert "clip is kept" in shared[0]
