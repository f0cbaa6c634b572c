"""The cost summary prices scenes changed since their take as Render all offers them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from imageai.core.catalog import default_catalog
from imageai.core.models import (
    Project,
    ProviderName,
    ProviderSettings,
    RenderState,
    Scene,
    SoraSettings,
)
from imageai.core.pricing import estimate
from imageai.core.take_state import TakeState, TakeStatus
from imageai.services.cost_summary import PriceKind, scene_price, summarize
from imageai.services.project_document import ProjectDocument
from imageai.services.take_statuses import TakeStatuses
from tests.unit.services.current_take import with_current_take
from tests.unit.services.priced import priced

if TYPE_CHECKING:
    from pathlib import Path

CATALOG = default_catalog()
CHANGED = TakeStatus(TakeState.CHANGED, "prompt, references or settings changed")


def _done_project(count: int, billed: float = 0.8) -> Project:
    """``count`` rendered scenes, 8 s x $0.10/s = $0.80 each on a compatible endpoint."""
    sora = SoraSettings(model="sora-2", seconds=8, base_url="https://videos-gateway.test/v1")
    scenes = tuple(
        Scene(id=f"s{i}", prompt=f"shot {i}", state=RenderState.DONE, billed_usd=billed)
        for i in range(count)
    )
    return Project(provider=ProviderName.SORA, settings=ProviderSettings(sora=sora), scenes=scenes)


def test_all_rendered_is_said_only_when_no_scene_changed() -> None:
    project = _done_project(8)
    assert summarize(project, [], priced(project)).total == "Storyboard: all 8 scenes rendered"
    summary = summarize(project, [], priced(project, {"s3": CHANGED}))
    assert summary.total == (
        "Storyboard: 7 rendered, 1 changed since its take — Render offers it: $0.80"
    )
    assert summary.total_usd == 0.8
    assert summary.changed == 1


def test_several_changed_scenes_are_offered_together() -> None:
    project = _done_project(3)
    summary = summarize(project, [], priced(project, {"s0": CHANGED, "s2": CHANGED}))
    assert summary.total == (
        "Storyboard: 1 rendered, 2 changed since their takes — Render offers them: $1.60"
    )
    assert summary.total_usd == 1.6


def test_changed_and_pending_scenes_are_one_group_with_one_sum() -> None:
    project = _done_project(3).update_scene("s2", state=RenderState.PENDING, billed_usd=0.0)
    summary = summarize(project, ["s0", "s1"], priced(project, {"s0": CHANGED}))
    assert summary.total == ("Storyboard: 2 scenes, 16 s: $1.60 (incl. 1 changed since its take)")
    assert summary.selected == "Selected: 1 scene, 8 s: $0.80 (incl. 1 changed since its take)"
    assert summary.total_usd == 1.6 and summary.selected_usd == 0.8


def test_one_selected_changed_scene_says_what_a_new_take_costs_and_the_tip_why() -> None:
    project = _done_project(2)
    summary = summarize(project, ["s1"], priced(project, {"s1": CHANGED}))
    assert summary.selected == "Scene 2: changed since its take; a new take: 8 s x $0.10/s = $0.80"
    row = estimate(project.update_scene("s1", state=RenderState.PENDING), catalog=CATALOG).scenes[1]
    price = scene_price(row, project.scenes[1], CHANGED)
    assert price.kind is PriceKind.CHANGED
    assert (price.text, price.usd) == ("est. $0.80", 0.8)
    assert price.tip == "A new take: 8 s x $0.10/s = $0.80; billed $0.80 for its take"


def test_a_current_status_leaves_a_done_scene_rendered(tmp_path: Path) -> None:
    project = with_current_take(_done_project(2), "s1", tmp_path, "job-1")
    statuses = TakeStatuses(ProjectDocument(project, tmp_path), CATALOG)
    current = statuses.status(project.scenes[1])
    assert current == TakeStatus(TakeState.CURRENT)
    summary = summarize(project, [], statuses.priced())
    assert summary.total == "Storyboard: all 2 scenes rendered"
    assert PriceKind.CHANGED.value == "changed"
