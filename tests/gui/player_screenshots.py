"""Player and timeline screenshots from a real X server: an animatic-rendered storyboard (free,
local) with a scene selected, at 1024x700 and 1600x1000, light and dark; then the take paused
mid-play, its frame painted by the player itself.

Run ``python -m tests.gui.player_screenshots`` from the repository root with DISPLAY set (Xvfb
``-screen 0 1920x1200x24`` plus a window manager, so windows have their frame).
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("IMAGEAI_NO_KEYRING", "1")
os.environ.setdefault("IMAGEAI_HOME", tempfile.mkdtemp(prefix="imageai-player-shots-"))

from PySide6.QtWidgets import QMessageBox

from imageai.app import build, qt_application
from imageai.core.catalog import default_catalog
from imageai.core.models import AnimaticSettings, ProviderName
from imageai.core.secrets import InMemorySecretStore
from tests.gui.x_screen import OUT, grab, pump, sizes_and_themes

SCENES = (
    ("A lighthouse on a black cliff at dusk, waves exploding below, slow push-in", 4),
    ("The beam comes on and sweeps over the sea as night falls", 2),
    ("Close-up: the keeper's hands strike a match and light the great lamp", 3),
    ("Wide shot from the sea: a fishing boat turns toward the light", 5),
)


def main() -> int:
    if not os.environ.get("DISPLAY") or shutil.which("import") is None:
        print("needs an X display (Xvfb + a window manager) and ImageMagick's import")
        return 2
    OUT.mkdir(parents=True, exist_ok=True)
    app, _collector = qt_application(sys.argv)
    work = Path(tempfile.mkdtemp(prefix="imageai-player-project-"))
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
    ws.editor.set_provider_settings(ProviderName.ANIMATIC, AnimaticSettings(seconds=4))
    for prompt, seconds in SCENES:
        ws.editor.add_scene(prompt=prompt)
        ws.editor.edit_scene(ws.document.project.scenes[-1].id, duration=seconds)
    finished: list[int] = []
    ws.render_finished.connect(lambda done, _f, _c: finished.append(done))
    # The last scene stays unrendered: its block and the player say it has no take.
    ws.render([s.id for s in ws.document.project.scenes[:3]])
    for _ in range(600):
        pump(100)
        if finished:
            break
    scenes = ws.document.project.scenes
    panel.storyboard_view.select_ids([scenes[1].id])
    for shot in sizes_and_themes(app, window):
        grab(f"player-timeline-{shot}.png", window)
    # Played for a moment and paused: a frame from the clip, not the poster.
    window.setGeometry(60, 40, 1600, 1000)
    pump(700)
    player = panel.viewer.player
    player.toggle_play()
    pump(1500)
    player.toggle_play()
    pump(500)
    grab("player-paused-mid-take.png", window)
    window.close()
    parts.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
