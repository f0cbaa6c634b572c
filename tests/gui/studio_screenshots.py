"""Studio screenshots from a real X server: the keys dialog without a keyring, and the main
window at 1024x700 and 1600x1000, in the light and the dark theme.

Run ``python -m tests.gui.studio_screenshots`` from the repository root with DISPLAY set (Xvfb
``-screen 0 1920x1200x24`` plus a window manager, so windows have their frame).
"""

from __future__ import annotations

import importlib
import os
import shutil
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("IMAGEAI_NO_KEYRING", "1")
os.environ.setdefault("IMAGEAI_HOME", tempfile.mkdtemp(prefix="imageai-studio-shots-"))

from PIL import Image, ImageDraw
from PySide6.QtWidgets import QApplication, QMessageBox

from imageai.app import build
from imageai.core.catalog import default_catalog
from imageai.core.models import ProviderName, RenderState, VeoSettings
from imageai.core.secrets import InMemorySecretStore, KeyName, KeyringSecretStore
from imageai.gui.settings.keys_dialog import KeysDialog
from imageai.gui.theme import apply_theme
from imageai.services.app_settings import SettingsStore, Theme
from imageai.services.key_check_service import KeyCheckService
from tests.gui.x_screen import OUT, THEMES, grab, pump, sizes_and_themes

SCENES = (
    "A lighthouse on a black cliff at dusk, waves exploding below, slow push-in",
    "The beam comes on and sweeps over the sea as night falls",
    "Close-up: the keeper's hands strike a match and light the great lamp",
    "Wide shot from the sea: a fishing boat turns toward the light",
)


def _frame(folder: Path, name: str, sky: tuple[int, int, int]) -> Path:
    image = Image.new("RGB", (1280, 720), sky)
    draw = ImageDraw.Draw(image)
    draw.rectangle([(0, 520), (1280, 720)], fill=(20, 34, 60))
    draw.polygon([(580, 720), (610, 250), (670, 250), (700, 720)], fill=(230, 230, 220))
    draw.rectangle([(598, 200), (682, 252)], fill=(255, 214, 102))
    path = folder / name
    image.save(path)
    return path


def keys_without_keyring(app: QApplication) -> None:
    """No keyring backend (a headless Linux machine), a Gemini key in the environment."""
    fail = importlib.import_module("keyring.backends.fail")
    importlib.import_module("keyring.core").set_keyring(fail.Keyring())
    service = KeyCheckService(
        KeyringSecretStore(), {}, environ={"GEMINI_API_KEY": "from-the-environment"}
    )
    dialog = KeysDialog(service, SettingsStore(Path(tempfile.mkdtemp()) / "settings.json"))
    dialog.setGeometry(80, 60, 900, 520)
    dialog.show()
    pump(500)
    dialog.edits[KeyName.OPENAI].setText("sk-typed-but-not-saved")
    dialog.save_button.click()
    for _ in range(50):
        pump(100)
        if dialog.save_button.isEnabled():
            break
    pump(300)
    for theme, name in THEMES:  # a dialog: its own size whatever the window's
        apply_theme(app, theme)
        pump(400)
        grab(f"keys-no-keyring-{name}.png", dialog)
    apply_theme(app, Theme.LIGHT)
    dialog.close()
    service.shutdown()


def main_window(app: QApplication) -> None:
    work = Path(tempfile.mkdtemp(prefix="imageai-studio-project-"))
    parts = build(InMemorySecretStore(), default_catalog(), checkers={})
    parts.window.ask_unsaved = lambda: QMessageBox.StandardButton.Discard  # type: ignore[method-assign]
    parts.window.setGeometry(60, 40, 1024, 700)
    parts.window.show()
    pump(800)
    ws, panel = parts.workspace, parts.window.video_panel
    ws.editor.set_project_fields("Title", title="The Lighthouse")
    ws.save_as(work / "lighthouse")
    apply_theme(app, Theme.LIGHT)
    pump()
    grab("studio-empty-1024-light.png", parts.window)
    ws.editor.set_provider(ProviderName.VEO)
    ws.editor.set_provider_settings(ProviderName.VEO, VeoSettings(seconds=8))
    for prompt in SCENES:
        ws.editor.add_scene(prompt=prompt)
    scenes = ws.document.project.scenes
    dusk = ws.reference_for(_frame(work, "dusk.png", (70, 90, 150)))
    night = ws.reference_for(_frame(work, "night.png", (18, 24, 52)))
    ws.editor.edit_scene(scenes[0].id, reference_image=dusk)
    ws.editor.edit_scene(scenes[1].id, reference_image=night, provider=ProviderName.OMNI)
    billed = ws.document.project.update_scene(
        scenes[0].id, state=RenderState.DONE, billed_usd=1.2, job_id="veo-op-1"
    )
    ws.document.set_project(billed)
    ws.document.save()
    panel.storyboard_view.select_ids([scenes[1].id])
    for shot in sizes_and_themes(app, parts.window):
        grab(f"studio-{shot}.png", parts.window)
    parts.window.close()
    parts.shutdown()


def main() -> int:
    if not os.environ.get("DISPLAY") or shutil.which("import") is None:
        print("needs an X display (Xvfb + a window manager) and ImageMagick's import")
        return 2
    OUT.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    keys_without_keyring(app)
    main_window(app)
    return 0


if __name__ == "__main__":
    sys.exit(main())
