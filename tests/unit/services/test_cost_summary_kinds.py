"""Money shown one way: invalid scenes, paid jobs that resume and unknown outcomes."""

from __future__ import annotations

from imageai.core.catalog import default_catalog
from imageai.core.models import (
    Project,
    ProviderName,
    ProviderSettings,
    RenderState,
    Scene,
    VeoSettings,
)
from imageai.core.pricing import estimate
from imageai.services.cost_summary import PriceKind, price_text, price_tip, scene_price, summarize
from tests.unit.services.priced import priced

CATALOG = default_catalog()


def _veo_project(*scenes: Scene) -> Project:
    settings = ProviderSettings(veo=VeoSettings(resolution="4k"))
    return Project(provider=ProviderName.VEO, settings=settings, scenes=scenes)


def _price(project: Project, scene_id: str) -> tuple[str, str]:
    cost = {row.id: row for row in estimate(project, catalog=CATALOG).scenes}[scene_id]
    scene = project.scene(scene_id)
    return price_text(cost, scene), price_tip(cost, scene)


def test_an_invalid_scene_shows_invalid_with_the_reason_and_the_total_says_so() -> None:
    project = _veo_project(
        Scene(id="ok", prompt="a"), Scene(id="bad", prompt="b", duration=4)
    )  # 4 s at 4k: Veo renders 4k at 8 s only
    text, tip = _price(project, "bad")
    assert text == "invalid"
    assert "4" in tip and tip.startswith("Cannot render:")
    assert "$0.00" not in text
    summary = summarize(project, ["bad"], priced(project))
    ok_usd = estimate(project, ["ok"], CATALOG).total_usd
    assert summary.total_usd == ok_usd
    assert summary.invalid == 1
    assert summary.total.startswith(f"Storyboard: 1 scene, 8 s: ${ok_usd:.2f}")
    assert summary.total.endswith(" · 1 scene invalid (not priced)")
    assert summary.selected.startswith("Scene 2: invalid: Cannot render:")
    assert summary.problems and "scene 2" in summary.problems[0]


def test_a_cancelled_scene_that_was_billed_shows_billed_and_resumes_free() -> None:
    paid = Scene(
        id="paid",
        prompt="a",
        duration=8,
        state=RenderState.CANCELLED,
        job_id="op-1",
        job_provider=ProviderName.VEO,
        billed_usd=1.2,
    )
    project = _veo_project(paid, Scene(id="new", prompt="b"))
    text, tip = _price(project, "paid")
    assert text == "billed $1.20"
    assert "nothing is paid again" in tip
    summary = summarize(project, [], priced(project))
    new_usd = estimate(project, ["new"], CATALOG).total_usd
    assert summary.total_usd == new_usd
    assert summary.total.endswith("· 1 paid job resumes free")
    assert summary.billed == "Billed so far: $1.20"


def test_a_failed_scene_billed_for_an_earlier_try_is_priced_anew() -> None:
    """A failed job is closed: rendering it creates (and pays) again, so it is an estimate."""
    failed = Scene(id="f", prompt="a", state=RenderState.FAILED, job_id="op-1", billed_usd=1.2)
    project = _veo_project(failed)
    text, tip = _price(project, "f")
    assert text.startswith("est. $")
    assert "billed $1.20 for an earlier try" in tip
    assert summarize(project, [], priced(project)).total_usd > 0


def test_an_unknown_outcome_is_held_back_not_priced_as_new() -> None:
    held = Scene(id="h", prompt="a", state=RenderState.OUTCOME_UNKNOWN)
    project = _veo_project(held, Scene(id="n", prompt="b"))
    cost = estimate(project, ["h"], CATALOG).scenes[0]
    price = scene_price(cost, project.scene("h"))
    assert price.kind is PriceKind.HELD
    assert price.text == "possibly billed"
    summary = summarize(project, [], priced(project))
    assert summary.total_usd == estimate(project, ["n"], CATALOG).total_usd
    assert "1 held back (outcome unknown)" in summary.total


def test_a_rendered_scene_shows_what_it_was_billed() -> None:
    done = Scene(id="d", prompt="a", state=RenderState.DONE, billed_usd=3.2)
    project = _veo_project(done)
    assert _price(project, "d")[0] == "billed $3.20"
    assert summarize(project, [], priced(project)).total_usd == 0
