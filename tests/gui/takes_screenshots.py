"""Takes screenshot from a real X server: an animatic storyboard whose first scene was rendered,
edited and rendered again twice (three takes kept), at 1024x700 and 1600x1000, light and dark.

Run ``python -m tests.gui.takes_screenshots`` from the repository root with DISPLAY set (Xvfb
``-screen 0 1920x1200x24`` plus a window manager, so windows have their frame).
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("IMAGEAI_NO_KEYRING", "1")
os.environ.setdefault("IMAGEAI_HOME", tempfile.mkdtemp(prefix="imageai-takes-shots-"))

from PySide6.QtWidgets import QApplication, QMessageBox

from imageai.app import build
from imageai.core.catalog import default_catalog
from imageai.core.models import AnimaticSettings, ProviderName
from imageai.core.secrets import InMemorySecretStore
from tests.gui.x_screen import OUT, grab, pump, sizes_and_themes

SCENES = (
    "A lighthouse on a black cliff at dusk, waves exploding below, slow push-in",
    "The beam comes on and sweeps over the sea as night falls",
    "Close-up: the keeper's hands strike a match and light the great lamp",
)
#: Scene 1 as it was edited between its takes.
EDITS = (
    "A lighthouse on a black cliff at night, storm clouds, slow push-in",
    "A lighthouse on a black cliff at dawn, calm sea, slow push-in",
)


def _render_all(ws: object) -> None:
    finished: list[int] = []
    ws.render_finished.connect(lambda done, _f, _c: finished.append(done))  # type: ignore[attr-defined]
    ws.render([s.id for s in ws.document.project.scenes])  # type: ignore[attr-defined]
    for _ in range(600):
        pump(100)
        if finished:
            return


def main() -> int:
    if not os.environ.get("DISPLAY") or shutil.which("import") is None:
        print("needs an X display (Xvfb + a window manager) and ImageMagick's import")
        return 2
    OUT.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    work = Path(tempfile.mkdtemp(prefix="imageai-takes-project-"))
    parts = build(InMemorySecretStore(), default_catalog(), checkers={})
    window = parts.window
    window.ask_unsaved = lambda: QMessageBox.StandardButton.Discard  # type: ignore[method-assign]
    window.setGeometry(60, 40, 1024, 700)
    window.show()
    pump(800)
    ws, panel = parts.workspace, window.video_panel
    ws.editor.set_project_fields("Title", title="The Lighthouse")
    ws.save_as(work / "lighthouse")
    ws.editor.set_provider(ProviderName.ANIMATIC)
    ws.editor.set_provider_settings(ProviderName.ANIMATIC, AnimaticSettings(seconds=3))
    for prompt in SCENES:
        ws.editor.add_scene(prompt=prompt)
    _render_all(ws)
    first = ws.document.project.scenes[0].id
    for prompt in EDITS:  # each edit changes scene 1 since its take: Render makes a new one
        ws.editor.edit_scene(first, prompt=prompt)
        _render_all(ws)
    # Scene 2 edited after its render: its card says it changed since its take.
    ws.editor.edit_scene(ws.document.project.scenes[1].id, prompt=SCENES[1] + ", rain")
    panel.storyboard_view.select_ids([first])
    for shot in sizes_and_themes(app, window):
        grab(f"takes-storyboard-{shot}.png", window)
    window.close()
    parts.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
