"""Take the workspace screenshots for the README offscreen: ``python -m tests.gui.screenshots``."""

from __future__ import annotations

import io
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("IMAGEAI_NO_KEYRING", "1")
os.environ.setdefault("IMAGEAI_HOME", tempfile.mkdtemp(prefix="imageai-shots-"))

from PIL import Image, ImageDraw
from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from imageai.app import AppParts, build
from imageai.core.catalog import default_catalog
from imageai.core.errors import RateLimitError
from imageai.core.gallery_store import GalleryStore, ImageMeta, now
from imageai.core.models import ProviderName, RenderState, Take
from imageai.core.paths import gallery_dir
from imageai.core.secrets import InMemorySecretStore
from imageai.core.takes import choose_take
from imageai.gui.video.remix_dialog import RemixDialog
from imageai.providers.router import ProviderRouter
from imageai.services.jobs_model import JobStatus
from tests.fakes.fake_provider import FakeProvider

OUT = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
PROMPTS = [
    "A lighthouse on a black cliff at dusk, waves exploding below, slow push-in",
    "Close-up: the keeper's hands strike a match and light the great lamp",
    "Wide shot from the sea: the beam sweeps across thick rolling fog",
    "A small fishing boat turns toward the light, lanterns swinging",
]


def _wait(app: QApplication, condition: object, timeout_ms: int = 60_000) -> None:
    loop = QEventLoop()
    timer = QTimer()
    timer.timeout.connect(lambda: loop.quit() if condition() else None)  # type: ignore[operator]
    timer.start(20)
    QTimer.singleShot(timeout_ms, loop.quit)
    loop.exec()
    timer.stop()


def _reference(folder: Path) -> Path:
    image = Image.new("RGB", (1280, 720))
    draw = ImageDraw.Draw(image)
    for y in range(720):
        shade = int(40 + 150 * y / 720)
        draw.line([(0, y), (1280, y)], fill=(shade // 3, shade // 2, shade))
    draw.polygon([(560, 720), (600, 260), (680, 260), (720, 720)], fill=(230, 230, 220))
    draw.rectangle([(585, 210), (695, 262)], fill=(255, 214, 102))
    draw.polygon([(690, 230), (1280, 120), (1280, 340)], fill=(255, 240, 180))
    path = folder / "lighthouse.png"
    image.save(path)
    return path


def _parts(folder: Path) -> AppParts:
    parts = build(InMemorySecretStore(), default_catalog(), checkers={})
    # Screenshots leave edits unsaved: closing must not stop on the question.
    parts.window.ask_unsaved = lambda: QMessageBox.StandardButton.Discard  # type: ignore[method-assign]
    parts.window.resize(1440, 900)
    parts.window.show()
    ws = parts.workspace
    ws.editor.set_project_fields("Title", title="The Lighthouse")
    ws.save_as(folder)
    for prompt in PROMPTS:
        ws.editor.add_scene(prompt=prompt)
    return parts


def _save(parts: AppParts, name: str, widget: object = None) -> None:
    QApplication.processEvents()
    target = widget or parts.window
    target.grab().save(str(OUT / name))  # type: ignore[attr-defined]
    print(OUT / name)


def storyboard_and_jobs(app: QApplication, work: Path) -> None:
    parts = _parts(work / "lighthouse")
    ws, panel = parts.workspace, parts.window.video_panel
    scenes = ws.document.project.scenes
    ws.editor.edit_scene(scenes[0].id, reference_image=ws.reference_for(_reference(work)))
    animatic = ws.document.project.settings.animatic.model_copy(update={"seconds": 6})
    ws.editor.set_provider_settings(ProviderName.ANIMATIC, animatic)
    ws.document.save()
    panel.storyboard_view.select_ids([scenes[1].id])
    panel.request_render(None)
    running = [JobStatus.RUNNING]
    _wait(
        app,
        lambda: (
            all(0.25 < r.fraction < 0.9 for r in ws.jobs.rows() if r.status in running)
            and sum(r.status in running for r in ws.jobs.rows()) == 2
        ),
    )
    _save(parts, "jobs-mid-render.png")
    _wait(app, lambda: not ws.controller.is_rendering())
    panel.storyboard_view.select_ids([scenes[0].id])
    _save(parts, "storyboard-rendered.png")
    parts.window.close()
    parts.shutdown()


def sora_controls(parts: AppParts) -> None:
    """The OpenAI-compatible endpoint with a model id the price table does not know."""
    selector = parts.window.video_panel.provider_selector
    selector.combo.activated.emit(selector.combo.findData("sora"))
    sora = selector.controls[ProviderName.SORA]
    # One at a time: the model, size and duration combos become editable as the endpoint is set.
    for name, text in (
        ("endpoint_edit", "https://videos-gateway.example/v1"),
        ("model_combo", "veo-3.1"),
        ("price_edit", "0.25"),
        ("size_combo", "1920x1080"),
        ("seconds_combo", "6"),
    ):
        widget = getattr(sora, name)
        field = widget.lineEdit() if hasattr(widget, "lineEdit") else widget
        field.setText(text)
        field.editingFinished.emit()
    _save(parts, "sora-controls.png")


def controls(app: QApplication, work: Path) -> None:
    parts = _parts(work / "controls")
    ws, panel = parts.workspace, parts.window.video_panel
    selector = panel.provider_selector
    panel.storyboard_view.select_ids([ws.document.project.scenes[0].id])
    sora_controls(parts)
    selector.combo.activated.emit(selector.combo.findData("veo"))
    veo = selector.controls[ProviderName.VEO]
    veo.seconds_combo.activated.emit(veo.seconds_combo.findData(4))
    veo.resolution_combo.activated.emit(veo.resolution_combo.findData("1080p"))
    _save(parts, "veo-controls.png")
    parts.window.close()
    parts.shutdown()


def error_shown(app: QApplication, work: Path) -> None:
    parts = _parts(work / "error")
    ws, panel = parts.workspace, parts.window.video_panel
    provider = FakeProvider(
        start_error=RateLimitError("Rate limit reached for videos per minute.", retry_after=42)
    )
    ws.controller._router = ProviderRouter(lambda _n, _s: provider)
    ws.editor.set_provider(ProviderName.VEO)
    ws.document.save()
    panel.confirm_render = lambda est: True  # type: ignore[method-assign]
    target = ws.document.project.scenes[2].id
    panel.storyboard_view.select_ids([target])
    panel.request_render([target])
    _wait(app, lambda: panel.error_banner.isVisible())
    _save(parts, "error-rate-limit.png")
    parts.window.close()
    parts.shutdown()


def _variant(folder: Path, name: str, sky: tuple[int, int, int], sea: tuple[int, int, int]) -> str:
    """A 16:9 still of the lighthouse under another sky (a take's thumbnail)."""
    image = Image.new("RGB", (320, 180), sky)
    draw = ImageDraw.Draw(image)
    draw.rectangle([(0, 120), (320, 180)], fill=sea)
    draw.polygon([(140, 180), (150, 60), (170, 60), (180, 180)], fill=(235, 235, 225))
    draw.rectangle([(146, 48), (174, 62)], fill=(255, 214, 102))
    image.save(folder / "thumbs" / name)
    (folder / "clips" / name.replace(".png", ".mp4")).write_bytes(b"clip")
    return name.removesuffix(".png")


def remix_takes(app: QApplication, work: Path) -> None:
    parts = _parts(work / "remix")
    ws, panel = parts.workspace, parts.window.video_panel
    folder = ws.document.folder
    assert folder is not None
    ws.editor.set_provider(ProviderName.SORA)
    scene = ws.document.project.scenes[0]
    looks = [
        ("", (38, 52, 96), (20, 30, 60), 0.40),
        ("Same shot at dawn, warm low sun", (250, 170, 110), (70, 90, 130), 0.40),
        ("A storm rolls in, rain streaks the lens", (70, 74, 82), (35, 40, 48), 0.40),
    ]
    takes = []
    for number, (prompt, sky, sea, usd) in enumerate(looks, 1):
        stem = _variant(folder, f"{scene.id}-take{number}.png", sky, sea)
        takes.append(
            Take(
                job_id=f"video_68d{number}f0c",
                clip_path=f"clips/{stem}.mp4",
                thumbnail_path=f"thumbs/{stem}.png",
                prompt=prompt or scene.prompt,
                remixed_from_job_id="video_68d1f0c" if number > 1 else None,
                billed_usd=usd,
            )
        )
    rendered = scene.model_copy(
        update={
            "state": RenderState.DONE,
            "job_provider": ProviderName.SORA,
            "takes": tuple(takes),
            "billed_usd": 1.2,
        }
    )
    ws.document.replace_scene(choose_take(rendered, 2), dirty=False)
    ws.document.save()
    panel.storyboard_view.select_ids([scene.id])
    _save(parts, "remix-takes.png")
    dialog = RemixDialog(
        ws, scene.id, ["The keeper waves from the gallery", "Night, the beam cuts the fog"], panel
    )
    dialog.show()
    _save(parts, "remix-dialog.png", dialog)
    dialog.close()
    parts.window.close()
    parts.shutdown()


def _seed_gallery() -> None:
    store = GalleryStore(gallery_dir())
    shots = [
        ("Red-capped lighthouse on a rocky coast, morning light", (120, 180, 230), (40, 90, 140)),
        ("The keeper's cottage at sunset, long shadows", (240, 140, 90), (90, 60, 70)),
        ("Storm over the headland, lighthouse beam in rain", (70, 74, 82), (35, 40, 48)),
        ("Fishing boat with lanterns in thick fog, night", (60, 70, 90), (25, 30, 45)),
    ]
    for prompt, sky, sea in shots:
        image = Image.new("RGB", (1536, 1024), sky)
        draw = ImageDraw.Draw(image)
        draw.rectangle([(0, 700), (1536, 1024)], fill=sea)
        draw.polygon([(700, 1024), (730, 330), (806, 330), (836, 1024)], fill=(235, 235, 225))
        draw.rectangle([(716, 270), (820, 336)], fill=(255, 214, 102))
        buffer = io.BytesIO()
        image.save(buffer, "PNG")
        meta = ImageMeta(
            prompt=prompt, provider="openai", model="gpt-image-1", size="1536x1024", created=now()
        )
        store.add(buffer.getvalue(), "image/png", meta)


def images_tab(app: QApplication, work: Path) -> None:
    _seed_gallery()
    parts = _parts(work / "images")
    parts.window.tabs.setCurrentIndex(0)
    panel = parts.window.tabs.widget(0)
    panel.form.prompt.setPlainText(  # type: ignore[attr-defined]
        "The lighthouse from the sea at blue hour, beam sweeping through light fog"
    )
    panel.gallery.select_row(3)  # type: ignore[attr-defined]
    _save(parts, "images-tab.png")
    parts.window.close()
    parts.shutdown()


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    with tempfile.TemporaryDirectory(prefix="imageai-shots-") as tmp:
        work = Path(tmp)
        storyboard_and_jobs(app, work)
        controls(app, work)
        error_shown(app, work)
        remix_takes(app, work)
        images_tab(app, work)
    return 0


if __name__ == "__main__":
    sys.exit(main())
