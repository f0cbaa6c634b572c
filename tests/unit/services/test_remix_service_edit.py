"""RemixService for an Omni scene: edits run through the runner as new takes, priced and guarded."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from imageai.core import project_store
from imageai.core.budget import reservations_for
from imageai.core.catalog import default_catalog
from imageai.core.errors import BudgetExceededError, ErrorKind, JobError
from imageai.core.ledger import LEDGER_NAME, Ledger
from imageai.core.models import Project, ProviderName, RenderState, Scene
from imageai.core.remix_plan import EditPlan
from imageai.core.takes import list_takes
from imageai.providers.router import ProviderRouter
from imageai.services.job_runner import JobRunner, live_threads
from imageai.services.project_document import ProjectDocument
from imageai.services.remix_service import RemixService
from tests.fakes.fake_provider import FakeProvider

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from pytestqt.qtbot import QtBot

    from imageai.core.jobs import VideoProvider
    from imageai.core.models import ProviderSettingsT


@pytest.fixture
def runner(qtbot: QtBot) -> Iterator[JobRunner]:
    runner = JobRunner(max_concurrency=3)
    yield runner
    assert runner.shutdown(10_000)
    qtbot.wait_until(lambda: not live_threads(), timeout=10_000)


def _service(
    folder: Path, runner: JobRunner, provider: FakeProvider, budget: float | None = None
) -> RemixService:
    (folder / "clips").mkdir(parents=True, exist_ok=True)
    (folder / "clips" / "s1.mp4").write_bytes(b"first render")
    project = Project(
        provider=ProviderName.OMNI,
        budget_usd=budget,
        scenes=(
            Scene(
                id="s1",
                prompt="A lighthouse at dusk.",
                state=RenderState.DONE,
                job_id="interactions/first",
                job_provider=ProviderName.OMNI,
                clip_path="clips/s1.mp4",
            ),
            Scene(id="s2", prompt="Not rendered."),
        ),
    )
    project_store.save(project, folder)

    def factory(name: ProviderName, settings: ProviderSettingsT) -> VideoProvider:
        assert name is ProviderName.OMNI
        return provider

    doc = ProjectDocument.open(folder)
    return RemixService(doc, runner, ProviderRouter(factory), default_catalog())


def test_remix_of_an_omni_scene_adds_a_take_through_the_runner(
    qtbot: QtBot, runner: JobRunner, tmp_path: Path
) -> None:
    provider = FakeProvider((0.5, "done"), poll_interval=0.01, name=ProviderName.OMNI)
    service = _service(tmp_path, runner, provider)
    assert service.blocker("s1") is None
    assert "not rendered yet" in (service.blocker("s2") or "")
    assert service.provider_of("s1") is ProviderName.OMNI
    plan = service.plan("s1", ["make it night", "add fog"])
    assert isinstance(plan, EditPlan)
    assert plan.cost_usd == pytest.approx(1.2)  # 2 x 6 s x $0.10/s
    with qtbot.wait_signals([service.take_added, service.take_added], timeout=20_000):
        service.start(plan)
    qtbot.wait_until(lambda: not service.is_running(), timeout=10_000)
    sources = {r.prompt: r.source for r in provider.requests}
    assert {s.job_id for s in sources.values() if s} == {"interactions/first"}
    scene = project_store.load(tmp_path).scene("s1")
    takes = list_takes(scene)
    assert len(takes) == 3
    assert takes[0].job_id == "interactions/first"
    assert scene.clip_path == "clips/s1.mp4"  # the first take stays in use
    assert {t.prompt for t in takes[1:]} == {"make it night", "add fog"}
    assert all(t.remixed_from_job_id == "interactions/first" for t in takes[1:])
    assert Ledger(tmp_path / LEDGER_NAME).spent_by_scene() == {"s1": pytest.approx(1.2)}
    assert reservations_for(tmp_path).total() == 0


def test_budget_refuses_the_remix_before_any_create(
    qtbot: QtBot, runner: JobRunner, tmp_path: Path
) -> None:
    provider = FakeProvider(name=ProviderName.OMNI)
    service = _service(tmp_path, runner, provider, budget=1.0)
    service.plan("s1", ["one"])  # $0.60 fits
    with pytest.raises(BudgetExceededError):
        service.plan("s1", ["one", "two"])
    assert provider.requests == []


def test_a_lost_answer_is_outcome_unknown_and_a_rerun_creates_nothing(
    qtbot: QtBot, runner: JobRunner, tmp_path: Path
) -> None:
    provider = FakeProvider(("done",), name=ProviderName.OMNI, lose_answers=1)
    service = _service(tmp_path, runner, provider)
    with qtbot.wait_signal(service.remix_failed, timeout=20_000) as failed:
        service.start(service.plan("s1", ["make it night"]))
    error = failed.args[1]
    assert isinstance(error, JobError)
    assert error.kind is ErrorKind.OUTCOME_UNKNOWN
    qtbot.wait_until(lambda: not service.is_running(), timeout=10_000)

    again = service.plan("s1", ["make it night"])
    assert isinstance(again, EditPlan)
    assert again.held == [0]
    assert again.cost_usd == 0
    assert service.start(again) == []  # nothing queued without the user's word
    assert len(provider.started) == 1

    agreed = service.plan("s1", ["make it night"], resend_unknown=True)
    with qtbot.wait_signal(service.take_added, timeout=20_000):
        service.start(agreed)
    qtbot.wait_until(lambda: not service.is_running(), timeout=10_000)
    assert len(provider.started) == 2
