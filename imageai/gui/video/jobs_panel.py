"""`JobsPanel`: the render queue: a batch line, then one compact row per job (progress bar,
status, cost, elapsed time) with cancel and retry."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QModelIndex, QPersistentModelIndex, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionProgressBar,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from imageai.services.jobs_model import (
    ACTIVE,
    ROW_ROLE,
    Column,
    JobRow,
    JobStatus,
    widest_texts,
)

if TYPE_CHECKING:
    from PySide6.QtGui import QPainter

    from imageai.services.jobs_model import JobsModel

_Index = QModelIndex | QPersistentModelIndex


class ProgressDelegate(QStyledItemDelegate):
    """Draws the progress column as a bar; a busy bar while the fraction is unknown."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        row: JobRow | None = index.data(ROW_ROLE)
        if row is None:
            super().paint(painter, option, index)
            return
        bar = QStyleOptionProgressBar()
        bar.rect = option.rect.adjusted(4, 4, -4, -4)
        bar.minimum, bar.maximum = 0, 100
        done = row.status is JobStatus.DONE
        value = 100 if done else max(0, int(row.fraction * 100))
        if row.status in ACTIVE and row.fraction < 0:
            value = 0
        bar.progress = value
        bar.text = f"{value}%" if row.status is JobStatus.RUNNING else row.status_text()
        bar.textVisible = True
        bar.state = QStyle.StateFlag.State_Enabled | QStyle.StateFlag.State_Horizontal
        style = QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ProgressBar, bar, painter)


class JobsPanel(QWidget):
    """Shows a `JobsModel`; the buttons act on the selected rows.

    Signals:
        cancel_requested(job_id)
        retry_requested(job_id)
    """

    cancel_requested = Signal(str)
    retry_requested = Signal(str)

    def __init__(self, model: JobsModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._model = model
        self.table = QTableView()
        self.table.setObjectName("jobsTable")
        self.table.setModel(model)
        self.table.setItemDelegateForColumn(Column.PROGRESS, ProgressDelegate(self.table))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(22)
        self.table.setShowGrid(False)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(Column.PROGRESS, QHeaderView.ResizeMode.Stretch)
        # Sized here, not ResizeToContents: that measured every row of the table at each
        # change of any row (48 of the 64 ms a press of Render took with 16 jobs listed).
        for column in (Column.JOB, Column.STATUS, Column.COST, Column.ELAPSED):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
        self._fit_columns()
        self.cancel_button = QPushButton("Cancel job")
        self.retry_button = QPushButton("Retry")
        self.clear_button = QPushButton("Clear finished")
        self.cancel_button.clicked.connect(self._on_cancel_button_clicked)
        self.retry_button.clicked.connect(self._on_retry_button_clicked)
        self.clear_button.clicked.connect(model.clear_finished)
        #: The whole batch: "3 of 8 done · $1.20 of $3.20 · 2:14".
        self.summary = QLabel()
        self.summary.setObjectName("jobsSummary")
        buttons = QHBoxLayout()
        buttons.addWidget(self.summary, 1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.retry_button)
        buttons.addWidget(self.clear_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)
        self._ticker = QTimer(self)
        self._ticker.setInterval(1000)
        self._ticker.timeout.connect(model.tick)
        self._ticker.timeout.connect(self._update_summary)
        self._ticker.start()
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        model.dataChanged.connect(self._update_buttons)
        model.rowsInserted.connect(self._update_buttons)
        model.modelReset.connect(self._update_buttons)
        model.rowsInserted.connect(self._on_rows_inserted)
        model.dataChanged.connect(self._on_data_changed)
        model.modelReset.connect(self._fit_columns)
        for signal in (model.dataChanged, model.rowsInserted, model.modelReset):
            signal.connect(self._update_summary)
        self._update_buttons()
        self._update_summary()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._fit_columns()
        super().changeEvent(event)

    def _padding(self) -> int:
        # An item's text margins on both sides, with a little air.
        margin = self.table.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin)
        return 2 * (margin + 1) + 8

    @Slot()
    def _fit_columns(self) -> None:
        """Fit status, cost and elapsed to the longest text each can show, and the job column
        to the labels listed."""
        header = self.table.horizontalHeader()
        metrics = self.table.fontMetrics()
        for column, texts in widest_texts().items():
            widest = max(metrics.horizontalAdvance(text) for text in texts)
            header.resizeSection(
                column, max(widest + self._padding(), header.sectionSizeHint(column))
            )
        header.resizeSection(Column.JOB, header.sectionSizeHint(Column.JOB))
        self._widen_job_column(0, self._model.rowCount() - 1)

    def _widen_job_column(self, first: int, last: int) -> None:
        """Widen the job column for the labels of rows ``first``..``last`` (never narrows it
        while rows come and go: the table does not jump under the pointer)."""
        if last < first:
            return
        metrics = self.table.fontMetrics()
        widest = max(
            metrics.horizontalAdvance(str(self._model.index(row, Column.JOB).data() or ""))
            for row in range(first, last + 1)
        )
        header = self.table.horizontalHeader()
        if widest + self._padding() > header.sectionSize(Column.JOB):
            header.resizeSection(Column.JOB, widest + self._padding())

    @Slot(QModelIndex, int, int)
    def _on_rows_inserted(self, _parent: QModelIndex, first: int, last: int) -> None:
        self._widen_job_column(first, last)

    @Slot(QModelIndex, QModelIndex)
    def _on_data_changed(self, top_left: QModelIndex, bottom_right: QModelIndex) -> None:
        if top_left.column() <= Column.JOB:
            self._widen_job_column(top_left.row(), bottom_right.row())

    def selected_rows(self) -> list[JobRow]:
        rows = self.table.selectionModel().selectedRows()
        return [r for r in (i.data(ROW_ROLE) for i in rows) if r is not None]

    @Slot()
    def _update_buttons(self) -> None:
        rows = self.selected_rows()
        self.cancel_button.setEnabled(any(r.status in ACTIVE for r in rows))
        self.retry_button.setEnabled(
            any(r.status in (JobStatus.FAILED, JobStatus.CANCELLED) for r in rows)
        )

    @Slot()
    def _update_summary(self) -> None:
        text = self._model.summary_text()
        self.summary.setText(text or "No jobs yet")
        self.summary.setToolTip("Jobs done · spent of planned · time since the first started")

    @Slot()
    def _on_cancel_button_clicked(self) -> None:
        for row in self.selected_rows():
            if row.status in ACTIVE:
                self.cancel_requested.emit(row.job_id)

    @Slot()
    def _on_retry_button_clicked(self) -> None:
        for row in self.selected_rows():
            if row.status in (JobStatus.FAILED, JobStatus.CANCELLED):
                self.retry_requested.emit(row.job_id)
