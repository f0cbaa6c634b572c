"""The compact render queue: per-job cost and elapsed time, the batch line, and quitting."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

import pytest
from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMessageBox

from imageai.core.errors import ErrorKind, JobError
from imageai.core.jobs import Created
from imageai.core.models import ProviderName, SoraSettings
from imageai.core.secrets import InMemorySecretStore
from imageai.gui.main_window import MainWindow
from imageai.services.jobs_model import Column, JobsModel, JobStatus, quit_warning
from imageai.services.key_check_service import KeyCheckService
from tests.fakes.fake_provider import FakeProvider
from tests.gui.conftest import wait_threads_done

if TYPE_CHECKING:
    from collections.abc import Callable

    from pytestqt.qtbot import QtBot

    from imageai.services.video_workspace import VideoWorkspace

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")

GATEWAY = SoraSettings(model="sora-2", seconds=4, base_url="https://videos-gateway.test/v1")


class ScriptedRunner(QObject):
    """The `JobRunner` signals the model follows, emitted by the test."""

    job_queued = Signal(str)
    job_started = Signal(str)
    job_event = Signal(str, object)
    job_progress = Signal(str, float, str)
    job_finished = Signal(str, object)
    job_failed = Signal(str, object)
    job_cancelled = Signal(str)


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _created(job: str, usd: float, *, resumed: bool = False) -> Created:
    return Created(scene_id=job, job_id=f"video_{job}", billed_usd=usd, resumed=resumed)


def test_each_job_shows_its_cost_and_the_batch_line_adds_them_up(qtbot: QtBot) -> None:
    runner, clock = ScriptedRunner(), Clock()
    model = JobsModel(runner, lambda job_id: job_id, clock=clock)  # type: ignore[arg-type]
    model.set_costs({"a": 0.4, "b": 0.8, "c": 1.2})
    for job in ("a", "b", "c", "r"):  # r resumes a job paid earlier: not in the plan's costs
        runner.job_queued.emit(job)
    assert model.summary_text() == "0 of 4 done · $0.00 of $2.40"
    runner.job_started.emit("a")
    runner.job_event.emit("a", _created("a", 0.4))
    runner.job_started.emit("r")
    runner.job_event.emit("r", _created("r", 0.8, resumed=True))
    clock.now += 74
    runner.job_finished.emit("a", None)
    runner.job_started.emit("b")
    runner.job_event.emit("b", _created("b", 0.8))
    clock.now += 60
    runner.job_failed.emit("c", JobError(kind=ErrorKind.NETWORK, user_message="offline"))

    def cost(row: int) -> str:
        return model.index(row, Column.COST).data()

    assert [cost(r) for r in range(4)] == [
        "billed $0.40",
        "billed $0.80",
        "est. $1.20",
        "paid earlier",
    ]
    assert model.index(0, Column.ELAPSED).data() == "1:14"
    # 1 of 4 done, $1.20 billed of $2.40 planned, 2:14 since the first job started.
    assert model.summary_text() == "1 of 4 done, 1 failed · $1.20 of $2.40 · 2:14"
    # Two provider jobs are still rendering, and paid for: quitting warns about them.
    assert model.paid_running() == 2


def test_a_free_job_is_not_a_paid_one(qtbot: QtBot) -> None:
    runner = ScriptedRunner()
    model = JobsModel(runner, lambda job_id: job_id, clock=Clock())  # type: ignore[arg-type]
    model.set_costs({"free": 0.0})
    runner.job_queued.emit("free")
    runner.job_started.emit("free")
    runner.job_event.emit("free", _created("free", 0.0))
    assert model.index(0, Column.COST).data() == "est. $0.00"
    assert model.paid_running() == 0
    assert quit_warning(0) == ""
    assert model.summary_text() == "0 of 1 done · 0:00"


def test_the_quit_warning_says_the_jobs_resume_and_nothing_is_paid_again() -> None:
    assert quit_warning(3) == (
        "3 paid jobs are still rendering; they resume next time you open the project "
        "(nothing is paid again). Quit anyway?"
    )
    assert quit_warning(1).startswith("1 paid job is still rendering;")


def _paid_render(
    qtbot: QtBot, make_workspace: Callable[..., VideoWorkspace], gate: threading.Event
) -> tuple[VideoWorkspace, MainWindow]:
    fake = FakeProvider(script=(0.5, "done"), gate=gate, name=ProviderName.SORA, price=0.1)
    ws = make_workspace(provider=fake, scenes=2)
    ws.editor.set_provider(ProviderName.SORA)
    ws.editor.set_provider_settings(ProviderName.SORA, GATEWAY)
    for scene in ws.document.project.scenes:
        ws.editor.edit_scene(scene.id, duration=None)
    secrets = InMemorySecretStore()
    window = MainWindow(ws, secrets, KeyCheckService(secrets, {}))
    qtbot.add_widget(window)
    window.ask_unsaved = lambda: QMessageBox.StandardButton.Discard  # type: ignore[method-assign]
    window.video_panel.confirm_render = lambda plan: True  # type: ignore[method-assign]
    return ws, window


def test_quitting_while_paid_jobs_render_asks_first(
    qtbot: QtBot, make_workspace: Callable[..., VideoWorkspace]
) -> None:
    gate = threading.Event()  # holds every poll: the jobs stay created and rendering
    ws, window = _paid_render(qtbot, make_workspace, gate)
    asked: list[str] = []
    answers = [False, True]

    def ask(text: str) -> bool:
        asked.append(text)
        return answers.pop(0)

    window.ask_quit_while_paid = ask  # type: ignore[method-assign]
    window.show()
    job_ids = window.video_panel.request_render(None)
    assert len(job_ids) == 2
    qtbot.wait_until(lambda: ws.jobs.paid_running() == 2)
    panel = window.video_panel.jobs_panel
    rows = ws.jobs.rows()
    assert [r.cost_text() for r in rows] == ["billed $0.40", "billed $0.40"]
    assert panel.summary.text().startswith("0 of 2 done · $0.80 of $0.80 · ")
    assert not window.close()  # "No": the window stays, the jobs go on
    assert asked == [quit_warning(2)]
    assert window.isVisible()
    assert all(r.status in (JobStatus.RUNNING, JobStatus.QUEUED) for r in ws.jobs.rows())
    assert window.close()  # "Yes"
    gate.set()
    ws.runner.shutdown(5000)
    wait_threads_done(qtbot)


def test_quitting_with_no_paid_job_running_does_not_ask(
    qtbot: QtBot, make_workspace: Callable[..., VideoWorkspace]
) -> None:
    gate = threading.Event()
    gate.set()
    ws, window = _paid_render(qtbot, make_workspace, gate)
    window.ask_quit_while_paid = lambda text: pytest.fail("asked with nothing paid running")  # type: ignore[method-assign]
    window.show()
    window.video_panel.request_render(None)
    qtbot.wait_until(lambda: all(r.status is JobStatus.DONE for r in ws.jobs.rows()))
    assert window.video_panel.jobs_panel.summary.text().startswith("2 of 2 done · $0.80 of $0.80")
    assert window.close()
