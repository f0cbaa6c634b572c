"""Remix by edit (Omni): the source sent, takes kept, budget first, lost answers never re-sent."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

import pytest

from imageai.core.budget import check_new_creates
from imageai.core.catalog import default_catalog
from imageai.core.errors import BudgetExceededError, OutcomeUnknownError, ValidationError
from imageai.core.jobs import Created, Done, JobResult, SourceMode
from imageai.core.ledger import LEDGER_NAME, Ledger
from imageai.core.models import Project, ProviderName, RenderState, Scene
from imageai.core.pricing import estimate
from imageai.core.remix_plan import (
    edit_blocker,
    edit_variation,
    plan_edit,
)
from imageai.core.render_plan import build_request
from imageai.core.takes import add_take, list_takes, make_take
from tests.fakes.fake_provider import FakeProvider

if TYPE_CHECKING:
    from pathlib import Path

    from imageai.core.remix_plan import EditPlan


def _project(folder: Path, *, rendered_by: ProviderName = ProviderName.OMNI) -> Project:
    (folder / "clips").mkdir(parents=True, exist_ok=True)
    (folder / "clips" / "s1.mp4").write_bytes(b"first render")
    scene = Scene(
        id="s1",
        prompt="A lighthouse at dusk.",
        state=RenderState.DONE,
        job_id="interactions/first",
        job_provider=rendered_by,
        clip_path="clips/s1.mp4",
        billed_usd=0.6,
    )
    return Project(provider=ProviderName.OMNI, scenes=(scene, Scene(id="s2", prompt="Next.")))


def _omni() -> FakeProvider:
    return FakeProvider(("done",), name=ProviderName.OMNI, price=0.1)


def _run(plan: EditPlan, index: int, provider: FakeProvider, ledger: Ledger) -> JobResult:
    events = list(edit_variation(plan, index, provider, ledger, 2, threading.Event()))
    done = events[-1]
    assert isinstance(done, Done)
    return done.result


def test_edit_of_an_omni_take_sends_its_job_id_and_adds_a_second_take(tmp_path: Path) -> None:
    project = _project(tmp_path)
    ledger = Ledger(tmp_path / LEDGER_NAME)
    plan = plan_edit(default_catalog(), project, project.scenes[0], tmp_path, ["night"], ledger)
    # gemini-omni-1.1-flash at 720p is $0.10/s, and the take is 6 s long.
    assert plan.unit_usd == pytest.approx(0.6)
    assert plan.cost_usd == pytest.approx(0.6)
    provider = _omni()
    result = _run(plan, 0, provider, ledger)
    (sent,) = provider.requests
    assert sent.source is not None
    assert sent.source.mode is SourceMode.EDIT
    assert sent.source.job_id == "interactions/first"
    assert sent.source.clip_path is None
    assert sent.prompt == "night"
    assert result.clip_path == tmp_path / "clips" / "s1-take2.mp4"
    assert result.billed_usd == pytest.approx(0.6)
    take = make_take(result, plan.requests[0], plan.source_job_id, result.billed_usd)
    scene = add_take(project.scenes[0], take)
    takes = list_takes(scene)
    assert [t.job_id for t in takes] == ["interactions/first", result.job_id]
    assert scene.clip_path == "clips/s1.mp4"  # the first take still shows
    assert takes[1].clip_path == "clips/s1-take2.mp4"
    assert ledger.spent_by_scene() == {"s1": pytest.approx(0.6)}


def test_edit_of_a_take_from_another_provider_sends_the_clip(tmp_path: Path) -> None:
    project = _project(tmp_path, rendered_by=ProviderName.SORA)
    ledger = Ledger(tmp_path / LEDGER_NAME)
    plan = plan_edit(default_catalog(), project, project.scenes[0], tmp_path, ["night"], ledger)
    provider = _omni()
    _run(plan, 0, provider, ledger)
    source = provider.requests[0].source
    assert source is not None
    assert source.job_id is None
    assert source.clip_path == tmp_path / "clips" / "s1.mp4"


def test_the_ledger_names_the_provider_of_a_chosen_remix_take(tmp_path: Path) -> None:
    """A scene first rendered by Sora whose current take is an Omni remix edits by job id."""
    project = _project(tmp_path, rendered_by=ProviderName.SORA)
    ledger = Ledger(tmp_path / LEDGER_NAME)
    plan = plan_edit(default_catalog(), project, project.scenes[0], tmp_path, ["night"], ledger)
    result = _run(plan, 0, _omni(), ledger)
    take = make_take(result, plan.requests[0], plan.source_job_id, result.billed_usd)
    scene = add_take(project.scenes[0], take, choose=True)
    assert scene.job_provider is ProviderName.SORA  # the first render's; the ledger knows better
    again = plan_edit(
        default_catalog(), project.with_scene(scene), scene, tmp_path, ["fog"], ledger
    )
    assert again.requests[0].source is not None
    assert again.requests[0].source.job_id == result.job_id


def test_budget_refuses_before_any_create(tmp_path: Path) -> None:
    project = _project(tmp_path)
    ledger = Ledger(tmp_path / LEDGER_NAME)
    plan = plan_edit(default_catalog(), project, project.scenes[0], tmp_path, ["a", "b"], ledger)
    catalog = default_catalog()
    assert plan.cost_usd == pytest.approx(1.2)
    # The scene's first render was billed $0.60 (project.json; this ledger is new).
    with pytest.raises(BudgetExceededError):
        check_new_creates(plan.cost_usd, ledger, project, catalog, budget_usd=1.7)
    check_new_creates(plan.cost_usd, ledger, project, catalog, budget_usd=1.8)
    with pytest.raises(BudgetExceededError):
        check_new_creates(plan.cost_usd, ledger, project, catalog, 1.8, reserved_usd=0.1)


def test_a_lost_create_answer_is_outcome_unknown_and_never_sent_again_unasked(
    tmp_path: Path,
) -> None:
    project = _project(tmp_path)
    ledger = Ledger(tmp_path / LEDGER_NAME)
    catalog = default_catalog()
    scene = project.scenes[0]
    plan = plan_edit(catalog, project, scene, tmp_path, ["night"], ledger)
    provider = FakeProvider(("done",), name=ProviderName.OMNI, lose_answers=1)
    with pytest.raises(OutcomeUnknownError):
        list(edit_variation(plan, 0, provider, ledger, 2, threading.Event()))
    assert len(provider.started) == 1  # billed once, answer lost

    rerun = plan_edit(catalog, project, scene, tmp_path, ["night"], ledger)
    assert rerun.unknown == (True,)
    assert rerun.new == []
    assert rerun.cost_usd == 0
    assert "outcome unknown" in rerun.summary()
    with pytest.raises(OutcomeUnknownError, match="may have been created"):
        list(edit_variation(rerun, 0, provider, ledger, 2, threading.Event()))
    assert len(provider.started) == 1  # nothing sent

    # The user's word: send it again.
    allowed = plan_edit(catalog, project, scene, tmp_path, ["night"], ledger, resend_unknown=True)
    assert allowed.new == [0]
    assert allowed.cost_usd == pytest.approx(0.6)
    _run(allowed, 0, provider, ledger)
    assert len(provider.started) == 2


def test_a_crash_between_intent_and_answer_is_outcome_unknown(tmp_path: Path) -> None:
    project = _project(tmp_path)
    ledger = Ledger(tmp_path / LEDGER_NAME)
    catalog = default_catalog()
    plan = plan_edit(catalog, project, project.scenes[0], tmp_path, ["night"], ledger)
    ledger.intent(plan.requests[0])  # the process died inside the create
    rerun = plan_edit(catalog, project, project.scenes[0], tmp_path, ["night"], ledger)
    assert rerun.unknown == (True,)
    assert rerun.held == [0]


def test_a_rerun_after_a_crash_resumes_the_created_remix(tmp_path: Path) -> None:
    project = _project(tmp_path)
    ledger = Ledger(tmp_path / LEDGER_NAME)
    catalog = default_catalog()
    plan = plan_edit(catalog, project, project.scenes[0], tmp_path, ["night", "fog"], ledger)
    provider = FakeProvider((0.5, "done"), name=ProviderName.OMNI)
    events = edit_variation(plan, 0, provider, ledger, 2, threading.Event())
    created = next(e for e in events if isinstance(e, Created))
    events.close()  # the app stops after the create
    assert len(provider.started) == 1

    rerun = plan_edit(catalog, project, project.scenes[0], tmp_path, ["night", "fog"], ledger)
    assert rerun.resumed == (created.job_id, None)
    assert rerun.new == [1]
    assert rerun.cost_usd == pytest.approx(0.6)
    result = _run(rerun, 0, provider, ledger)
    assert len(provider.started) == 1  # followed, not created again
    assert result.job_id == created.job_id
    assert result.billed_usd == pytest.approx(0.6)  # what its create was billed


def test_edit_blocker_names_unrendered_and_non_editing_scenes(tmp_path: Path) -> None:
    project = _project(tmp_path)
    catalog = default_catalog()
    assert edit_blocker(catalog, project, project.scenes[0]) is None
    assert "not rendered yet" in (edit_blocker(catalog, project, project.scenes[1]) or "")
    veo = project.model_copy(update={"provider": ProviderName.VEO})
    assert "cannot edit a clip" in (edit_blocker(catalog, veo, veo.scenes[0]) or "")
    with pytest.raises(ValidationError, match="scene 1 uses veo"):
        plan_edit(catalog, veo, veo.scenes[0], tmp_path, ["x"], Ledger(tmp_path / "l.jsonl"))


def test_an_edit_budget_counts_possibly_billed_creates_and_the_project_file(
    tmp_path: Path,
) -> None:
    project = _project(tmp_path)
    ledger = Ledger(tmp_path / LEDGER_NAME)
    catalog = default_catalog()
    plan = plan_edit(catalog, project, project.scenes[0], tmp_path, ["a"], ledger)
    room = plan.cost_usd + 0.6 + 0.5  # the first render's $0.60, and $0.50 to spare
    check_new_creates(plan.cost_usd, ledger, project, catalog, room)
    # A create sent whose answer never came: possibly billed at the scene's price.
    other = project.scenes[0].model_copy(update={"id": "lost"})
    with_lost = project.model_copy(update={"scenes": (*project.scenes, other)})
    lost = build_request(catalog, with_lost, other, tmp_path)
    ledger.intent(lost)
    price = next(s for s in estimate(with_lost, None, catalog).scenes if s.id == "lost")
    assert price.usd_per_second * price.seconds > 0.5
    with pytest.raises(BudgetExceededError):
        check_new_creates(plan.cost_usd, ledger, with_lost, catalog, room)
    # project.json's billed figure counts when it is larger than the ledger's.
    fresh = Ledger(tmp_path / "other-ledger.jsonl")
    billed = project.scenes[0].model_copy(update={"billed_usd": 1.2})
    with pytest.raises(BudgetExceededError):
        check_new_creates(plan.cost_usd, fresh, project.with_scene(billed), catalog, room)
