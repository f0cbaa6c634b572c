"""Inspector and money screenshots from a real X server: the Scene tab of a scene that overrides
the provider (its own controls), the Project tab, and the confirm dialog, at 1024x700 and
1600x1000, light and dark.

Run ``python -m tests.gui.inspector_screenshots`` from the repository root with DISPLAY set (Xvfb
``-screen 0 1920x1200x24`` plus a window manager, so windows have their frame).
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("IMAGEAI_NO_KEYRING", "1")
os.environ.setdefault("IMAGEAI_HOME", tempfile.mkdtemp(prefix="imageai-inspector-shots-"))

from PySide6.QtWidgets import QApplication, QMessageBox

from imageai.app import AppParts, build
from imageai.core.catalog import default_catalog
from imageai.core.ledger import LEDGER_NAME, Ledger
from imageai.core.models import (
    OmniSettings,
    ProviderName,
    RenderState,
    SceneSettings,
    VeoSettings,
)
from imageai.core.render_plan import build_request
from imageai.core.secrets import InMemorySecretStore, KeyName
from imageai.gui.video.render_confirm_dialog import RenderConfirmDialog
from tests.gui.studio_screenshots import SCENES, _frame
from tests.gui.x_screen import OUT, grab, pump, sizes_and_themes


def _project(parts: AppParts, work: Path) -> list[str]:
    """Veo at 720p; scene 2 on Gemini Omni 1.2 at 1080p (its own settings); scene 1 was
    cancelled after its job was billed; scene 4 asks 4 s of a model that renders 8 s."""
    ws = parts.workspace
    ws.editor.set_project_fields("Title", title="The Lighthouse", budget_usd=20.0)
    ws.save_as(work / "lighthouse")
    ws.editor.set_provider(ProviderName.VEO)
    veo = VeoSettings(seconds=8, vertex_project="lighthouse-films")
    ws.editor.set_provider_settings(ProviderName.VEO, veo)
    for prompt in SCENES:
        ws.editor.add_scene(prompt=prompt)
    ids = [s.id for s in ws.document.project.scenes]
    dusk = ws.reference_for(_frame(work, "dusk.png", (70, 90, 150)))
    night = ws.reference_for(_frame(work, "night.png", (18, 24, 52)))
    ws.editor.edit_scene(ids[0], reference_image=dusk)
    own = OmniSettings(model="gemini-omni-1.2-flash", resolution="1080p", seconds=8)
    ws.editor.edit_scene(
        ids[1],
        reference_image=night,
        provider=ProviderName.OMNI,
        provider_settings=SceneSettings(omni=own),
        audio_direction="waves and wind; no music",
    )
    # Scene 4's own Veo settings at 4k, where Veo renders 8 s only: shown invalid, not priced.
    ws.editor.edit_scene(
        ids[3],
        duration=4,
        provider=ProviderName.VEO,
        provider_settings=SceneSettings(veo=veo.model_copy(update={"resolution": "4k"})),
    )
    project = ws.document.project
    folder = ws.document.folder
    assert folder is not None
    request = build_request(ws.catalog, project, project.scene(ids[0]), folder)
    ledger = Ledger(folder / LEDGER_NAME)
    ledger.intent(request)
    ledger.created(request, "veo-op-1", 1.2)
    ws.document.set_project(
        project.update_scene(
            ids[0],
            state=RenderState.CANCELLED,
            job_id="veo-op-1",
            job_provider=ProviderName.VEO,
            billed_usd=1.2,
        )
    )
    ws.document.save()
    return ids


def shoot(app: QApplication) -> None:
    work = Path(tempfile.mkdtemp(prefix="imageai-inspector-project-"))
    secrets = InMemorySecretStore({KeyName.GOOGLE: "AIza-screenshot-only"})
    parts = build(secrets, default_catalog(), checkers={})
    window = parts.window
    window.ask_unsaved = lambda: QMessageBox.StandardButton.Discard  # type: ignore[method-assign]
    window.ask_quit_while_paid = lambda text: True  # type: ignore[method-assign]
    panel = window.video_panel
    window.show()
    pump(500)
    ids = _project(parts, work)
    for shot in sizes_and_themes(app, window):
        panel.storyboard_view.select_ids([ids[1]])
        panel.inspector.show_scene_tab()
        pump(500)
        grab(f"inspector-scene-{shot}.png", window)
        panel.inspector.show_project_tab()
        pump(500)
        grab(f"inspector-project-{shot}.png", window)
        panel.inspector.show_scene_tab()
        # Render all but the invalid scene: the confirm dialog over the window.
        plan = parts.workspace.plan(ids[:3])
        dialog = RenderConfirmDialog(plan, parts.workspace.document.project.billed_usd, window)
        dialog.open()
        pump(600)
        grab(f"confirm-dialog-{shot}.png", window)
        dialog.reject()
        pump(200)
    window.close()
    parts.shutdown()


def main() -> int:
    if not os.environ.get("DISPLAY") or shutil.which("import") is None:
        print("needs an X display (Xvfb + a window manager) and ImageMagick's import")
        return 2
    OUT.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    shoot(app)
    return 0


if __name__ == "__main__":
    sys.exit(main())
