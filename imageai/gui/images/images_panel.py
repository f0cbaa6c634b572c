"""`ImagesPanel`: the Images tab: generate through `JobRunner`, browse the gallery, make references."""

from __future__ import annotations

import itertools
import sys
from typing import TYPE_CHECKING

from PySide6.QtCore import QProcess, Qt, QUrl, Signal, Slot
from PySide6.QtGui import QDesktopServices, QGuiApplication, QImage
from PySide6.QtWidgets import (
    QLabel,
    QMessageBox,
    QProgressBar,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from imageai.core.errors import ErrorKind, ImageAIError, JobError
from imageai.core.image_jobs import ImageResult, ImagesDone, ImagesSaved
from imageai.gui.images.gallery_view import GalleryView
from imageai.gui.images.generate_form import GenerateForm
from imageai.gui.images.reference_dialog import ReferenceDialog
from imageai.services.gallery_model import GalleryModel
from imageai.services.image_generation import (
    prepare_image_job,
    quote_image_choices,
)
from imageai.services.job_keys import JobKey

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from imageai.core.gallery_store import GalleryEntry, GalleryStore
    from imageai.core.image_catalog import ImageCatalog, ImageProviderName
    from imageai.core.image_jobs import ImageProvider
    from imageai.services.job_runner import JobRunner

TIMES = "\N{MULTIPLICATION SIGN}"
#: What to tell the user per error kind (the kind decides; the provider's text follows).
ERROR_TITLES: dict[ErrorKind, str] = {
    ErrorKind.AUTH: "API key problem: check the key in Settings.",
    ErrorKind.PERMISSION: "This key may not use this model.",
    ErrorKind.QUOTA: "The account is out of credit or quota.",
    ErrorKind.RATE_LIMIT: "Rate limited: wait a moment, then generate again.",
    ErrorKind.NETWORK: "Network problem: check the connection and try again.",
    ErrorKind.CONTENT_POLICY: "The prompt or image was refused: rephrase it and try again.",
    ErrorKind.INVALID_REQUEST: "The request was not accepted.",
    ErrorKind.NOT_FOUND: "The model is not available.",
    ErrorKind.TIMEOUT: "The API took too long to answer.",
    ErrorKind.OUTCOME_UNKNOWN: "It is unclear whether the request went through.",
}


def error_text(error: JobError) -> str:
    title = ERROR_TITLES.get(error.kind, "Image generation failed.")
    return f"{title} {error.user_message}".strip()


def _excerpt(text: str, limit: int = 40) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


class ImagesPanel(QWidget):
    """The image generator and gallery.

    Args:
        store: where images and their sidecars live.
        catalog: image models and prices.
        runner: the app's `JobRunner` (shared with the video workspace).
        provider_for: builds the provider for a name; may raise `AuthError` for a missing key.
        frame_size: the frame size the current scene's video provider needs, when known.
        refs_dir: where fitted references are written (the project's refs folder).

    Signals:
        reference_chosen(str): absolute path of a fitted image to use as a scene reference.
        generation_finished(object): an `ImageResult`.
        generation_failed(object): a `JobError`.
    """

    reference_chosen = Signal(str)
    #: (job id, label): an image job was submitted; the jobs list names it with the label.
    job_submitted = Signal(str, str)
    generation_finished = Signal(object)
    generation_failed = Signal(object)

    def __init__(
        self,
        store: GalleryStore,
        catalog: ImageCatalog,
        runner: JobRunner,
        provider_for: Callable[[ImageProviderName], ImageProvider],
        *,
        frame_size: Callable[[], tuple[int, int] | None] | None = None,
        refs_dir: Callable[[], Path] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._store = store
        self._catalog = catalog
        self._runner = runner
        self._provider_for = provider_for
        self._frame_size = frame_size or (lambda: None)
        self._refs_dir = refs_dir or (lambda: store.root / "references")
        self._ids = itertools.count(1)
        self._job_id: str | None = None
        self._result: ImageResult | None = None
        #: Asked before deleting; tests replace it.
        self.confirm_delete: Callable[[GalleryEntry], bool] = self._ask_delete

        self.form = GenerateForm(catalog)
        self.progress = QProgressBar()
        self.progress.setVisible(False)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.model = GalleryModel(store, parent=self)
        self.gallery = GalleryView(self.model)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.form)
        left_layout.addWidget(self.progress)
        left_layout.addWidget(self.status)
        left_layout.addStretch(1)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(self.gallery)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([340, 660])
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)

        self.form.choices_changed.connect(self._on_form_choices_changed)
        self.form.generate_requested.connect(self.generate)
        self.form.cancel_requested.connect(self.cancel)
        self.gallery.open_requested.connect(self._on_gallery_open_requested)
        self.gallery.copy_requested.connect(self._on_gallery_copy_requested)
        self.gallery.reveal_requested.connect(self._on_gallery_reveal_requested)
        self.gallery.delete_requested.connect(self._on_gallery_delete_requested)
        self.gallery.edit_requested.connect(self._on_gallery_edit_requested)
        self.gallery.reference_requested.connect(self._on_gallery_reference_requested)
        runner.job_event.connect(self._on_runner_job_event)
        runner.job_progress.connect(self._on_runner_job_progress)
        runner.job_finished.connect(self._on_runner_job_finished)
        runner.job_failed.connect(self._on_runner_job_failed)
        runner.job_cancelled.connect(self._on_runner_job_cancelled)
        self.model.refresh()
        self._on_form_choices_changed()

    # ---- generating -----------------------------------------------------------------------

    @Slot()
    def generate(self) -> None:
        """Validate, build the provider and submit the job; problems show in the status line."""
        if self._job_id is not None:
            return
        try:
            prepared = prepare_image_job(
                self._catalog,
                self.form.choices(),
                self._provider_for,
                out_dir=self._store.root,
                job_id=str(JobKey.image(next(self._ids))),
            )
        except ImageAIError as exc:
            self._show_error(JobError.from_exception(exc))
            return
        request, fn = prepared.request, prepared.job_fn()
        self._result = None
        self._job_id = self._runner.submit(fn, job_id=request.job_id)
        self.job_submitted.emit(self._job_id, f"Image: {_excerpt(request.prompt)}")
        self.form.set_busy(True)
        self.progress.setVisible(True)
        self.progress.setRange(0, 0)
        self._set_status(f"Generating with {request.model}…")

    @Slot()
    def cancel(self) -> None:
        if self._job_id is not None:
            self._runner.cancel(self._job_id)
            self._set_status("Cancelling after the current image…")

    def is_busy(self) -> bool:
        return self._job_id is not None

    @Slot(str, object)
    def _on_runner_job_event(self, job_id: str, event: object) -> None:
        if job_id != self._job_id:
            return
        if isinstance(event, ImagesSaved):
            self.model.add_paths(event.paths)
            self.gallery.select_row(0)
        elif isinstance(event, ImagesDone):
            self._result = event.result

    @Slot(str, float, str)
    def _on_runner_job_progress(self, job_id: str, fraction: float, message: str) -> None:
        if job_id != self._job_id:
            return
        if fraction < 0:
            self.progress.setRange(0, 0)
        else:
            self.progress.setRange(0, 100)
            self.progress.setValue(round(fraction * 100))
        self._set_status(message.capitalize())

    @Slot(str, object)
    def _on_runner_job_finished(self, job_id: str, _result: object) -> None:
        # The runner's result is None: image jobs end with `ImagesDone`, caught in job_event.
        if job_id == self._job_id:
            self._finish()

    def _finish(self) -> None:
        result = self._result
        self._end_job()
        if result is None:
            self._set_status("Cancelled; nothing was generated.")
            return
        count, cost = len(result.paths), f"${result.billed_usd:.3f}"
        if count < result.requested:
            text = f"Generated {count} of {result.requested} images for {cost}."
        else:
            text = f"Generated {count} image{'s' if count != 1 else ''} for {cost}."
        self._set_status(text)
        self.generation_finished.emit(result)

    @Slot(str, object)
    def _on_runner_job_failed(self, job_id: str, error: object) -> None:
        if job_id != self._job_id:
            return
        self._end_job()
        assert isinstance(error, JobError)
        self._show_error(error)
        self.generation_failed.emit(error)

    @Slot(str)
    def _on_runner_job_cancelled(self, job_id: str) -> None:
        # A job cancelled after some images arrived still reports them (they are paid for).
        if job_id == self._job_id:
            self._finish()

    def _end_job(self) -> None:
        self._job_id = None
        self.form.set_busy(False)
        self.progress.setVisible(False)

    def _show_error(self, error: JobError) -> None:
        self.status.setProperty("error_kind", error.kind.value)
        self.status.setStyleSheet("color: #c62828;")
        self.status.setText(error_text(error))

    def _set_status(self, text: str) -> None:
        self.status.setProperty("error_kind", "")
        self.status.setStyleSheet("")
        self.status.setText(text)

    @Slot()
    def _on_form_choices_changed(self) -> None:
        if self.form.model_info() is None:
            self.form.cost.setText("")
            return
        quote = quote_image_choices(self._catalog, self.form.choices())
        if quote is None:
            self.form.cost.setText("No price known for this combination.")
            return
        kind = "estimated" if quote.estimated else "list price"
        self.form.cost.setText(
            f"<b>${quote.total_usd:.3f}</b> for {quote.count} {TIMES} ${quote.per_image_usd:.3f} "
            f"<span style='color: gray'>({kind}, checked {quote.checked.isoformat()})</span>"
        )
        self.form.cost.setToolTip(quote.source)

    # ---- gallery actions ------------------------------------------------------------------

    @Slot(int)
    def _on_gallery_open_requested(self, row: int) -> None:
        entry = self.model.entry(row)
        if entry is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(entry.path)))

    @Slot(int)
    def _on_gallery_copy_requested(self, row: int) -> None:
        entry = self.model.entry(row)
        if entry is not None:
            QGuiApplication.clipboard().setImage(QImage(str(entry.path)))
            self._set_status(f"Copied {entry.name} to the clipboard.")

    @Slot(int)
    def _on_gallery_reveal_requested(self, row: int) -> None:
        entry = self.model.entry(row)
        if entry is None:
            return
        if sys.platform == "win32":
            QProcess.startDetached("explorer", [f"/select,{entry.path}"])
        elif sys.platform == "darwin":
            QProcess.startDetached("open", ["-R", str(entry.path)])
        else:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(entry.path.parent)))

    @Slot(int)
    def _on_gallery_delete_requested(self, row: int) -> None:
        entry = self.model.entry(row)
        if entry is not None and self.confirm_delete(entry):
            self.model.delete(row)
            self._set_status(f"Deleted {entry.name}.")

    @Slot(int)
    def _on_gallery_edit_requested(self, row: int) -> None:
        entry = self.model.entry(row)
        if entry is not None:
            self.form.set_edit_image(entry.path)
            self.form.prompt.setFocus()

    @Slot(int)
    def _on_gallery_reference_requested(self, row: int) -> None:
        entry = self.model.entry(row)
        if entry is None:
            return
        dialog = self.make_reference_dialog(entry.path)
        if dialog.exec() == ReferenceDialog.DialogCode.Accepted and dialog.fitted_path:
            self.reference_chosen.emit(str(dialog.fitted_path.resolve()))

    def make_reference_dialog(self, source: Path) -> ReferenceDialog:
        dialog = ReferenceDialog(source, self._frame_size(), self._refs_dir(), self)
        if self.gallery.reference_target:
            dialog.setWindowTitle(f"Use as reference for {self.gallery.reference_target}")
        return dialog

    def _ask_delete(self, entry: GalleryEntry) -> bool:
        answer = QMessageBox.question(
            self,
            "Delete image",
            f"Delete {entry.name} and its metadata?",
        )
        return answer == QMessageBox.StandardButton.Yes
