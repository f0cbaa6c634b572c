"""ImagesPanel with pytest-qt: controls per model, cost, generate via JobRunner, errors, gallery."""

from __future__ import annotations

import io
import threading
from typing import TYPE_CHECKING

import pytest
from PIL import Image
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialog

from imageai.core.errors import AuthError, ContentPolicyError, RateLimitError
from imageai.core.gallery_store import GalleryStore
from imageai.core.image_catalog import ImageModelInfo, ImageProviderName, load_image_catalog
from imageai.core.image_jobs import GeneratedImage, ImageRequest, ImageResult
from imageai.gui.images.images_panel import ImagesPanel
from imageai.gui.images.reference_dialog import ReferenceDialog
from imageai.services import job_runner
from imageai.services.job_runner import JobRunner

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from pathlib import Path

    from pytestqt.qtbot import QtBot

OPENAI = ImageProviderName.OPENAI
GOOGLE = ImageProviderName.GOOGLE


def png(size: tuple[int, int] = (64, 48), color: tuple[int, int, int] = (200, 40, 40)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, color).save(buf, format="PNG")
    return buf.getvalue()


class ScriptedImages:
    """A fake provider: each call returns ``count`` PNGs or raises; can hold a call until released."""

    def __init__(self, error: Exception | None = None, hold: bool = False) -> None:
        self.name = OPENAI
        self.error = error
        self.calls: list[ImageRequest] = []
        self.entered = threading.Event()
        self.release = threading.Event()
        if not hold:
            self.release.set()

    def generate(
        self, request: ImageRequest, model: ImageModelInfo, count: int
    ) -> list[GeneratedImage]:
        self.calls.append(request)
        self.entered.set()
        self.release.wait(10)
        if self.error is not None:
            raise self.error
        return [GeneratedImage(data=png()) for _ in range(count)]


@pytest.fixture
def make_panel(qtbot: QtBot, tmp_path: Path) -> Iterator[Callable[..., ImagesPanel]]:
    runners: list[JobRunner] = []

    def make(
        provider: object = None,
        provider_for: Callable[..., object] | None = None,
        frame: tuple[int, int] | None = (1280, 720),
    ) -> ImagesPanel:
        runner = JobRunner(1)
        runners.append(runner)
        fake = provider or ScriptedImages()
        panel = ImagesPanel(
            GalleryStore(tmp_path / "gallery"),
            load_image_catalog(),
            runner,
            provider_for or (lambda _name: fake),  # type: ignore[arg-type]
            frame_size=lambda: frame,
            refs_dir=lambda: tmp_path / "refs",
        )
        qtbot.add_widget(panel)
        return panel

    yield make
    for runner in runners:
        runner.shutdown(5000)
    qtbot.wait_until(lambda: not job_runner.live_threads(), timeout=5000)


def combo_values(combo: object) -> list[str]:
    return [combo.itemData(i) for i in range(combo.count())]  # type: ignore[attr-defined]


def test_controls_follow_the_chosen_model(make_panel: Callable[..., ImagesPanel]) -> None:
    form = make_panel().form
    form.select(OPENAI, "gpt-image-2")
    assert "3840x2160" in combo_values(form.size_box)
    assert combo_values(form.quality) == ["low", "medium", "high"]
    assert form.quality.currentData() == "medium"
    assert form.count.maximum() == 10
    assert not {"gpt-image-1", "dall-e-2", "dall-e-3"} & set(combo_values(form.model))
    form.select(GOOGLE, "gemini-3-pro-image")
    assert combo_values(form.size_box)[:3] == ["1:1", "16:9", "9:16"]
    assert form.quality_label.text() == "Resolution"
    assert combo_values(form.quality) == ["1K", "2K", "4K"]
    assert form.count.maximum() == 4
    assert form.pick_edit.isEnabled()
    assert not form.pick_mask.isEnabled()
    form.select(GOOGLE, "imagen-4.0-fast-generate-001")
    assert not form.quality.isEnabled()
    assert not form.pick_edit.isEnabled()


def test_cost_estimate_follows_quality_and_count(make_panel: Callable[..., ImagesPanel]) -> None:
    form = make_panel().form
    form.select(OPENAI, "gpt-image-1.5")
    form.size_box.setCurrentIndex(form.size_box.findData("1024x1024"))
    form.quality.setCurrentIndex(form.quality.findData("high"))
    form.count.setValue(3)
    assert "$0.399" in form.cost.text()
    assert "list price" in form.cost.text()
    form.quality.setCurrentIndex(form.quality.findData("low"))
    assert "$0.027" in form.cost.text()


def test_generate_runs_on_the_job_runner_and_fills_the_gallery(
    qtbot: QtBot, make_panel: Callable[..., ImagesPanel]
) -> None:
    fake = ScriptedImages()
    panel = make_panel(fake)
    panel.form.select(OPENAI, "gpt-image-1-mini")
    panel.form.prompt.setPlainText("a lighthouse at dusk")
    panel.form.count.setValue(2)
    with qtbot.wait_signal(panel.generation_finished, timeout=5000) as done:
        panel.form.generate.click()
        assert not panel.form.generate.isEnabled()
        assert panel.form.cancel.isEnabled()
    result = done.args[0]
    assert isinstance(result, ImageResult)
    assert len(result.paths) == 2
    assert fake.calls[0].model == "gpt-image-1-mini"
    assert fake.calls[0].prompt == "a lighthouse at dusk"
    assert panel.model.rowCount() == 2
    assert panel.gallery.selected_row() == 0
    assert panel.form.generate.isEnabled()
    assert "2 images" in panel.status.text()


@pytest.mark.parametrize(
    ("error", "kind", "hint"),
    [
        (ContentPolicyError("blocked by filter"), "content_policy", "rephrase"),
        (RateLimitError("slow down"), "rate_limit", "wait a moment"),
        (AuthError("key refused"), "auth", "Settings"),
    ],
)
def test_failures_show_by_kind(
    qtbot: QtBot, make_panel: Callable[..., ImagesPanel], error: Exception, kind: str, hint: str
) -> None:
    panel = make_panel(ScriptedImages(error=error))
    panel.form.prompt.setPlainText("anything")
    with qtbot.wait_signal(panel.generation_failed, timeout=5000) as failed:
        panel.form.generate.click()
    assert failed.args[0].kind.value == kind
    assert panel.status.property("error_kind") == kind
    assert hint in panel.status.text()
    assert panel.form.generate.isEnabled()


def test_missing_key_is_shown_without_submitting(
    qtbot: QtBot, make_panel: Callable[..., ImagesPanel]
) -> None:
    def no_key(_name: ImageProviderName) -> object:
        raise AuthError("No OpenAI API key. Set OPENAI_API_KEY.")

    panel = make_panel(provider_for=no_key)
    panel.form.prompt.setPlainText("a cat")
    with qtbot.assert_not_emitted(panel._runner.job_queued):
        panel.form.generate.click()
    assert panel.status.property("error_kind") == "auth"
    assert "OPENAI_API_KEY" in panel.status.text()


def test_empty_prompt_is_an_invalid_request(make_panel: Callable[..., ImagesPanel]) -> None:
    panel = make_panel()
    panel.form.generate.click()
    assert panel.status.property("error_kind") == "invalid_request"
    assert "prompt" in panel.status.text()
    assert not panel.is_busy()


def test_cancel_keeps_the_image_already_paid_for(
    qtbot: QtBot, make_panel: Callable[..., ImagesPanel]
) -> None:
    fake = ScriptedImages(hold=True)
    panel = make_panel(fake)
    panel.form.select(GOOGLE, "gemini-2.5-flash-image")
    panel.form.prompt.setPlainText("two boats")
    panel.form.count.setValue(2)
    panel.form.generate.click()
    qtbot.wait_until(fake.entered.is_set, timeout=5000)
    with qtbot.wait_signal(panel.generation_finished, timeout=5000) as done:
        panel.form.cancel.click()
        fake.release.set()
    assert len(done.args[0].paths) == 1
    assert len(fake.calls) == 1
    assert "1 of 2" in panel.status.text()


def test_search_edit_and_delete_in_the_gallery(
    qtbot: QtBot, make_panel: Callable[..., ImagesPanel]
) -> None:
    panel = make_panel()
    for prompt in ("a red castle", "a blue lake"):
        panel.form.prompt.setPlainText(prompt)
        with qtbot.wait_signal(panel.generation_finished, timeout=5000):
            panel.form.generate.click()
    assert panel.model.rowCount() == 2
    panel.gallery.search.setText("castle")
    assert panel.model.rowCount() == 1
    assert "1 image" in panel.gallery.count.text()
    panel.gallery.select_row(0)
    panel.gallery.buttons["edit"].click()
    entry = panel.model.entry(0)
    assert entry is not None
    assert panel.form.edit_image() == entry.path
    assert "Editing" in panel.form.edit_label.text()
    panel.confirm_delete = lambda _entry: False
    panel.gallery.buttons["delete"].click()
    assert entry.path.exists()
    panel.confirm_delete = lambda _entry: True
    panel.gallery.buttons["delete"].click()
    assert not entry.path.exists()
    assert not entry.sidecar.exists()
    assert panel.model.rowCount() == 0
    panel.gallery.search.setText("")
    assert panel.model.rowCount() == 1


def test_use_as_reference_emits_the_fitted_absolute_path(
    qtbot: QtBot, make_panel: Callable[..., ImagesPanel], monkeypatch: pytest.MonkeyPatch
) -> None:
    panel = make_panel(frame=(720, 1280))
    panel.form.prompt.setPlainText("portrait")
    with qtbot.wait_signal(panel.generation_finished, timeout=5000):
        panel.form.generate.click()

    def accept_with_pad(dialog: ReferenceDialog) -> int:
        assert dialog.frame() == (720, 1280)
        dialog.pad.setChecked(True)
        dialog.accept()
        return QDialog.DialogCode.Accepted.value

    monkeypatch.setattr(ReferenceDialog, "exec", accept_with_pad)
    panel.gallery.select_row(0)
    with qtbot.wait_signal(panel.reference_chosen, timeout=2000) as chosen:
        panel.gallery.buttons["reference"].click()
    path = chosen.args[0]
    assert path.startswith("/")
    with Image.open(path) as fitted:
        assert fitted.size == (720, 1280)
        assert fitted.getpixel((360, 5)) == (0, 0, 0)  # padded: bars above and below
        assert fitted.getpixel((360, 640)) == (200, 40, 40)


def test_copy_puts_the_image_on_the_clipboard(
    qtbot: QtBot, make_panel: Callable[..., ImagesPanel]
) -> None:
    panel = make_panel()
    panel.form.prompt.setPlainText("clipboard")
    with qtbot.wait_signal(panel.generation_finished, timeout=5000):
        panel.form.generate.click()
    panel.gallery.select_row(0)
    panel.gallery.buttons["copy"].click()
    copied = QGuiApplication.clipboard().image()
    assert (copied.width(), copied.height()) == (64, 48)
    assert "Copied" in panel.status.text()
