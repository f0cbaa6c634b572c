"""Assembles the rendered clips into one cut on a job thread, with progress."""

from __future__ import annotations

import queue
import threading
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal, Slot

from imageai.core.errors import JobError, ValidationError
from imageai.core.jobs import Progress
from imageai.services.cut_playlist import chosen_clip
from imageai.services.job_keys import JobKey, JobKind
from imageai.services.job_registry import JobHandlers, JobRegistry
from imageai.video.output_check import check_output

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from imageai.core.models import Project
    from imageai.services.job_runner import JobFn, JobRunner

EXPORT_JOB_ID = str(JobKey.export())


def clips_in_order(project: Project, folder: Path) -> list[Path]:
    """The clips in storyboard order; raises naming the scenes not rendered yet."""
    chosen = [chosen_clip(s, folder) for s in project.scenes]
    missing = [i + 1 for i, clip in enumerate(chosen) if clip is None]
    if missing or not project.scenes:
        listed = ", ".join(map(str, missing)) or "there are no scenes"
        raise ValidationError("scenes", f"render every scene first (not rendered: {listed})")
    return [clip for clip in chosen if clip is not None]


def _assemble_job(clips: list[Path], out: Path) -> JobFn:
    def job(cancel: threading.Event) -> Iterator[object]:
        from imageai.video.assemble import assemble

        updates: queue.Queue[float | Exception | None] = queue.Queue()

        def work() -> None:
            try:
                assemble(clips, out, updates.put, cancel)
            except Exception as exc:  # noqa: BLE001 - re-raised on the job thread below
                updates.put(exc)
            finally:
                updates.put(None)

        helper = threading.Thread(target=work, name="imageai-assemble", daemon=True)
        helper.start()
        try:
            while (item := updates.get()) is not None:
                if isinstance(item, Exception):
                    raise item
                yield Progress(scene_id=EXPORT_JOB_ID, fraction=item, message="assembling")
        finally:
            helper.join()

    return job


class ExportService(QObject):
    """Runs the export on the shared `JobRunner` (it shows in the jobs panel).

    Signals:
        exported(path)
        export_failed(JobError)
    """

    exported = Signal(str)
    export_failed = Signal(object)

    def __init__(self, runner: JobRunner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._runner = runner
        self._out: Path | None = None
        JobRegistry.of(runner).route(
            JobKind.EXPORT,
            JobHandlers(
                finished=self._on_runner_job_finished,
                failed=self._on_runner_job_failed,
                label=lambda _job_id: "Export cut",
            ),
        )

    def export(self, project: Project, folder: Path, out: Path) -> str:
        """Queue the export; raises `ValidationError` when a scene is not rendered or ``out``
        is one of the project's files or not a regular file (the save dialog asked before
        replacing an existing one)."""
        clips = clips_in_order(project, folder)
        check_output(out, folder, clips, overwrite=True)
        self._out = out
        return self._runner.submit(_assemble_job(clips, out), EXPORT_JOB_ID)

    @Slot(str, object)
    def _on_runner_job_finished(self, job_id: str, result: object) -> None:
        if self._out is not None:
            self.exported.emit(str(self._out))

    @Slot(str, object)
    def _on_runner_job_failed(self, job_id: str, error: object) -> None:
        assert isinstance(error, JobError)
        self.export_failed.emit(error)
