"""`JobsModel`: one row per render job with progress, status text, elapsed time and error."""

from __future__ import annotations

import time
from dataclasses import dataclass
from enum import IntEnum, StrEnum
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Slot,
)

from imageai.core.errors import JobError
from imageai.core.jobs import Created, Downloading

if TYPE_CHECKING:
    from collections.abc import Callable

    from imageai.services.job_runner import JobRunner

_Index = QModelIndex | QPersistentModelIndex


class JobStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DOWNLOADING = "downloading"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"


ACTIVE = frozenset({JobStatus.QUEUED, JobStatus.RUNNING, JobStatus.DOWNLOADING})


class Column(IntEnum):
    JOB = 0
    PROGRESS = 1
    STATUS = 2
    ELAPSED = 3


HEADERS = {
    Column.JOB: "Job",
    Column.PROGRESS: "Progress",
    Column.STATUS: "Status",
    Column.ELAPSED: "Elapsed",
}
#: Role giving the row's `JobRow` (for delegates and buttons).
ROW_ROLE = Qt.ItemDataRole.UserRole + 1


@dataclass
class JobRow:
    job_id: str
    label: str
    status: JobStatus = JobStatus.QUEUED
    fraction: float = -1.0
    message: str = ""
    queued_at: float = 0.0
    started_at: float | None = None
    ended_at: float | None = None
    error: JobError | None = None

    def status_text(self) -> str:
        if self.status is JobStatus.RUNNING:
            if self.fraction >= 0:
                return f"in progress {self.fraction * 100:.0f}%"
            return "in progress"
        if self.status is JobStatus.FAILED and self.error is not None:
            return f"failed ({self.error.kind.value.replace('_', ' ')})"
        return self.status.value

    def elapsed(self, now: float) -> float:
        if self.started_at is None:
            return 0.0
        return (self.ended_at or now) - self.started_at


def format_elapsed(seconds: float) -> str:
    whole = int(seconds)
    return f"{whole // 60}:{whole % 60:02d}"


class JobsModel(QAbstractTableModel):
    """Follows a `JobRunner`; ``label_for(job_id)`` names each job (e.g. "Scene 3").

    Scene numbers change when scenes are inserted or moved: `refresh_labels` names every row
    again. A job the label function does not know (an image) gets its name from `set_label`.
    """

    def __init__(
        self,
        runner: JobRunner,
        label_for: Callable[[str], str],
        parent: QObject | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(parent)
        self._rows: list[JobRow] = []
        self._label_for = label_for
        self._labels: dict[str, str] = {}
        self._clock = clock
        runner.job_queued.connect(self._on_runner_job_queued)
        runner.job_started.connect(self._on_runner_job_started)
        runner.job_event.connect(self._on_runner_job_event)
        runner.job_progress.connect(self._on_runner_job_progress)
        runner.job_finished.connect(self._on_runner_job_finished)
        runner.job_failed.connect(self._on_runner_job_failed)
        runner.job_cancelled.connect(self._on_runner_job_cancelled)

    def rows(self) -> list[JobRow]:
        return list(self._rows)

    def row_for(self, job_id: str) -> JobRow | None:
        return next((r for r in self._rows if r.job_id == job_id), None)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(Column)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS.get(Column(section))
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        if role == ROW_ROLE:
            return row
        column = Column(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            if column is Column.JOB:
                return row.label
            if column is Column.PROGRESS:
                return row.fraction
            if column is Column.STATUS:
                return row.status_text()
            return format_elapsed(row.elapsed(self._clock()))
        if role == Qt.ItemDataRole.ToolTipRole and row.error is not None:
            return row.error.user_message
        return None

    def set_label(self, job_id: str, label: str) -> None:
        """Name ``job_id`` (now, and when it is queued again) instead of ``label_for``."""
        self._labels[job_id] = label
        self._update(job_id, label=label)

    def label(self, job_id: str) -> str:
        return self._labels.get(job_id) or self._label_for(job_id)

    @Slot()
    def refresh_labels(self) -> None:
        """Name every row again (connect to the project's changes)."""
        for number, row in enumerate(self._rows):
            label = self.label(row.job_id)
            if label != row.label:
                row.label = label
                index = self.index(number, Column.JOB)
                self.dataChanged.emit(index, index)

    def clear_finished(self) -> None:
        keep = [r for r in self._rows if r.status in ACTIVE]
        if len(keep) != len(self._rows):
            self.beginResetModel()
            self._rows = keep
            self.endResetModel()

    def tick(self) -> None:
        """Refresh the elapsed column of running jobs (call about once a second)."""
        for number, row in enumerate(self._rows):
            if row.status in ACTIVE and row.started_at is not None:
                index = self.index(number, Column.ELAPSED)
                self.dataChanged.emit(index, index)

    def _update(self, job_id: str, **changes: Any) -> None:
        for number, row in enumerate(self._rows):
            if row.job_id == job_id:
                for name, value in changes.items():
                    setattr(row, name, value)
                self.dataChanged.emit(self.index(number, 0), self.index(number, len(Column) - 1))
                return

    def _end(self, job_id: str, status: JobStatus, **changes: Any) -> None:
        self._update(job_id, status=status, ended_at=self._clock(), **changes)

    @Slot(str)
    def _on_runner_job_queued(self, job_id: str) -> None:
        fresh = JobRow(job_id=job_id, label=self.label(job_id), queued_at=self._clock())
        for number, row in enumerate(self._rows):
            if row.job_id == job_id:  # a retry reuses the row
                self._rows[number] = fresh
                self.dataChanged.emit(self.index(number, 0), self.index(number, len(Column) - 1))
                return
        self.beginInsertRows(QModelIndex(), len(self._rows), len(self._rows))
        self._rows.append(fresh)
        self.endInsertRows()

    @Slot(str)
    def _on_runner_job_started(self, job_id: str) -> None:
        self._update(job_id, status=JobStatus.RUNNING, started_at=self._clock())

    @Slot(str, object)
    def _on_runner_job_event(self, job_id: str, event: object) -> None:
        if isinstance(event, Downloading):
            self._update(job_id, status=JobStatus.DOWNLOADING, message="downloading")
        elif isinstance(event, Created):
            self._update(job_id, message=f"provider job {event.job_id}")

    @Slot(str, float, str)
    def _on_runner_job_progress(self, job_id: str, fraction: float, message: str) -> None:
        row = self.row_for(job_id)
        if row is not None and row.status in (JobStatus.QUEUED, JobStatus.RUNNING):
            self._update(job_id, status=JobStatus.RUNNING, fraction=fraction, message=message)

    @Slot(str, object)
    def _on_runner_job_finished(self, job_id: str, result: object) -> None:
        self._end(job_id, JobStatus.DONE, fraction=1.0, message="done")

    @Slot(str, object)
    def _on_runner_job_failed(self, job_id: str, error: object) -> None:
        assert isinstance(error, JobError)
        self._end(job_id, JobStatus.FAILED, error=error, message=error.user_message)

    @Slot(str)
    def _on_runner_job_cancelled(self, job_id: str) -> None:
        self._end(job_id, JobStatus.CANCELLED, message="cancelled")
