"""`JobsModel`: one row per render job with progress, status, cost, elapsed time and error."""

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
    QTimer,
    Slot,
)

from imageai.core.errors import ErrorKind, JobError
from imageai.core.jobs import Created, Downloading
from imageai.services.cost_summary import usd_text
from imageai.services.job_registry import JobHandlers, JobRegistry

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
    COST = 3
    ELAPSED = 4


HEADERS = {
    Column.JOB: "Job",
    Column.PROGRESS: "Progress",
    Column.STATUS: "Status",
    Column.COST: "Cost",
    Column.ELAPSED: "Elapsed",
}
#: Role giving the row's `JobRow` (for delegates and buttons).
ROW_ROLE = Qt.ItemDataRole.UserRole + 1
#: Progress reaches the views at most this often: each job reports ~10 times a second, and a
#: repaint per report of 8 jobs kept the GUI thread busy while renders finished.
PROGRESS_COALESCE_MS = 50


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
    #: The plan's estimate of a new create (0 for a paid job it resumes); None: not priced.
    estimate_usd: float | None = None
    #: What the provider job cost once created, and whether there is one (a paid job, or a
    #: resumed one, renders on at the provider whatever happens here).
    billed_usd: float = 0.0
    created: bool = False
    resumed: bool = False

    def cost_text(self) -> str:
        """E.g. ``est. $0.80`` before the create, ``billed $0.80`` after it, ``paid`` resumed."""
        if self.billed_usd > 0:
            return f"billed {usd_text(self.billed_usd)}"
        if self.resumed:
            return "paid earlier"
        if self.estimate_usd is not None:
            return f"est. {usd_text(self.estimate_usd)}"
        return ""

    @property
    def planned_usd(self) -> float:
        """What the job costs in all: its bill once created, else its estimate."""
        return self.billed_usd if self.created else self.estimate_usd or 0.0

    @property
    def paid_and_running(self) -> bool:
        """A provider job exists, costs money, and has not finished here yet."""
        costs = self.billed_usd > 0 or self.resumed or (self.estimate_usd or 0.0) > 0
        return self.status in ACTIVE and self.created and costs

    def status_text(self) -> str:
        if self.status is JobStatus.RUNNING:
            if self.fraction >= 0:
                return f"in progress {self.fraction * 100:.0f}%"
            return "in progress"
        if self.status is JobStatus.FAILED and self.error is not None:
            return _failed_text(self.error.kind)
        return self.status.value

    def elapsed(self, now: float) -> float:
        if self.started_at is None:
            return 0.0
        return (self.ended_at or now) - self.started_at


def _failed_text(kind: ErrorKind) -> str:
    return f"failed ({kind.value.replace('_', ' ')})"


def widest_texts() -> dict[Column, tuple[str, ...]]:
    """The longest texts the status, cost and elapsed columns show, so a view sizes them once
    instead of measuring every row at each change. A failure's longer text ("failed (outcome
    unknown)") may be cut short there: its tooltip says what happened, in full."""
    return {
        Column.STATUS: ("in progress 100%", *(status.value for status in JobStatus)),
        # One job's bill stays under $1,000 (the dearest clip is a few dollars); a render over
        # 100 minutes shows its minutes cut short.
        Column.COST: (f"billed {usd_text(999.99)}", f"est. {usd_text(999.99)}", "paid earlier"),
        Column.ELAPSED: (format_elapsed(99 * 60 + 59),),
    }


def format_elapsed(seconds: float) -> str:
    whole = int(seconds)
    return f"{whole // 60}:{whole % 60:02d}"


def quit_warning(paid_running: int) -> str:
    """What quitting does to paid jobs still rendering ("" when there are none)."""
    if paid_running == 0:
        return ""
    subject = "1 paid job is" if paid_running == 1 else f"{paid_running} paid jobs are"
    return (
        f"{subject} still rendering; they resume next time you open the project (nothing is "
        "paid again). Quit anyway?"
    )


def batch_text(rows: list[JobRow], now: float) -> str:
    """The whole batch at a glance, e.g. ``3 of 8 done · $1.20 of $3.20 · 2:14`` (spent of
    planned, and the time since the first job started); "" with no jobs."""
    if not rows:
        return ""
    done = sum(1 for r in rows if r.status is JobStatus.DONE)
    spent = round(sum(r.billed_usd for r in rows), 4)
    planned = round(sum(r.planned_usd for r in rows), 4)
    parts = [f"{done} of {len(rows)} done"]
    if failed := sum(1 for r in rows if r.status is JobStatus.FAILED):
        parts[0] += f", {failed} failed"
    if planned > 0:
        parts.append(f"{usd_text(spent)} of {usd_text(planned)}")
    started = [r.started_at for r in rows if r.started_at is not None]
    if started:
        running = any(r.status in ACTIVE for r in rows)
        end = now if running else max((r.ended_at or now) for r in rows)
        parts.append(format_elapsed(end - min(started)))
    return " · ".join(parts)


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
        #: Row number of each job id: a progress report finds its row without a scan.
        self._numbers: dict[str, int] = {}
        #: Rows whose progress changed since the views last heard of it (see `_flush_progress`).
        self._progress_rows: set[int] = set()
        self._progress_timer = QTimer(self)
        self._progress_timer.setSingleShot(True)
        self._progress_timer.setInterval(PROGRESS_COALESCE_MS)
        self._progress_timer.timeout.connect(self._flush_progress)
        self._label_for = label_for
        self._labels: dict[str, str] = {}
        self._costs: dict[str, float] = {}
        self._clock = clock
        JobRegistry.of(runner).route_all(
            JobHandlers(
                queued=self._on_runner_job_queued,
                started=self._on_runner_job_started,
                event=self._on_runner_job_event,
                progress=self._on_runner_job_progress,
                finished=self._on_runner_job_finished,
                failed=self._on_runner_job_failed,
                cancelled=self._on_runner_job_cancelled,
            )
        )

    def rows(self) -> list[JobRow]:
        return list(self._rows)

    def row_for(self, job_id: str) -> JobRow | None:
        number = self._numbers.get(job_id)
        return None if number is None else self._rows[number]

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
            if column is Column.COST:
                return row.cost_text()
            return format_elapsed(row.elapsed(self._clock()))
        if role == Qt.ItemDataRole.ToolTipRole and row.error is not None:
            return row.error.user_message
        return None

    def summary_text(self) -> str:
        """The batch line over the table (`batch_text` of every row shown)."""
        return batch_text(self._rows, self._clock())

    def paid_running(self) -> int:
        """Jobs created at a paid provider that have not finished here (quitting leaves them)."""
        return sum(1 for r in self._rows if r.paid_and_running)

    def set_costs(self, costs: dict[str, float]) -> None:
        """A render plan's estimate per runner job id (`RenderPlan.costs`), given before the
        plan runs: each job takes its estimate when it is queued. A job of the plan missing
        from it resumes a paid job and costs nothing more."""
        self._costs.update(costs)

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
            self._numbers = {r.job_id: n for n, r in enumerate(keep)}
            self._progress_rows.clear()
            self.endResetModel()

    def tick(self) -> None:
        """Refresh the elapsed column of running jobs (call about once a second)."""
        for number, row in enumerate(self._rows):
            if row.status in ACTIVE and row.started_at is not None:
                index = self.index(number, Column.ELAPSED)
                self.dataChanged.emit(index, index)

    def _update(self, job_id: str, **changes: Any) -> None:
        number = self._numbers.get(job_id)
        if number is None:
            return
        row = self._rows[number]
        for name, value in changes.items():
            setattr(row, name, value)
        self.dataChanged.emit(self.index(number, 0), self.index(number, len(Column) - 1))

    @Slot()
    def _flush_progress(self) -> None:
        """Tell the views of the progress of every row reported since the last flush: one
        `dataChanged` over the rows' span, whatever the number of reports."""
        if not self._progress_rows:
            return
        first, last = min(self._progress_rows), max(self._progress_rows)
        self._progress_rows.clear()
        self.dataChanged.emit(self.index(first, Column.PROGRESS), self.index(last, Column.STATUS))

    def _end(self, job_id: str, status: JobStatus, **changes: Any) -> None:
        self._update(job_id, status=status, ended_at=self._clock(), **changes)

    @Slot(str)
    def _on_runner_job_queued(self, job_id: str) -> None:
        fresh = JobRow(
            job_id=job_id,
            label=self.label(job_id),
            queued_at=self._clock(),
            estimate_usd=self._costs.pop(job_id, None),
        )
        number = self._numbers.get(job_id)
        if number is not None:  # a retry reuses the row
            self._rows[number] = fresh
            self.dataChanged.emit(self.index(number, 0), self.index(number, len(Column) - 1))
            return
        self.beginInsertRows(QModelIndex(), len(self._rows), len(self._rows))
        self._numbers[job_id] = len(self._rows)
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
            self._update(
                job_id,
                message=f"provider job {event.job_id}",
                created=True,
                resumed=event.resumed,
                billed_usd=0.0 if event.resumed else event.billed_usd,
            )

    @Slot(str, float, str)
    def _on_runner_job_progress(self, job_id: str, fraction: float, message: str) -> None:
        number = self._numbers.get(job_id)
        if number is None:
            return
        row = self._rows[number]
        if row.status is JobStatus.QUEUED:  # the first report starts it: tell the views now
            self._update(job_id, status=JobStatus.RUNNING, fraction=fraction, message=message)
        elif row.status is JobStatus.RUNNING:
            # The row is current at once (rows(), data()); the views hear of it with the next
            # flush, with every other report of that interval.
            row.fraction, row.message = fraction, message
            self._progress_rows.add(number)
            if not self._progress_timer.isActive():
                self._progress_timer.start()

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
