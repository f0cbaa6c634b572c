"""Joins the Images tab to the video workspace: a gallery image becomes the selected scene's reference."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Slot

from imageai.core.shot import resolve
from imageai.services.storyboard_model import excerpt

#: Characters of the scene's prompt in the "Use as reference for scene N: …" button.
TARGET_PROMPT_CHARS = 24

if TYPE_CHECKING:
    from imageai.gui.images.images_panel import ImagesPanel
    from imageai.gui.main_window import MainWindow


class ImagesLink(QObject):
    """Tells the Images tab the frame the selected scene needs, and takes its chosen reference."""

    def __init__(self, window: MainWindow, gallery_root: Path) -> None:
        super().__init__(window)
        self._window = window
        self._gallery_root = gallery_root
        self._images: ImagesPanel | None = None

    def attach(self, images: ImagesPanel) -> None:
        self._images = images
        images.reference_chosen.connect(self._on_images_reference_chosen)
        images.job_submitted.connect(self._window.ws.jobs.set_label)
        self._window.video_panel.scene_editor.scene_changed.connect(self._show_target)
        self._window.ws.document.project_changed.connect(self._show_target)
        self._show_target()

    def reference_target(self) -> str | None:
        """The scene a gallery image would become the reference of, as the user reads it:
        ``scene 3: A lighthouse at du…``; None when no single scene is selected."""
        scene_id = self._window.video_panel.scene_editor.scene_id
        project = self._window.ws.document.project
        try:
            number = project.index_of(scene_id) + 1 if scene_id is not None else 0
        except KeyError:
            return None
        if not number:
            return None
        prompt = excerpt(project.scenes[number - 1].prompt, TARGET_PROMPT_CHARS)
        return f"scene {number}: {prompt}" if prompt else f"scene {number}"

    @Slot()
    def _show_target(self) -> None:
        if self._images is not None:
            self._images.gallery.set_reference_target(self.reference_target())

    def frame_size(self) -> tuple[int, int] | None:
        """The selected scene's output size (the fitted reference must match it exactly)."""
        scene_id = self._window.video_panel.scene_editor.scene_id
        if scene_id is None:
            return None
        project = self._window.ws.document.project
        return resolve(project, project.scene(scene_id)).frame_size

    def refs_dir(self) -> Path:
        folder = self._window.ws.document.folder
        return folder / "refs" if folder is not None else self._gallery_root / "references"

    @Slot(str)
    def _on_images_reference_chosen(self, path: str) -> None:
        editor = self._window.video_panel.scene_editor
        if editor.scene_id is None:
            self._window.statusBar().showMessage(
                "Select one scene in the Video tab first, then choose “Use as scene reference”."
            )
            return
        target = self.reference_target()
        editor.set_reference(Path(path))
        self._window.tabs.setCurrentWidget(self._window.video_panel)
        self._window.statusBar().showMessage(f"Reference image set for {target}.")
