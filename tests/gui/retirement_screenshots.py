"""Screenshots of the retirement offer from a real X server: Xvfb ``-screen 0 1920x1200x24``.

Run ``python -m tests.gui.retirement_screenshots`` with DISPLAY set (Xvfb plus a window manager,
so windows have their frames); the screen is read with ImageMagick's ``import``. It opens a
project saved on Veo 3.1 preview (Gemini API, shut down 2026-10-22), shows the note and the
"Move to" button, then the move dialog with the cost before and after.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("IMAGEAI_NO_KEYRING", "1")
os.environ.setdefault("IMAGEAI_HOME", tempfile.mkdtemp(prefix="imageai-retire-shots-"))

from PySide6.QtWidgets import QApplication, QMessageBox

from imageai.app import build
from imageai.core import project_store
from imageai.core.catalog import default_catalog
from imageai.core.models import Project, ProviderName, Scene, VeoBackend, VeoSettings
from imageai.core.secrets import InMemorySecretStore
from tests.gui.x_screen import OUT, grab, pump

PROMPTS = [
    "A lighthouse on a black cliff at dusk, waves exploding below, slow push-in",
    "Close-up: the keeper's hands strike a match and light the great lamp",
    "Wide shot from the sea: the beam sweeps across thick rolling fog",
]


def _old_project(folder: Path) -> Path:
    veo = VeoSettings(
        backend=VeoBackend.GEMINI, model="veo-3.1-generate-preview", aspect="16:9", seconds=8
    )
    project = Project(
        title="The Lighthouse (2025)",
        provider=ProviderName.VEO,
        settings=Project().settings.model_copy(update={"veo": veo}),
        scenes=tuple(Scene(prompt=p) for p in PROMPTS),
    )
    project_store.save(project, folder)
    return folder


def main() -> int:
    if not os.environ.get("DISPLAY") or shutil.which("import") is None:
        print("needs an X display (Xvfb + a window manager) and ImageMagick's import")
        return 2
    OUT.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    folder = _old_project(Path(tempfile.mkdtemp(prefix="imageai-retired-")) / "lighthouse")
    parts = build(InMemorySecretStore(), default_catalog(), checkers={})
    parts.window.ask_unsaved = lambda: QMessageBox.StandardButton.Discard  # type: ignore[method-assign]
    parts.window.setGeometry(60, 40, 1440, 900)
    parts.window.show()
    assert parts.window.open_project(folder)
    pump(800)
    grab("retirement-note.png", parts.window)
    veo = parts.window.video_panel.provider_selector.controls[ProviderName.VEO]
    dialog = veo.open_move_dialog()
    dialog.resize(640, 360)
    pump(600)
    grab("retirement-move-dialog.png", dialog)
    dialog.reject()
    parts.window.close()
    parts.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
