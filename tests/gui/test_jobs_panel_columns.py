"""The render queue's columns fit their texts without measuring every row at each change."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from imageai.core.errors import ErrorKind, JobError
from imageai.gui.video.jobs_panel import JobsPanel
from imageai.services.jobs_model import Column, JobsModel
from tests.gui.test_render_queue import ScriptedRunner

if TYPE_CHECKING:
    from PySide6.QtCore import QModelIndex, QPersistentModelIndex
    from pytestqt.qtbot import QtBot

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


class CountingModel(JobsModel):
    """A `JobsModel` that notes which rows its views read."""

    def __init__(self, runner: ScriptedRunner) -> None:
        super().__init__(runner, lambda job_id: f"Scene {job_id}")  # type: ignore[arg-type]
        self.rows_read: set[int] = set()

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        self.rows_read.add(index.row())
        return super().data(index, role)


def _panel(qtbot: QtBot, jobs: int) -> tuple[ScriptedRunner, CountingModel, JobsPanel]:
    runner = ScriptedRunner()
    model = CountingModel(runner)
    panel = JobsPanel(model)
    qtbot.addWidget(panel)
    panel.resize(900, 400)
    panel.show()
    qtbot.waitExposed(panel)
    for number in range(jobs):
        runner.job_queued.emit(str(number))
    qtbot.wait(200)  # laid out and painted once
    return runner, model, panel


def test_one_jobs_change_reads_that_row_only(qtbot: QtBot) -> None:
    runner, model, _ = _panel(qtbot, 30)
    model.rows_read.clear()

    runner.job_started.emit("7")
    runner.job_progress.emit("7", 0.5, "rendering")
    QApplication.processEvents()
    qtbot.wait(150)  # the progress flush and a repaint

    # The repaint of row 7's rectangle may touch a neighbour's edge; not the other 27 rows.
    assert 7 in model.rows_read
    assert model.rows_read <= {6, 7, 8}


def test_columns_are_wide_enough_for_their_texts(qtbot: QtBot) -> None:
    runner, model, panel = _panel(qtbot, 3)
    header = panel.table.horizontalHeader()
    metrics = panel.table.fontMetrics()

    runner.job_started.emit("2")
    runner.job_progress.emit("2", 1.0, "encoding")
    runner.job_failed.emit("1", JobError(kind=ErrorKind.OUTCOME_UNKNOWN, user_message="lost"))
    model.set_label("0", "Scene 12 · The lighthouse keeper climbs at dusk")
    qtbot.wait(100)  # the progress flush

    assert model.index(2, Column.STATUS).data() == "in progress 100%"
    assert header.sectionSize(Column.STATUS) > metrics.horizontalAdvance("in progress 100%")
    assert header.sectionSize(Column.COST) > metrics.horizontalAdvance("billed $999.99")
    label = model.index(0, Column.JOB).data()
    assert header.sectionSize(Column.JOB) > metrics.horizontalAdvance(label)
    # A failure's longer status may be cut short: its tooltip says it all.
    assert model.index(1, Column.STATUS).data(Qt.ItemDataRole.ToolTipRole) == "lost"
