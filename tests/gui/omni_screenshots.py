"""Gemini Omni screenshots from a real X server: Xvfb ``-screen 0 1920x1200x24``.

Run ``python -m tests.gui.omni_screenshots`` with DISPLAY set (Xvfb plus a window manager, so
the window has its frame); the screen is read with ImageMagick's ``import``.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("IMAGEAI_NO_KEYRING", "1")
os.environ.setdefault("IMAGEAI_HOME", tempfile.mkdtemp(prefix="imageai-omni-shots-"))

from PIL import Image, ImageDraw
from PySide6.QtWidgets import QApplication, QMessageBox

from imageai.app import build
from imageai.core.catalog import default_catalog
from imageai.core.models import OmniContinuity, ProviderName
from imageai.core.secrets import InMemorySecretStore, KeyName
from imageai.gui.video.omni_controls_widget import OmniControlsWidget
from tests.gui.x_screen import OUT, grab, pump

SCENES = [
    (
        "A lighthouse on a black cliff at dusk, waves exploding below, slow push-in",
        "no dialogue; waves and wind; no music",
    ),
    (
        "The beam comes on and sweeps over the sea as night falls",
        "deep foghorn, then only the wind",
    ),
    (
        "Close-up: the keeper's hands strike a match and light the great lamp",
        "match strike, hiss of the flame; no music",
    ),
    ("Wide shot from the sea: a fishing boat turns toward the light", "soft engine, gulls"),
]


def _frame(folder: Path, name: str, sky: tuple[int, int, int]) -> Path:
    image = Image.new("RGB", (1280, 720), sky)
    draw = ImageDraw.Draw(image)
    draw.rectangle([(0, 520), (1280, 720)], fill=(20, 34, 60))
    draw.polygon([(580, 720), (610, 250), (670, 250), (700, 720)], fill=(230, 230, 220))
    draw.rectangle([(598, 200), (682, 252)], fill=(255, 214, 102))
    path = folder / name
    image.save(path)
    return path


def main() -> int:
    if not os.environ.get("DISPLAY") or shutil.which("import") is None:
        print("needs an X display (Xvfb + a window manager) and ImageMagick's import")
        return 2
    OUT.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    work = Path(tempfile.mkdtemp(prefix="imageai-omni-project-"))
    # A Gemini key and nothing else: the app starts the new project on Omni by itself.
    parts = build(InMemorySecretStore({KeyName.GOOGLE: "gemini-key-for-shots"}), default_catalog())
    parts.window.ask_unsaved = lambda: QMessageBox.StandardButton.Discard  # type: ignore[method-assign]
    parts.window.setGeometry(60, 40, 1440, 900)
    parts.window.show()
    pump(800)
    ws, panel = parts.workspace, parts.window.video_panel
    assert ws.document.project.provider is ProviderName.OMNI, ws.document.project.provider
    ws.editor.set_project_fields("Title", title="The Lighthouse")
    ws.save_as(work / "lighthouse")
    for prompt, _audio in SCENES:
        ws.editor.add_scene(prompt=prompt)
    scenes = ws.document.project.scenes
    for scene, (_prompt, audio) in zip(scenes, SCENES, strict=True):
        ws.editor.edit_scene(scene.id, audio_direction=audio)
    first = ws.reference_for(_frame(work, "dusk.png", (70, 90, 150)))
    last = ws.reference_for(_frame(work, "night.png", (18, 24, 52)))
    ws.editor.edit_scene(scenes[1].id, reference_image=first, last_frame_image=last)
    ws.editor.edit_scene(scenes[3].id, continuity=OmniContinuity.EXTEND)
    controls = panel.provider_selector.controls[ProviderName.OMNI]
    assert isinstance(controls, OmniControlsWidget)
    controls.apply(model="gemini-omni-1.2-flash", resolution="1080p", seconds=8)
    ws.document.save()
    panel.storyboard_view.select_ids([scenes[1].id])
    pump()
    grab("omni-controls.png", parts.window)
    panel.provider_selector.combo.showPopup()
    pump()
    grab("provider-selector.png", parts.window)
    panel.provider_selector.combo.hidePopup()
    parts.window.close()
    parts.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
