"""`JobsModel` tells its views of progress in batches: reports of 8 jobs cost a few updates."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from imageai.services.emit_refcount import keep_singletons_alive
from imageai.services.jobs_model import Column, JobsModel, JobStatus

if TYPE_CHECKING:
    from PySide6.QtCore import QModelIndex
    from pytestqt.qtbot import QtBot

JOBS = [f"render-{n}" for n in range(8)]


class ScriptedRunner(QObject):
    """The `JobRunner` signals the model follows, emitted by the test."""

    job_queued = Signal(str)
    job_started = Signal(str)
    job_event = Signal(str, object)
    job_progress = Signal(str, float, str)
    job_finished = Signal(str, object)
    job_failed = Signal(str, object)
    job_cancelled = Signal(str)


class Changes:
    def __init__(self, model: JobsModel) -> None:
        self.spans: list[tuple[int, int, int, int]] = []
        model.dataChanged.connect(self._on_data_changed)

    def _on_data_changed(self, first: QModelIndex, last: QModelIndex, *_roles: object) -> None:
        self.spans.append((first.row(), last.row(), first.column(), last.column()))


def _running_model() -> tuple[ScriptedRunner, JobsModel]:
    keep_singletons_alive()  # as `JobRunner` does: this PySide6 drops references on emits
    runner = ScriptedRunner()
    model = JobsModel(runner, lambda job_id: job_id)  # type: ignore[arg-type]
    for job in JOBS:
        runner.job_queued.emit(job)
        runner.job_started.emit(job)
    return runner, model


def test_progress_of_8_jobs_reaches_the_views_in_one_update_per_batch(qtbot: QtBot) -> None:
    runner, model = _running_model()
    changes = Changes(model)
    for step in range(1, 21):  # 20 reports per job, as 2 s of rendering send
        for job in JOBS:
            runner.job_progress.emit(job, step / 20, f"frame {step}")
    # The rows are current at once ...
    assert [r.fraction for r in model.rows()] == [1.0] * 8
    assert model.index(3, Column.STATUS).data() == "in progress 100%"
    assert changes.spans == []  # ... and the views hear of all 160 reports together:
    qtbot.wait_until(lambda: bool(changes.spans))
    assert changes.spans == [(0, 7, Column.PROGRESS, Column.STATUS)]


def test_status_changes_reach_the_views_at_once(qtbot: QtBot) -> None:
    runner, model = _running_model()
    changes = Changes(model)
    runner.job_progress.emit(JOBS[2], 0.5, "half")
    runner.job_finished.emit(JOBS[2], None)
    row = model.row_for(JOBS[2])
    assert row is not None
    assert row.status is JobStatus.DONE
    assert changes.spans == [(2, 2, 0, len(Column) - 1)]
    # Progress after the end changes nothing; a report before it is flushed harmlessly.
    runner.job_progress.emit(JOBS[2], 0.7, "late")
    assert row.fraction == 1.0


def test_rows_are_found_by_id_after_finished_rows_are_cleared(qtbot: QtBot) -> None:
    runner, model = _running_model()
    runner.job_finished.emit(JOBS[0], None)
    runner.job_finished.emit(JOBS[1], None)
    model.clear_finished()
    assert [r.job_id for r in model.rows()] == JOBS[2:]
    runner.job_progress.emit(JOBS[5], 0.25, "quarter")
    row = model.row_for(JOBS[5])
    assert row is not None
    assert row.fraction == 0.25
    assert model.index(3, Column.PROGRESS).data() == 0.25
    runner.job_queued.emit(JOBS[0])  # queued again after clearing: a new row at the end
    assert [r.job_id for r in model.rows()][-1] == JOBS[0]
    assert model.row_for(JOBS[0]) is model.rows()[-1]
