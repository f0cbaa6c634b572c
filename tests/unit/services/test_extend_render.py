"""Omni extend through the RenderController: the scene waits for its predecessor, then extends it."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from imageai.core import project_store
from imageai.core.catalog import default_catalog
from imageai.core.errors import ValidationError
from imageai.core.jobs import SourceMode
from imageai.core.ledger import LEDGER_NAME, Ledger
from imageai.core.models import OmniContinuity, Project, ProviderName, RenderState, Scene
from imageai.core.project_lock import ProjectLock
from imageai.providers.router import ProviderRouter
from imageai.services.job_runner import JobRunner, live_threads
from imageai.services.project_document import ProjectDocument
from imageai.services.render_controller import RenderController
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


def _controller(
    project: Project, folder: Path, runner: JobRunner, provider: FakeProvider
) -> RenderController:
    project_store.save(project, folder)

    def factory(name: ProviderName, settings: ProviderSettingsT) -> VideoProvider:
        return provider

    doc = ProjectDocument.open(folder)
    return RenderController(doc, runner, ProviderRouter(factory), default_catalog())


def _project() -> Project:
    return Project(
        provider=ProviderName.OMNI,
        scenes=(
            Scene(id="s1", prompt="A lighthouse at dusk."),
            Scene(id="s2", prompt="The beam sweeps on.", continuity=OmniContinuity.EXTEND),
            Scene(id="s3", prompt="Morning."),
        ),
    )


def test_extend_scene_waits_for_its_predecessor_and_gets_its_job_id_and_clip(
    qtbot: QtBot, runner: JobRunner, tmp_path: Path
) -> None:
    provider = FakeProvider((0.5, "done"), poll_interval=0.02, name=ProviderName.OMNI)
    controller = _controller(_project(), tmp_path, runner, provider)
    with qtbot.wait_signal(controller.batch_finished, timeout=20_000) as finished:
        controller.render()
    assert finished.args == [3, 0, 0]
    entries = Ledger(tmp_path / LEDGER_NAME).entries()
    order = [(e.scene_id, e.event) for e in entries]
    # Scene 2 is not even intended before scene 1's clip is in.
    assert order.index(("s1", "downloaded")) < order.index(("s2", "intent"))
    by_scene = {r.scene_id: r for r in provider.requests}
    project = project_store.load(tmp_path)
    source = by_scene["s2"].source
    assert source is not None
    assert source.mode is SourceMode.EXTEND
    assert source.job_id == project.scenes[0].job_id
    assert source.clip_path == tmp_path / "clips" / "s1.mp4"
    assert by_scene["s3"].source is None
    assert by_scene["s1"].source is None
    assert all(s.state is RenderState.DONE for s in project.scenes)
    # Estimate equals spend: three 6 s scenes at the fake's $0.10/s.
    assert Ledger(tmp_path / LEDGER_NAME).total_spent() == pytest.approx(1.8)


def test_extend_scene_after_a_failed_predecessor_is_not_created(
    qtbot: QtBot, runner: JobRunner, tmp_path: Path
) -> None:
    provider = FakeProvider(("failed",), name=ProviderName.OMNI)
    controller = _controller(_project(), tmp_path, runner, provider)
    with qtbot.wait_signal(controller.batch_finished, timeout=20_000) as finished:
        controller.render([0, 1])
    assert finished.args == [0, 2, 0]
    assert [r.scene_id for r in provider.requests] == ["s1"]


def test_extend_refused_when_the_predecessor_has_no_clip(
    qtbot: QtBot, runner: JobRunner, tmp_path: Path
) -> None:
    provider = FakeProvider(name=ProviderName.OMNI)
    controller = _controller(_project(), tmp_path, runner, provider)
    with pytest.raises(ValidationError, match="scene 2 extends scene 1, which has no clip yet"):
        controller.render([1])
    assert runner.is_idle()
    assert provider.requests == []
    assert not controller.is_rendering()
    # The refusal left no lock behind: another process may render the project.
    lock = ProjectLock(tmp_path)
    lock.acquire("render")
    lock.release()
