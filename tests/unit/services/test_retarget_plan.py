"""Retarget maps settings between providers and prices the move before it is made."""

from __future__ import annotations

from imageai.core.catalog import default_catalog
from imageai.core.models import (
    Project,
    ProviderName,
    ProviderSettings,
    RenderState,
    Scene,
    SoraSettings,
    VeoSettings,
)
from imageai.services.retarget_plan import plan_retarget

CATALOG = default_catalog()


def _sora_project() -> Project:
    settings = ProviderSettings(
        sora=SoraSettings(model="sora-2", size="720x1280", seconds=12),
        veo=VeoSettings(model="veo-3.1-fast-generate-preview"),
    )
    scenes = (
        Scene(id="a", prompt="a"),
        Scene(id="b", prompt="b", duration=4),
        Scene(id="c", prompt="c", state=RenderState.DONE),
    )
    return Project(provider=ProviderName.SORA, settings=settings, scenes=scenes)


def test_whole_project_from_sora_to_veo_maps_shape_and_duration_with_costs() -> None:
    plan = plan_retarget(_sora_project(), ProviderName.VEO, CATALOG)
    veo = plan.project.settings.veo
    assert plan.project.provider is ProviderName.VEO
    assert (veo.aspect, veo.resolution, veo.seconds) == ("9:16", "720p", 8)
    assert any("12 s becomes 8 s" in n for n in plan.notes)
    assert plan.before.summary() == "2 scenes, 16 s: $1.60"  # 12 s + 4 s at $0.10/s
    assert plan.after.summary() == "2 scenes, 12 s: $1.80"  # 8 s + 4 s at $0.15/s
    assert plan.comparison() == "Before: 2 scenes, 16 s: $1.60  →  after: 2 scenes, 12 s: $1.80"
    assert plan.project.scene("c").state is RenderState.DONE  # the clip is kept


def test_selected_scenes_get_an_override_and_disallowed_durations_are_moved() -> None:
    project = _sora_project().update_scene("a", duration=12)
    plan = plan_retarget(project, ProviderName.VEO, CATALOG, ["a"])
    assert plan.project.provider is ProviderName.SORA
    assert plan.project.scene("a").provider is ProviderName.VEO
    assert plan.project.scene("a").duration == 8
    assert plan.project.scene("b").provider is None
    assert "Scene 1: 12 s becomes 8 s." in plan.notes


def test_veo_to_sora_and_to_the_free_animatic() -> None:
    project = Project(provider=ProviderName.VEO, scenes=(Scene(prompt="x"),))
    to_sora = plan_retarget(project, ProviderName.SORA, CATALOG)
    assert to_sora.project.settings.sora.size == "1280x720"
    assert to_sora.project.settings.sora.seconds == 8
    to_animatic = plan_retarget(project, ProviderName.ANIMATIC, CATALOG)
    assert to_animatic.project.settings.animatic.size == "1280x720"
    assert to_animatic.after.total_usd == 0.0
