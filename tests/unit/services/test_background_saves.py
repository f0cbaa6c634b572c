"""A render's saves are written off the GUI thread, in order, newest state last, and never lost."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

import pytest
from PySide6.QtCore import QCoreApplication, QEvent

from imageai.core import project_store
from imageai.core.errors import ErrorKind
from imageai.core.models import Project, RenderState, Scene
from imageai.services.job_runner import JobRunner, live_threads
from imageai.services.project_document import ProjectDocument
from imageai.services.save_writer import SaveWriter
from tests.fakes.fake_provider import FakeProvider
from tests.unit.services.test_render_controller_safety import _controller, _sora_project

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


class _GatedSave:
    """`project_store.save` that records each write's title and thread; the first one waits."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.real = project_store.save
        self.titles: list[str] = []
        self.threads: list[str] = []
        self.started = threading.Event()
        self.gate = threading.Event()
        monkeypatch.setattr(project_store, "save", self)

    def __call__(self, project: Project, folder: Path) -> None:
        self.threads.append(threading.current_thread().name)
        self.started.set()
        self.gate.wait(10)
        self.titles.append(project.title)
        self.real(project, folder)


def _doc(tmp_path: Path) -> ProjectDocument:
    project_store.save(Project(title="v0", scenes=(Scene(id="s1", prompt="a"),)), tmp_path)
    return ProjectDocument.open(tmp_path)


def _retitle(doc: ProjectDocument, title: str, *, dirty: bool = False) -> None:
    doc.set_project(doc.project.model_copy(update={"title": title}), dirty=dirty)


def _writing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, title: str
) -> tuple[ProjectDocument, _GatedSave]:
    """A document whose background save of ``title`` is under way, waiting for the gate."""
    doc = _doc(tmp_path)
    save = _GatedSave(monkeypatch)
    _retitle(doc, title)
    doc.save_later()
    assert save.started.wait(5)
    return doc, save


def test_a_later_state_is_never_overwritten_by_an_earlier_one(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    doc = _doc(tmp_path)
    save = _GatedSave(monkeypatch)
    saved: list[str] = []
    doc.saved.connect(saved.append)

    _retitle(doc, "v1")
    doc.save_later()
    assert save.started.wait(5)  # v1 is being written (and waits) on the writer's thread
    for title in ("v2", "v3", "v4"):
        _retitle(doc, title)
        doc.save_later()
    assert doc.saving()
    save.gate.set()
    doc.flush()

    # v2 and v3 were replaced before they started: v1, then the newest state, in that order.
    assert save.titles == ["v1", "v4"]
    assert project_store.load(tmp_path).title == "v4"
    assert threading.current_thread().name not in save.threads
    assert saved == [str(tmp_path)] * 2
    assert not doc.saving()


def test_an_edit_made_while_a_save_runs_stays_unsaved(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    doc = _doc(tmp_path)
    save = _GatedSave(monkeypatch)
    _retitle(doc, "edited", dirty=True)
    doc.save_later()
    assert save.started.wait(5)
    _retitle(doc, "edited again", dirty=True)  # not in the file being written
    save.gate.set()
    doc.flush()
    assert doc.dirty
    assert project_store.load(tmp_path).title == "edited"


def test_the_users_save_waits_for_a_background_save_and_is_not_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    doc, save = _writing(tmp_path, monkeypatch, "render state")
    _retitle(doc, "users edit", dirty=True)
    threading.Timer(0.2, save.gate.set).start()
    # Without the wait, the file would change under the check (ProjectChangedError) or the
    # background write would land after this one and undo the edit.
    doc.save(if_unchanged=True)
    assert save.titles == ["render state", "users edit"]
    assert project_store.load(tmp_path).title == "users edit"
    assert not doc.dirty


def test_a_failed_background_save_is_reported_and_stops_creates_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    doc = _doc(tmp_path)
    failures: list[object] = []
    doc.save_failed.connect(failures.append)

    def refuse(*_args: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(project_store, "save", refuse)
    stop = threading.Event()
    doc.save_later(stop)
    assert stop.wait(5)  # set on the writer's thread, before the GUI thread hears of it
    doc.flush()
    assert len(failures) == 1 and isinstance(failures[0], PermissionError)
    doc.flush()
    assert len(failures) == 1  # reported once


def test_render_saves_run_off_the_gui_thread_and_land_before_batch_finished(
    qtbot: QtBot, runner: JobRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    controller = _controller(_sora_project(3), tmp_path, runner, FakeProvider(("done",)))
    save = _GatedSave(monkeypatch)
    save.gate.set()
    states: list[list[RenderState]] = []
    controller.batch_finished.connect(
        lambda *_: states.append([s.state for s in project_store.load(tmp_path).scenes])
    )
    with qtbot.wait_signal(controller.batch_finished, timeout=20_000):
        controller.render()
    assert states == [[RenderState.DONE] * 3]
    gui = threading.current_thread().name
    # The save before any create stays on the GUI thread (it must raise there); the rest not.
    assert save.threads[0] == gui
    assert len(save.threads) > 1 and gui not in save.threads[1:]


def test_a_failed_background_save_mid_render_is_shown_and_stops_new_creates(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runner = JobRunner(max_concurrency=1)
    provider = FakeProvider(("done",))
    controller = _controller(_sora_project(3), tmp_path, runner, provider)
    real_save = project_store.save
    threads: list[str] = []

    def refuse_off_gui(project: Project, folder: Path) -> None:
        threads.append(threading.current_thread().name)
        if threading.current_thread() is threading.main_thread():
            real_save(project, folder)  # the save before the render
            return
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(project_store, "save", refuse_off_gui)
    failures: list[object] = []
    controller.save_failed.connect(failures.append)
    with qtbot.wait_signal(controller.batch_finished, timeout=20_000) as finished:
        controller.render()
    runner.shutdown(5000)
    assert provider.started == ["fake-scene1-1"]
    assert finished.args == [1, 0, 2]
    assert len(failures) == 1 and failures[0].kind is ErrorKind.STORAGE  # type: ignore[attr-defined]
    assert any(name != threading.main_thread().name for name in threads)


def test_quitting_the_app_writes_the_save_asked_for(
    qtbot: QtBot, runner: JobRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    controller = _controller(_sora_project(2), tmp_path, runner, FakeProvider(("done",)))
    doc = controller._doc
    save = _GatedSave(monkeypatch)
    doc.set_project(doc.project.model_copy(update={"title": "asked"}), dirty=False)
    controller._save_soon()  # queued for the next pass, which the quit comes before
    threading.Timer(0.2, save.gate.set).start()
    app = QCoreApplication.instance()
    assert app is not None
    app.aboutToQuit.emit()
    assert save.titles == ["asked"]
    assert project_store.load(tmp_path).title == "asked"
    assert not doc.saving()


def test_the_writer_runs_writes_in_order_and_delivers_each_outcome_once(qtbot: QtBot) -> None:
    outcomes: list[object] = []
    writer: SaveWriter[int] = SaveWriter(outcomes.append)
    gate = threading.Event()
    running = threading.Event()

    def first() -> int:
        running.set()
        gate.wait(5)
        return 1

    def broken() -> int:
        raise OSError("disk full")

    writer.submit(first)
    assert running.wait(5)
    writer.submit(lambda: 2)
    writer.submit(broken)  # replaces 2, which had not started
    gate.set()
    qtbot.wait_until(lambda: len(outcomes) == 2, timeout=5000)  # delivered by the event loop
    writer.flush()
    assert outcomes[0] == 1 and isinstance(outcomes[1], OSError)
    assert not writer.busy()


def test_a_batch_ends_once_its_last_save_is_written_without_the_gui_thread_waiting(
    qtbot: QtBot, runner: JobRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    controller = _controller(_sora_project(1), tmp_path, runner, FakeProvider(("done",)))
    with qtbot.wait_signal(controller.batch_finished, timeout=20_000):
        controller.render()
    save = _GatedSave(monkeypatch)  # from now on a write waits for the gate
    finished: list[tuple[int, ...]] = []
    controller.batch_finished.connect(lambda *counts: finished.append(counts))
    controller._doc.save_later()
    assert save.started.wait(5)

    controller._maybe_finished()  # every job has ended while a save is being written

    # Before, the GUI thread waited here for the write (its fsyncs: 40-50 ms on a busy machine).
    assert finished == []
    assert controller.is_rendering()
    save.gate.set()
    qtbot.wait_until(lambda: finished != [], timeout=5_000)
    assert finished == [(1, 0, 0)]
    assert not controller.is_rendering()


def test_a_document_deleted_while_a_save_runs_lets_it_end_and_hears_nothing(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    doc, save = _writing(tmp_path, monkeypatch, "v1")
    threading.Timer(0.2, save.gate.set).start()

    doc.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
    qtbot.wait(50)  # a late delivery would come now; pytest-qt fails on an error in a slot

    assert project_store.load(tmp_path).title == "v1"  # the write under way was not cut short
