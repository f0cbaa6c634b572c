"""The cost label's texts: the selection, the whole storyboard, and the billed spend."""

from __future__ import annotations

from imageai.core.models import (
    Project,
    ProviderName,
    ProviderSettings,
    RenderState,
    Scene,
    SoraSettings,
)
from imageai.services.cost_summary import summarize
from tests.unit.services.priced import priced


def _sora_project(count: int = 12, seconds: int = 8) -> Project:
    # OpenAI retired Sora 2; a compatible endpoint serves it at the table's price.
    sora = SoraSettings(model="sora-2", seconds=seconds, base_url="https://videos-gateway.test/v1")
    settings = ProviderSettings(sora=sora)
    scenes = tuple(Scene(id=f"s{i}", prompt=f"shot {i}") for i in range(count))
    return Project(provider=ProviderName.SORA, settings=settings, scenes=scenes)


def test_one_scene_shows_the_formula_and_the_storyboard_its_summary() -> None:
    project = _sora_project()
    summary = summarize(project, ["s0"], priced(project))
    assert summary.selected == "Scene 1: 8 s x $0.10/s = $0.80"
    assert summary.total == "Storyboard: 12 scenes, 96 s: $9.60"
    assert summary.billed == "Billed so far: $0.00"


def test_rendered_scenes_cost_nothing_more_and_count_as_billed() -> None:
    project = _sora_project(3)
    project = project.update_scene("s0", state=RenderState.DONE, billed_usd=0.8)
    summary = summarize(project, ["s0", "s1", "s2"], priced(project))
    assert summary.selected == "Selected: 2 scenes, 16 s: $1.60"
    assert summary.total == "Storyboard: 2 scenes, 16 s: $1.60"
    assert summary.billed == "Billed so far: $0.80"


def test_budget_and_problems_are_reported() -> None:
    project = _sora_project(1).model_copy(update={"budget_usd": 5.0})
    project = project.update_scene("s0", duration=10)
    summary = summarize(project, [], priced(project))
    assert summary.selected == "No scene selected"
    assert summary.budget == "budget $5.00, $5.00 left"
    assert "cannot render 10 s" in summary.problems[0]


def test_a_fully_rendered_storyboard_says_so() -> None:
    project = _sora_project(2)
    for scene_id in ("s0", "s1"):
        project = project.update_scene(scene_id, state=RenderState.DONE, billed_usd=0.8)
    summary = summarize(project, ["s0"], priced(project))
    assert summary.selected == "Scene 1: rendered"
    assert summary.total == "Storyboard: all 2 scenes rendered"
    assert summary.billed == "Billed so far: $1.60"


def test_unverified_omni_prices_are_marked_in_the_cost_label() -> None:
    scenes = (Scene(id="a", prompt="dusk", duration=8), Scene(id="b", prompt="stairs", duration=4))
    project = Project(provider=ProviderName.OMNI, scenes=scenes)
    summary = summarize(project, ["a"], priced(project))
    assert summary.selected == "Scene 1: 8 s x $0.10/s = $0.80 (unverified price)"
    assert summary.total == "Storyboard: 2 scenes, 12 s: $1.20 (unverified prices)"
    # Once every scene is rendered there is nothing left to price.
    done = project.update_scene("a", state=RenderState.DONE).update_scene(
        "b", state=RenderState.DONE
    )
    assert summarize(done, [], priced(done)).total == "Storyboard: all 2 scenes rendered"
