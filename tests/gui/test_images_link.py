"""The Images tab in the main window: a gallery image becomes the selected scene's reference."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from PIL import Image

from imageai.core.models import ProviderName
from imageai.gui.images.images_panel import ImagesPanel
from imageai.gui.images_link import ImagesLink

if TYPE_CHECKING:
    from pathlib import Path

    from pytestqt.qtbot import QtBot

    from imageai.app import AppParts

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


def images_panel(parts: AppParts) -> ImagesPanel:
    panel = parts.window.tabs.widget(0)
    assert isinstance(panel, ImagesPanel)
    return panel


def test_images_tab_comes_first_and_video_is_shown(app_parts: AppParts) -> None:
    tabs = app_parts.window.tabs
    assert [tabs.tabText(i) for i in range(tabs.count())] == ["Images", "Video"]
    assert tabs.currentWidget() is app_parts.window.video_panel


def test_chosen_image_becomes_the_selected_scenes_reference(
    qtbot: QtBot, app_parts: AppParts, tmp_path: Path
) -> None:
    window, ws = app_parts.window, app_parts.workspace
    ws.editor.add_scene(prompt="A lighthouse at dusk")
    assert window.save_as(tmp_path / "p")
    scene_id = ws.document.project.scenes[0].id
    window.video_panel.scene_editor.set_scene(scene_id)
    panel = images_panel(app_parts)
    window.tabs.setCurrentWidget(panel)

    fitted = tmp_path / "fitted.png"
    Image.new("RGB", (1280, 720), "orange").save(fitted)
    panel.reference_chosen.emit(str(fitted))

    scene = ws.document.project.scene(scene_id)
    assert scene.reference_image is not None
    assert scene.reference_image.startswith("refs/")
    assert (tmp_path / "p" / scene.reference_image).is_file()
    assert window.tabs.currentWidget() is window.video_panel


def test_frame_size_follows_the_scene_provider(app_parts: AppParts, tmp_path: Path) -> None:
    window, ws = app_parts.window, app_parts.workspace
    ws.editor.add_scene(prompt="x")
    scene_id = ws.document.project.scenes[0].id
    link = panel_link(app_parts)
    window.video_panel.scene_editor.set_scene(None)
    assert link.frame_size() is None
    window.video_panel.scene_editor.set_scene(scene_id)
    assert link.frame_size() == (1280, 720)
    ws.editor.edit_scene(scene_id, provider=ProviderName.SORA)
    project = ws.document.project
    ws.document.set_project(
        project.model_copy(
            update={
                "settings": project.settings.model_copy(
                    update={"sora": project.settings.sora.model_copy(update={"size": "720x1280"})}
                )
            }
        )
    )
    assert link.frame_size() == (720, 1280)


def test_no_scene_selected_says_so(app_parts: AppParts, tmp_path: Path) -> None:
    fitted = tmp_path / "f.png"
    Image.new("RGB", (64, 64)).save(fitted)
    images_panel(app_parts).reference_chosen.emit(str(fitted))
    assert "Select one scene" in app_parts.window.statusBar().currentMessage()


def panel_link(parts: AppParts) -> ImagesLink:
    links = parts.window.findChildren(ImagesLink)
    assert len(links) == 1
    return links[0]
