"""Jobs keep their scene's current number, image jobs and images are named apart, and the
gallery says which scene "Use as reference" changes."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from imageai.core.image_catalog import ImageProviderName
from imageai.gui.images.images_panel import ImagesPanel
from tests.gui.test_images_panel import ScriptedImages

if TYPE_CHECKING:
    import threading
    from collections.abc import Iterator

    from pytestqt.qtbot import QtBot

    from imageai.app import AppParts

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


def _images(parts: AppParts) -> ImagesPanel:
    panel = parts.window.tabs.widget(0)
    assert isinstance(panel, ImagesPanel)
    return panel


def _nothing(cancel: threading.Event) -> Iterator[object]:
    yield from ()


def test_job_labels_follow_the_scene_numbers_after_an_insert(
    qtbot: QtBot, app_parts: AppParts
) -> None:
    ws = app_parts.workspace
    ws.editor.add_scene(prompt="One")
    ws.editor.add_scene(prompt="Two")
    second = ws.document.project.scenes[1].id
    with qtbot.wait_signal(ws.runner.job_finished, timeout=5000):
        ws.runner.submit(_nothing, f"render-{second}")
    assert [r.label for r in ws.jobs.rows()] == ["Scene 2"]
    ws.editor.add_scene(0, prompt="A new opening")
    new = ws.document.project.scenes[1].id
    with qtbot.wait_signal(ws.runner.job_finished, timeout=5000):
        ws.runner.submit(_nothing, f"render-{new}")
    assert [r.label for r in ws.jobs.rows()] == ["Scene 3", "Scene 2"]
    index = ws.jobs.index(0, 0)
    assert ws.jobs.data(index) == "Scene 3"


def test_image_jobs_and_images_are_named_apart(
    qtbot: QtBot, app_parts: AppParts, monkeypatch: pytest.MonkeyPatch
) -> None:
    panel = _images(app_parts)
    monkeypatch.setattr(panel, "_provider_for", lambda _name: ScriptedImages())
    panel.form.select(ImageProviderName.OPENAI, "gpt-image-1-mini")
    panel.form.prompt.setPlainText("a lighthouse at dusk")
    panel.form.count.setValue(2)
    with qtbot.wait_signal(panel.generation_finished, timeout=5000):
        panel.form.generate.click()
    labels = [r.label for r in app_parts.workspace.jobs.rows()]
    assert labels == ["Image: a lighthouse at dusk"]
    captions = [panel.model.index(row, 0).data() for row in range(panel.model.rowCount())]
    assert len(captions) == 2
    assert len(set(captions)) == 2, captions
    assert all(c.startswith("a lighthouse at dusk\n") for c in captions)


def test_use_as_reference_names_the_scene_it_will_change(app_parts: AppParts) -> None:
    window, ws = app_parts.window, app_parts.workspace
    ws.editor.add_scene(prompt="The lighthouse at dusk")
    ws.editor.add_scene(prompt="Waves break on the rocks below the tower")
    gallery = _images(app_parts).gallery
    button = gallery.buttons["reference"]
    window.video_panel.storyboard_view.select_ids([ws.document.project.scenes[1].id])
    assert button.text() == "Use as reference for scene 2: Waves break on the rock…"
    waves = ws.document.project.scenes[1].id
    ws.editor.add_scene(0, prompt="An opening")  # selects the new scene 1
    assert button.text() == "Use as reference for scene 1: An opening"
    window.video_panel.storyboard_view.select_ids([waves])
    assert button.text().startswith("Use as reference for scene 3: Waves")
    ws.editor.edit_scene(waves, prompt="Gulls over the tower")
    assert button.text() == "Use as reference for scene 3: Gulls over the tower"
    window.video_panel.storyboard_view.select_ids([])
    assert button.text() == "Use as scene reference…"
    assert "Select one scene" in button.toolTip()
