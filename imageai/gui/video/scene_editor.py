"""`SceneEditorPanel`: one scene's prompt, duration, reference image and provider override."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import (
    QBoxLayout,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from imageai.core.errors import ImageAIError
from imageai.core.models import OmniContinuity, ProviderName
from imageai.core.provider_names import PROVIDER_LABELS
from imageai.gui.binding import bind, end_editing
from imageai.gui.scrolled import scrolled
from imageai.gui.video.image_row import image_row
from imageai.gui.video.inspector_scene_settings import SceneProviderSettingsWidget
from imageai.gui.video.takes_strip import TakesStripWidget
from imageai.gui.video.veo_images_widget import VeoImagesWidget
from imageai.services.controls_state import rendered_prompt, scene_seconds
from imageai.services.omni_controls_state import omni_scene_fields

if TYPE_CHECKING:
    from PySide6.QtGui import QDragEnterEvent, QDropEvent, QResizeEvent

    from imageai.core.models import Scene
    from imageai.gui.binding import Choice
    from imageai.services.video_workspace import VideoWorkspace

IMAGE_FILTER = "Images (*.png *.jpg *.jpeg *.webp *.bmp)"
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".webp", ".bmp"}
AUDIO_PLACEHOLDER = "e.g. no dialogue; waves and wind; no music"
#: Below this width the editor's two columns stack.
REFLOW_WIDTH = 620
#: The Provider combo: the project's provider (no override) or one of them for this scene.
PROVIDER_CHOICES: list[Choice] = [
    ("Project's provider", None),
    *((label, name.value) for name, label in PROVIDER_LABELS.items()),
]


def _form_labels(form: QFormLayout) -> list[QLabel]:
    items = (form.itemAt(row, QFormLayout.ItemRole.LabelRole) for row in range(form.rowCount()))
    return [w for item in items if item is not None and isinstance(w := item.widget(), QLabel)]


def _line_up_labels(labels: list[QLabel]) -> None:
    """One label column across the editor's form and the Veo images form below it."""
    width = max((label.sizeHint().width() for label in labels), default=0)
    for label in labels:
        label.setMinimumWidth(width)


class SceneEditorPanel(QWidget):
    """Edits the current scene through the `StoryboardEditor` (every change is undoable).

    Signals:
        reference_failed(message): a picked or dropped file could not be used
        scene_changed(scene_id or None): another scene (or none) is shown
        refreshed(): the scene was shown again (selected, or the project changed); the bound
            Duration and Provider combos follow it
    """

    reference_failed = Signal(str)
    #: The scene shown changed (its id, or None).
    scene_changed = Signal(object)
    refreshed = Signal()

    def __init__(self, workspace: VideoWorkspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ws = workspace
        self._scene_id: str | None = None
        self.setAcceptDrops(True)
        self.prompt_edit = QPlainTextEdit()
        self.prompt_edit.setPlaceholderText("Describe the shot: subject, action, camera, light…")
        self.prompt_edit.setTabChangesFocus(True)  # a prompt never needs a tab character
        self.prompt_edit.setMinimumHeight(60)
        # Room for a paragraph; the rest of the inspector's height goes to the scene's settings.
        self.prompt_edit.setMaximumHeight(140)
        self.prompt_edit.textChanged.connect(self._on_prompt_edit_text_changed)
        self.duration_combo = QComboBox()
        self.provider_combo = QComboBox()
        # Sized to ~20 characters, not its longest label: the inspector is one of three columns.
        self.provider_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.provider_combo.setMinimumContentsLength(20)
        # Bound, not refilled: they follow the shown scene and write a pick back as one
        # undoable edit; a project change that leaves their choices alone keeps their items.
        self.bindings = [
            bind(
                self.duration_combo,
                self.refreshed,
                lambda: self._scene_field("duration"),
                lambda seconds: self._edit(duration=seconds),
                self.duration_choices,
            ),
            bind(
                self.provider_combo,
                self.refreshed,
                self._provider_data,
                lambda data: self._edit(provider=ProviderName(data) if data else None),
                lambda: PROVIDER_CHOICES,
            ),
        ]
        # Omni always generates sound; this line steers it (the Omni template adds it).
        self.audio_edit = QLineEdit()
        self.audio_edit.setPlaceholderText(AUDIO_PLACEHOLDER)
        self.audio_edit.setToolTip(
            "What the scene should sound like; Gemini Omni always adds audio."
        )
        self.audio_edit.editingFinished.connect(self._on_audio_edit_editing_finished)
        self.extend_check = QCheckBox("Continues the previous clip (extend)")
        self.extend_check.clicked.connect(self._on_extend_check_clicked)
        self.reference_label = QLabel("none")
        self.reference_label.setWordWrap(True)
        ref_row = image_row(self.reference_label, self._on_pick_clicked, self._on_clear_clicked)
        self.sent_prompt = QPlainTextEdit()
        self.sent_prompt.setReadOnly(True)
        self.sent_prompt.setObjectName("sentPrompt")
        form = QFormLayout()
        # In a narrow inspector (or once the scroll bar takes its width) a field goes under its
        # label instead of being cut at the tab's edge.
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.addRow("Duration", self.duration_combo)
        form.addRow("Provider", self.provider_combo)
        form.addRow("Reference image", ref_row)
        form.addRow("Audio", self.audio_edit)
        form.addRow("", self.extend_check)
        self.form = form
        left = QVBoxLayout()
        self.title_label = QLabel("No scene selected")
        bold = self.title_label.font()
        bold.setBold(True)
        self.title_label.setFont(bold)  # a font, not a style sheet: it follows theme changes
        left.addWidget(self.title_label)
        left.addWidget(self.prompt_edit)
        left.addLayout(form)
        # Right under the prompt it renders, so comparing takes needs no scrolling at 1024x700.
        self.takes_strip = TakesStripWidget(workspace)
        left.addWidget(self.takes_strip)
        self.veo_images = VeoImagesWidget(workspace)
        left.addWidget(self.veo_images)
        # The overriding provider's own model, shape and duration for this scene only.
        self.scene_settings = SceneProviderSettingsWidget(workspace)
        left.addWidget(self.scene_settings)
        # Rows keep their natural height; a tall inspector's spare height goes below them.
        left.addStretch(1)
        _line_up_labels([*_form_labels(form), *self.veo_images.labels()])
        right = QVBoxLayout()
        sent_title = QLabel("Prompt that will be sent (from the template)")
        sent_title.setWordWrap(True)
        right.addWidget(sent_title)
        right.addWidget(self.sent_prompt)
        right.addStretch(1)
        self._left, self._right = left, right
        self.columns = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self.columns.addLayout(left, 3)
        self.columns.addLayout(right, 2)
        content = QWidget()
        inner = QVBoxLayout(content)
        inner.setContentsMargins(0, 0, 0, 0)
        inner.addLayout(self.columns)
        inner.addStretch(1)
        # The editor scrolls rather than setting the window's minimum size (it fits 1024x700).
        self.scroll_area = scrolled(content)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.scroll_area)
        workspace.document.project_changed.connect(self._on_document_project_changed)
        self.set_scene(None)

    def resizeEvent(self, event: QResizeEvent) -> None:
        # Narrow: the sent prompt goes under the editor instead of beside it.
        side_by_side = (
            self._left.minimumSize().width()
            + self._right.minimumSize().width()
            + self.columns.spacing()
            + self.scroll_area.verticalScrollBar().sizeHint().width()
        )
        narrow = event.size().width() < max(REFLOW_WIDTH, side_by_side)
        self.columns.setDirection(
            QBoxLayout.Direction.TopToBottom if narrow else QBoxLayout.Direction.LeftToRight
        )
        super().resizeEvent(event)

    @property
    def scene_id(self) -> str | None:
        return self._scene_id

    def set_scene(self, scene_id: str | None) -> None:
        changed = scene_id != self._scene_id
        if changed:  # a field typed in for the scene shown so far writes there
            end_editing(self, inside=True)
        self._scene_id = scene_id
        self.takes_strip.set_scene(scene_id)
        self.veo_images.set_scene(scene_id)
        self.scene_settings.set_scene(scene_id)
        self._refresh(force=True)
        if changed:
            self.scene_changed.emit(scene_id)

    def _scene(self) -> Scene | None:
        if self._scene_id is None:
            return None
        try:
            return self._ws.document.project.scene(self._scene_id)
        except KeyError:
            return None

    def _scene_field(self, name: str) -> object:
        scene = self._scene()
        return None if scene is None else getattr(scene, name)

    def _provider_data(self) -> str | None:
        scene = self._scene()
        return scene.provider.value if scene is not None and scene.provider else None

    def _edit(self, **changes: object) -> None:
        """One undoable edit of the shown scene (none if it was deleted)."""
        if self._scene() is not None and self._scene_id is not None:
            self._ws.editor.edit_scene(self._scene_id, **changes)

    def duration_choices(self) -> list[Choice]:
        """The shown scene's provider's durations, after "Default"; a stored one it no longer
        allows stays, marked."""
        scene = self._scene()
        if scene is None:
            return []
        project = self._ws.document.project
        allowed = scene_seconds(self._ws.catalog, project, scene)
        choices: list[Choice] = [(f"Default ({project.settings_for(scene).seconds} s)", None)]
        choices += [(f"{seconds} s", seconds) for seconds in allowed]
        if scene.duration is not None and scene.duration not in allowed:
            choices.append((f"{scene.duration} s (not allowed)", scene.duration))
        return choices

    def _refresh(self, *, force: bool = False) -> None:
        scene = self._scene()
        self.refreshed.emit()
        enabled = scene is not None
        for widget in (self.prompt_edit, self.duration_combo, self.provider_combo):
            widget.setEnabled(enabled)
        self._show_omni_rows(scene)
        if scene is None:
            self.title_label.setText("No scene selected")
            self._set_prompt_text("")
            self._show_sent_prompt("")
            self.reference_label.setText("none")
            return
        project = self._ws.document.project
        self.title_label.setText(f"Scene {project.index_of(scene.id) + 1}")
        if force or scene.prompt != self.prompt_edit.toPlainText():
            self._set_prompt_text(scene.prompt)
        self.reference_label.setText(
            Path(scene.reference_image).name if scene.reference_image else "none"
        )
        self._show_sent_prompt(rendered_prompt(project, scene))

    def _show_sent_prompt(self, text: str) -> None:
        # Only when it changed: setting it again drops the user's selection and scroll position
        # (a render event elsewhere changes the project, not this text).
        if self.sent_prompt.toPlainText() != text:
            self.sent_prompt.setPlainText(text)

    def _show_omni_rows(self, scene: Scene | None) -> None:
        """Audio direction and extend: Omni scenes only (other providers ignore them)."""
        project = self._ws.document.project
        fields = omni_scene_fields(self._ws.catalog, project, scene) if scene else None
        shown = fields is not None and fields.shown
        self.form.setRowVisible(self.audio_edit, shown)
        self.form.setRowVisible(self.extend_check, shown)
        if scene is None or fields is None:
            return
        if not self.audio_edit.hasFocus():
            self.audio_edit.setText(scene.audio_direction)
        extending = scene.continuity is OmniContinuity.EXTEND
        self.extend_check.setChecked(extending)
        # A checked box stays clickable so a scene that can no longer extend can be unticked.
        self.extend_check.setEnabled(fields.extend_enabled or extending)
        self.extend_check.setToolTip(fields.extend_tip)

    def _set_prompt_text(self, text: str) -> None:
        self.prompt_edit.blockSignals(True)
        self.prompt_edit.setPlainText(text)
        self.prompt_edit.blockSignals(False)

    @Slot()
    def _on_document_project_changed(self) -> None:
        self._refresh()

    @Slot()
    def _on_prompt_edit_text_changed(self) -> None:
        if self._scene() is not None and self._scene_id is not None:
            self._ws.editor.edit_scene(self._scene_id, prompt=self.prompt_edit.toPlainText())

    @Slot()
    def _on_audio_edit_editing_finished(self) -> None:
        if self._scene() is not None and self._scene_id is not None:
            text = self.audio_edit.text().strip()
            self._ws.editor.edit_scene(self._scene_id, audio_direction=text)

    @Slot(bool)
    def _on_extend_check_clicked(self, checked: bool) -> None:
        if self._scene_id is not None:
            value = OmniContinuity.EXTEND if checked else OmniContinuity.NONE
            self._ws.editor.edit_scene(self._scene_id, continuity=value)

    @Slot()
    def _on_pick_clicked(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Reference image", "", IMAGE_FILTER)
        if path:
            self.set_reference(Path(path))

    @Slot()
    def _on_clear_clicked(self) -> None:
        if self._scene_id is not None:
            self._ws.editor.edit_scene(self._scene_id, reference_image=None)

    def set_reference(self, source: Path) -> None:
        """Use ``source`` (a file, or an image from the Images gallery) as the reference."""
        if self._scene_id is None:
            return
        try:
            stored = self._ws.reference_for(source)
        except (OSError, ImageAIError) as exc:
            self.reference_failed.emit(str(exc))
            return
        self._ws.editor.edit_scene(self._scene_id, reference_image=stored)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        urls = event.mimeData().urls()
        if self._scene_id and urls and Path(urls[0].toLocalFile()).suffix.lower() in IMAGE_SUFFIXES:
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        urls = event.mimeData().urls()
        if urls:
            self.set_reference(Path(urls[0].toLocalFile()))
            event.acceptProposedAction()
