"""`VeoImagesWidget`: a Veo or Omni scene's reference images and last frame, as its model allows."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import (
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from imageai.core.errors import ImageAIError, ValidationError
from imageai.gui.hint_label import HintLabel
from imageai.gui.video.image_row import image_row
from imageai.services.controls_state import (
    SceneImageOptions,
    scene_image_options,
    with_reference_added,
)
from imageai.services.omni_controls_state import image_hints

if TYPE_CHECKING:
    from imageai.core.models import Scene
    from imageai.services.video_workspace import VideoWorkspace

IMAGE_FILTER = "Images (*.png *.jpg *.jpeg *.webp *.bmp)"


class VeoImagesWidget(QWidget):
    """Shown only for a Veo or Omni scene whose model takes reference images or a last frame.

    Every change goes through the `StoryboardEditor` (undoable).

    Signals:
        image_failed(message): a picked image cannot be used, or one too many
    """

    image_failed = Signal(str)

    def __init__(self, workspace: VideoWorkspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ws = workspace
        self._scene_id: str | None = None
        self.options = SceneImageOptions()
        self.refs_list = QListWidget()
        self.refs_list.setMaximumHeight(60)
        self.refs_empty = QLabel("none")
        self.add_button = QPushButton("Add…")
        self.add_button.clicked.connect(self._on_add_button_clicked)
        self.remove_button = QPushButton("Remove")
        self.remove_button.clicked.connect(self._on_remove_button_clicked)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        refs_row = QHBoxLayout()
        refs_row.addWidget(self.refs_list, 1)
        refs_row.addWidget(self.refs_empty, 1)
        refs_row.addLayout(buttons)
        # Word-wrapped (one line was wider than the inspector at 1024x700), a readable grey.
        self.refs_hint = HintLabel()
        refs = QVBoxLayout()
        refs.addLayout(refs_row)
        refs.addWidget(self.refs_hint)
        self.last_frame_label = QLabel("none")
        last_row = image_row(
            self.last_frame_label, self._on_last_pick_clicked, self._on_last_clear_clicked
        )
        self.form = QFormLayout(self)
        self.form.setContentsMargins(0, 0, 0, 0)
        # As in the scene editor's form: in a narrow inspector a field goes under its label.
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.refs_title = QLabel("Asset references")
        self.form.addRow(self.refs_title, refs)
        self.last_frame_title = QLabel("Last frame")
        self.form.addRow(self.last_frame_title, last_row)
        workspace.document.project_changed.connect(self._refresh)
        self._refresh()

    def labels(self) -> list[QLabel]:
        """The row labels, so the scene editor can line them up with its own."""
        return [self.refs_title, self.last_frame_title]

    def set_scene(self, scene_id: str | None) -> None:
        self._scene_id = scene_id
        self._refresh()

    def _scene(self) -> Scene | None:
        if self._scene_id is None:
            return None
        try:
            return self._ws.document.project.scene(self._scene_id)
        except KeyError:
            return None

    @Slot()
    def _refresh(self) -> None:
        scene = self._scene()
        project = self._ws.document.project
        self.options = (
            scene_image_options(self._ws.catalog, project, scene) if scene else SceneImageOptions()
        )
        self.setVisible(self.options.shown)
        if scene is None or not self.options.shown:
            return
        most = self.options.max_reference_images
        self.form.setRowVisible(0, most > 0)
        self.form.setRowVisible(1, self.options.last_frame)
        names = [Path(p).name for p in scene.extra_reference_images]
        if [self.refs_list.item(i).text() for i in range(self.refs_list.count())] != names:
            self.refs_list.clear()
            self.refs_list.addItems(names)
        count = len(scene.extra_reference_images)
        self.refs_list.setVisible(count > 0)
        self.refs_empty.setVisible(count == 0)
        self.add_button.setEnabled(count < most)
        self.add_button.setToolTip(
            "Add an image of a character, object or style to keep"
            if count < most
            else f"{self.options.model_label} takes at most {most}; remove one first"
        )
        self.remove_button.setEnabled(count > 0)
        hints = image_hints(self.options, count)
        self.refs_hint.setText(hints.refs_hint)
        self.refs_hint.setToolTip(hints.refs_tip)
        self.last_frame_label.setToolTip(hints.last_frame_tip)
        self.last_frame_label.setText(
            Path(scene.last_frame_image).name if scene.last_frame_image else "none"
        )

    def add_reference(self, source: Path) -> None:
        """Store ``source`` under refs/ and add it to the scene's reference images."""
        scene = self._scene()
        if scene is None:
            return
        try:
            stored = self._ws.reference_for(source)
            refs = with_reference_added(self.options, scene.extra_reference_images, stored)
        except ValidationError as exc:
            self.image_failed.emit(exc.message)
            return
        except (OSError, ImageAIError) as exc:
            self.image_failed.emit(str(exc))
            return
        self._ws.editor.edit_scene(scene.id, extra_reference_images=refs)

    def remove_reference(self, row: int) -> None:
        scene = self._scene()
        if scene is not None and 0 <= row < len(scene.extra_reference_images):
            refs = scene.extra_reference_images
            self._ws.editor.edit_scene(
                scene.id, extra_reference_images=refs[:row] + refs[row + 1 :]
            )

    def set_last_frame(self, source: Path | None) -> None:
        scene = self._scene()
        if scene is None:
            return
        try:
            stored = self._ws.reference_for(source) if source is not None else None
        except (OSError, ImageAIError) as exc:
            self.image_failed.emit(str(exc))
            return
        self._ws.editor.edit_scene(scene.id, last_frame_image=stored)

    @Slot()
    def _on_add_button_clicked(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Reference image", "", IMAGE_FILTER)
        if path:
            self.add_reference(Path(path))

    @Slot()
    def _on_remove_button_clicked(self) -> None:
        row = self.refs_list.currentRow()
        self.remove_reference(row if row >= 0 else self.refs_list.count() - 1)

    @Slot()
    def _on_last_pick_clicked(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Last frame", "", IMAGE_FILTER)
        if path:
            self.set_last_frame(Path(path))

    @Slot()
    def _on_last_clear_clicked(self) -> None:
        self.set_last_frame(None)
