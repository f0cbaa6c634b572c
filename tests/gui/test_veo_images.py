"""Veo per-scene reference images and last frame in the scene editor: shown, stored, undoable."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PIL import Image

from imageai.core.models import ProviderName
from imageai.gui.video.workspace_panel import VideoWorkspacePanel

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from pytestqt.qtbot import QtBot

    from imageai.services.video_workspace import VideoWorkspace


def _images(folder: Path, count: int) -> list[Path]:
    folder.mkdir(exist_ok=True)
    paths = []
    for n in range(count):
        path = folder / f"ref{n}.png"
        Image.new("RGB", (32, 18), (40 * n, 90, 160)).save(path)
        paths.append(path)
    return paths


def _panel(qtbot: QtBot, ws: VideoWorkspace) -> VideoWorkspacePanel:
    panel = VideoWorkspacePanel(ws)
    qtbot.add_widget(panel)
    panel.storyboard_view.select_ids([ws.document.project.scenes[0].id])
    return panel


def _use_veo_model(ws: VideoWorkspace, model: str) -> None:
    veo = ws.document.project.settings.veo.model_copy(update={"model": model})
    ws.editor.set_provider_settings(ProviderName.VEO, veo)


def test_shown_only_for_a_veo_scene_whose_model_takes_them(
    qtbot: QtBot, make_workspace: Callable[..., VideoWorkspace]
) -> None:
    ws = make_workspace(scenes=1)
    panel = _panel(qtbot, ws)
    images = panel.scene_editor.veo_images
    assert images.isHidden()
    ws.editor.set_provider(ProviderName.VEO)
    assert not images.isHidden()
    assert images.refs_hint.text().startswith("0 of 3 · ")
    _use_veo_model(ws, "veo-3.1-lite-generate-preview")  # last frame only
    assert not images.isHidden()
    assert not images.form.isRowVisible(0)
    assert images.form.isRowVisible(1)
    _use_veo_model(ws, "veo-3.0-generate-001")  # neither
    assert images.isHidden()
    # A scene override counts, not only the project's provider.
    ws.editor.set_provider(ProviderName.ANIMATIC)
    _use_veo_model(ws, "veo-3.1-fast-generate-preview")
    scene_id = ws.document.project.scenes[0].id
    ws.editor.edit_scene(scene_id, provider=ProviderName.VEO)
    assert not images.isHidden()


def test_references_are_stored_under_refs_limited_and_undoable(
    qtbot: QtBot, tmp_path: Path, make_workspace: Callable[..., VideoWorkspace]
) -> None:
    ws = make_workspace(scenes=1)
    panel = _panel(qtbot, ws)
    images = panel.scene_editor.veo_images
    ws.editor.set_provider(ProviderName.VEO)
    scene_id = ws.document.project.scenes[0].id
    sources = _images(tmp_path / "picked", 4)
    for source in sources[:3]:
        images.add_reference(source)
    refs = ws.document.project.scene(scene_id).extra_reference_images
    assert len(refs) == 3
    assert all(r.startswith("refs/ref") for r in refs)
    assert all((ws.document.folder / r).is_file() for r in refs)  # type: ignore[operator]
    assert images.refs_hint.text().startswith("3 of 3 · ")
    assert not images.add_button.isEnabled()
    with qtbot.wait_signal(images.image_failed) as failed:
        images.add_reference(sources[3])
    assert failed.args == [
        "Veo 3.1 Fast takes at most 3 reference images per scene; remove one before adding another"
    ]
    assert len(ws.document.project.scene(scene_id).extra_reference_images) == 3
    assert panel.error_banner.advice is not None
    assert panel.error_banner.advice.title == "Cannot use that image"
    images.remove_reference(0)
    assert ws.document.project.scene(scene_id).extra_reference_images == refs[1:]
    ws.editor.undo_stack.undo()
    assert ws.document.project.scene(scene_id).extra_reference_images == refs
    images.set_last_frame(sources[0])
    assert ws.document.project.scene(scene_id).last_frame_image == refs[0]
    assert images.last_frame_label.text() == "ref0-" + refs[0].split("-")[-1]
    ws.editor.undo_stack.undo()
    assert ws.document.project.scene(scene_id).last_frame_image is None
    assert images.last_frame_label.text() == "none"


def test_images_picked_before_the_first_save_move_into_refs(
    qtbot: QtBot, tmp_path: Path, make_workspace: Callable[..., VideoWorkspace]
) -> None:
    ws = make_workspace(scenes=1)
    ws.editor.set_provider(ProviderName.VEO)
    ws.new_project()
    ws.editor.add_scene(prompt="A lighthouse")
    ws.editor.set_provider(ProviderName.VEO)
    panel = _panel(qtbot, ws)
    first, last = _images(tmp_path / "picked", 2)
    panel.scene_editor.veo_images.add_reference(first)
    panel.scene_editor.veo_images.set_last_frame(last)
    scene = ws.document.project.scenes[0]
    assert scene.extra_reference_images == (str(first),)
    ws.save_as(tmp_path / "saved")
    scene = ws.document.project.scenes[0]
    assert scene.extra_reference_images[0].startswith("refs/ref0-")
    assert scene.last_frame_image is not None
    assert scene.last_frame_image.startswith("refs/ref1-")
