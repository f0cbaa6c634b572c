"""RenderController: the job events of one event-loop pass are applied as one change and
written once, before the batch ends; whatever reads the project to act on it sees them."""

from __future__ import annotations

import threading
from contextlib import contextmanager
from typing import TYPE_CHECKING

import pytest

from imageai.core import project_store
from imageai.core.catalog import default_catalog
from imageai.core.jobs import Created
from imageai.core.models import Project, RenderState, Scene
from imageai.providers.router import ProviderRouter
from imageai.services.job_runner import JobRunner, live_threads
from imageai.services.project_document import ProjectDocument
from imageai.services.render_controller import RenderController
from imageai.services.storyboard_commands import StoryboardEditor
from tests.fakes.fake_provider import FakeProvider

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from pytestqt.qtbot import QtBot


@pytest.fixture
def runner(qtbot: QtBot) -> Iterator[JobRunner]:
    runner = JobRunner(max_concurrency=3)
    yield runner
    assert runner.shutdown(10_000)
    qtbot.wait_until(lambda: not live_threads(), timeout=10_000)


def _held_render(
    tmp_path: Path, runner: JobRunner, gate: threading.Event
) -> tuple[RenderController, ProjectDocument, list[str]]:
    project = Project(scenes=tuple(Scene(id=f"s{i}", prompt=f"shot {i}") for i in range(3)))
    project_store.save(project, tmp_path)
    doc = ProjectDocument.open(tmp_path)
    provider = FakeProvider((0.5, "done"), gate=gate)
    controller = RenderController(
        doc, runner, ProviderRouter(lambda _n, _s: provider), default_catalog()
    )
    saves: list[str] = []
    doc.saved.connect(saves.append)
    return controller, doc, saves


def test_saves_asked_in_one_pass_are_written_once(
    qtbot: QtBot, runner: JobRunner, tmp_path: Path
) -> None:
    gate = threading.Event()  # polls block: the jobs stay running
    controller, doc, saves = _held_render(tmp_path, runner, gate)
    job_ids = controller.render()
    # The three real Created events, saved.
    qtbot.wait_until(
        lambda: all(s.job_id for s in project_store.load(tmp_path).scenes), timeout=10_000
    )
    doc.flush()  # saves are written in the background: their `saved` may still be on its way
    saves.clear()

    for number, job_id in enumerate(job_ids):
        created = Created(scene_id=f"s{number}", job_id=f"again-{number}", billed_usd=0.0)
        runner.job_event.emit(job_id, created)
    assert saves == []  # not on the GUI thread's current pass
    qtbot.wait_until(lambda: len(saves) == 1, timeout=5000)
    qtbot.wait(50)
    assert len(saves) == 1
    assert project_store.load(tmp_path).scene("s2").job_id == "again-2"

    with qtbot.wait_signal(controller.batch_finished, timeout=10_000):
        controller.cancel_all()
        gate.set()
    assert doc.project.scene("s0").state is RenderState.CANCELLED


def test_last_save_lands_before_batch_finished(
    qtbot: QtBot, runner: JobRunner, tmp_path: Path
) -> None:
    gate = threading.Event()
    gate.set()
    controller, _doc, _saves = _held_render(tmp_path, runner, gate)
    states: list[list[RenderState]] = []
    controller.batch_finished.connect(
        lambda *_: states.append([s.state for s in project_store.load(tmp_path).scenes])
    )

    with qtbot.wait_signal(controller.batch_finished, timeout=10_000):
        controller.render()

    assert states == [[RenderState.DONE] * 3]


@contextmanager
def _running_batch(
    qtbot: QtBot, runner: JobRunner, tmp_path: Path
) -> Iterator[tuple[RenderController, ProjectDocument, list[str]]]:
    """Three scenes rendering with their polls held (each has its job id); the batch is
    cancelled and ended on leaving."""
    gate = threading.Event()
    controller, doc, _saves = _held_render(tmp_path, runner, gate)
    job_ids = controller.render()
    qtbot.wait_until(lambda: all(s.job_id for s in doc.project.scenes), timeout=10_000)
    yield controller, doc, job_ids
    with qtbot.wait_signal(controller.batch_finished, timeout=10_000):
        controller.cancel_all()
        gate.set()


def test_job_events_of_one_pass_change_the_project_once(
    qtbot: QtBot, runner: JobRunner, tmp_path: Path
) -> None:
    with _running_batch(qtbot, runner, tmp_path) as (_controller, doc, job_ids):
        changes: list[int] = []
        doc.project_changed.connect(lambda: changes.append(1))
        for number, job_id in enumerate(job_ids):
            created = Created(scene_id=f"s{number}", job_id=f"again-{number}", billed_usd=0.0)
            runner.job_event.emit(job_id, created)
        assert changes == []  # not on this pass: every event of a wave refreshed every view
        qtbot.wait_until(lambda: len(changes) == 1, timeout=5000)
        qtbot.wait(20)
        assert changes == [1]
        assert [s.job_id for s in doc.project.scenes] == ["again-0", "again-1", "again-2"]


def test_whatever_acts_on_the_project_sees_the_events_received_before(
    qtbot: QtBot, runner: JobRunner, tmp_path: Path
) -> None:
    states: list[str | None] = []
    with _running_batch(qtbot, runner, tmp_path) as (controller, doc, job_ids):
        runner.job_event.emit(job_ids[0], Created(scene_id="s0", job_id="later", billed_usd=0.0))
        # On the same pass: a new plan, and a cancel that ends the batch, read the project.
        controller.prepare()
        assert doc.project.scene("s0").job_id == "later"
        created = Created(scene_id="s1", job_id="later-1", billed_usd=0.0)
        runner.job_event.emit(job_ids[1], created)
        controller.batch_finished.connect(lambda *_: states.append(doc.project.scene("s1").job_id))
    assert states == ["later-1"]
    assert project_store.load(tmp_path).scene("s1").job_id == "later-1"


def test_a_scene_deleted_while_it_renders_loses_its_news_and_the_others_keep_theirs(
    qtbot: QtBot, runner: JobRunner, tmp_path: Path
) -> None:
    with _running_batch(qtbot, runner, tmp_path) as (controller, doc, job_ids):
        billed = doc.project.scene("s1").billed_usd
        doc.set_project(doc.project.model_copy(update={"scenes": doc.project.scenes[1:]}))
        runner.job_event.emit(job_ids[0], Created(scene_id="s0", job_id="gone", billed_usd=0.4))
        created = Created(scene_id="s1", job_id="later-1", billed_usd=1.25)
        runner.job_event.emit(job_ids[1], created)
        qtbot.wait_until(lambda: doc.project.scene("s1").job_id == "later-1", timeout=5000)
        assert doc.project.scene("s1").billed_usd == pytest.approx(billed + 1.25)
    # Its outcome ended the batch all the same (leaving the block waited for it): the project
    # lock is let go.
    assert not controller.is_rendering()


def test_an_undo_puts_back_a_scene_with_the_events_received_before_its_delete(
    qtbot: QtBot, runner: JobRunner, tmp_path: Path
) -> None:
    with _running_batch(qtbot, runner, tmp_path) as (_controller, doc, job_ids):
        editor = StoryboardEditor(doc)
        created = Created(scene_id="s1", job_id="later-1", billed_usd=1.25)
        runner.job_event.emit(job_ids[1], created)
        editor.delete(["s1"])  # on the same pass: the event has not been applied yet
        editor.undo_stack.undo()
        assert doc.project.scene("s1").job_id == "later-1"


def test_a_scene_deleted_while_it_renders_gets_its_jobs_news_back_on_undo(
    qtbot: QtBot, runner: JobRunner, tmp_path: Path
) -> None:
    with _running_batch(qtbot, runner, tmp_path) as (_controller, doc, job_ids):
        editor = StoryboardEditor(doc)
        billed = doc.project.scene("s1").billed_usd
        editor.delete(["s1"])
        created = Created(scene_id="s1", job_id="later-1", billed_usd=1.25)
        runner.job_event.emit(job_ids[1], created)
        qtbot.wait(20)  # applied (to nothing: the scene is gone)
        editor.undo_stack.undo()
        # Back with the job it pays for, not as the scene was when deleted.
        assert doc.project.scene("s1").job_id == "later-1"
        assert doc.project.scene("s1").billed_usd == pytest.approx(billed + 1.25)
