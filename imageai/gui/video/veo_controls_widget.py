"""Veo 3.1 controls: backend, model, shot shape, prompt options, seed and Cloud project."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QCheckBox, QComboBox, QLabel, QLineEdit, QWidget

from imageai.core.errors import ValidationError
from imageai.core.models import ProviderName, VeoBackend, VeoSettings
from imageai.gui.video.controls_base import ProviderControlsWidget, fill_combo
from imageai.services.controls_state import parse_seed

if TYPE_CHECKING:
    from imageai.services.controls_state import ControlOptions
    from imageai.services.video_workspace import VideoWorkspace

#: Veo is served by Vertex AI only; the Gemini API entry appears just for a project still set to
#: it (saved before the 2026-10-22 shutdown), so the user sees why it cannot render.
BACKEND_LABELS = {VeoBackend.VERTEX: "Vertex AI", VeoBackend.GEMINI: "Gemini API (shut down)"}
PERSON_LABELS = {
    "allow_all": "Allow all people",
    "allow_adult": "Adults only",
    "dont_allow": "No people",
}
#: Combo data for "leave it to the API" (a combo cannot find None by data).
DEFAULT = ""
ENHANCE_ITEMS = [("Default", DEFAULT), ("On", "on"), ("Off", "off")]


class VeoControlsWidget(ProviderControlsWidget):
    """Offers only what the chosen Veo model supports (from the catalog)."""

    provider = ProviderName.VEO

    def __init__(self, workspace: VideoWorkspace, parent: QWidget | None = None) -> None:
        super().__init__(workspace, parent)
        self.backend_combo = QComboBox()
        self.model_combo = QComboBox()
        self.aspect_combo = QComboBox()
        self.resolution_combo = QComboBox()
        self.seconds_combo = QComboBox()
        self.negative_edit = QLineEdit()
        self.negative_edit.setMinimumWidth(340)
        self.negative_edit.setPlaceholderText("What to avoid, e.g. text, watermarks")
        self.audio_check = QCheckBox("Generate audio")
        self.seed_edit = QLineEdit()
        self.seed_edit.setPlaceholderText("Random")
        self.seed_edit.setToolTip("The same seed and settings give a similar clip; empty = random.")
        self.person_combo = QComboBox()
        self.enhance_combo = QComboBox()
        self.enhance_combo.setToolTip("Let Vertex AI rewrite the prompt before generating.")
        self.cloud_project_edit = QLineEdit()
        self.cloud_project_edit.setPlaceholderText("my-gcp-project")
        self.cloud_project_edit.setToolTip("The Google Cloud project Vertex AI bills.")
        self.location_edit = QLineEdit()
        self.location_edit.setPlaceholderText("us-central1")
        self.capabilities = QLabel()
        self.capabilities.setWordWrap(True)
        self.capabilities.setStyleSheet("color: #4b5563;")
        self.form.addRow("Backend", self.backend_combo)
        self.form.addRow("Model", self.model_combo)
        self.form.addRow("Aspect", self.aspect_combo)
        self.form.addRow("Resolution", self.resolution_combo)
        self.form.addRow("Duration", self.seconds_combo)
        self.form.addRow("Negative prompt", self.negative_edit)
        self.form.addRow("", self.audio_check)
        self.form.addRow("Seed", self.seed_edit)
        self.form.addRow("People", self.person_combo)
        self.form.addRow("Prompt enhancement", self.enhance_combo)
        self.form.addRow("Google Cloud project", self.cloud_project_edit)
        self.form.addRow("Location", self.location_edit)
        self.form.addRow(self.capabilities)
        self.backend_combo.activated.connect(self._on_backend_combo_activated)
        self.model_combo.activated.connect(self._on_model_combo_activated)
        self.aspect_combo.activated.connect(self._on_aspect_combo_activated)
        self.resolution_combo.activated.connect(self._on_resolution_combo_activated)
        self.seconds_combo.activated.connect(self._on_seconds_combo_activated)
        self.negative_edit.editingFinished.connect(self._on_negative_edit_editing_finished)
        self.audio_check.clicked.connect(self._on_audio_check_clicked)
        self.seed_edit.editingFinished.connect(self._on_seed_edit_editing_finished)
        self.person_combo.activated.connect(self._on_person_combo_activated)
        self.enhance_combo.activated.connect(self._on_enhance_combo_activated)
        self.cloud_project_edit.editingFinished.connect(
            self._on_cloud_project_edit_editing_finished
        )
        self.location_edit.editingFinished.connect(self._on_location_edit_editing_finished)
        self.refresh()

    def _show(self, options: ControlOptions) -> None:
        settings = self.settings
        assert isinstance(settings, VeoSettings)
        backends = [VeoBackend.VERTEX]
        if settings.backend is not VeoBackend.VERTEX:
            backends.append(settings.backend)
        fill_combo(self.backend_combo, [(BACKEND_LABELS[b], b) for b in backends], settings.backend)
        self.backend_combo.setEnabled(len(backends) > 1)
        fill_combo(
            self.model_combo, [(label, mid) for mid, label in options.models], settings.model
        )
        fill_combo(self.aspect_combo, [(a, a) for a in options.aspects], settings.aspect)
        fill_combo(
            self.resolution_combo, [(r, r) for r in options.resolutions], settings.resolution
        )
        fill_combo(self.seconds_combo, [(f"{s} s", s) for s in options.seconds], settings.seconds)
        self.negative_edit.setEnabled(options.negative_prompt)
        if not self.negative_edit.hasFocus():
            self.negative_edit.setText(settings.negative_prompt)
        self.audio_check.setEnabled(options.audio_toggle)
        self.audio_check.setChecked(settings.generate_audio)
        self.audio_check.setToolTip(
            "" if options.audio_toggle else "This model always generates audio."
        )
        refs = (
            f"up to {options.max_reference_images} reference images per scene"
            if options.max_reference_images
            else "no extra reference images"
        )
        last = "a last frame" if options.last_frame else "no last frame"
        self.capabilities.setText(f"This model takes {refs} and {last}.")
        self._show_extras(options, settings)

    def _show_extras(self, options: ControlOptions, settings: VeoSettings) -> None:
        """Seed, people, enhancement and Cloud rows: shown only where model and backend take them."""
        self.form.setRowVisible(self.seed_edit, options.seed)
        self.form.setRowVisible(self.person_combo, bool(options.person_generation))
        self.form.setRowVisible(self.enhance_combo, options.enhance_prompt)
        self.form.setRowVisible(self.cloud_project_edit, options.cloud_project)
        self.form.setRowVisible(self.location_edit, options.cloud_project)
        if not self.seed_edit.hasFocus():
            self.seed_edit.setText("" if settings.seed is None else str(settings.seed))
        people = [("Default", DEFAULT)] + [
            (PERSON_LABELS.get(p, p), p) for p in options.person_generation
        ]
        fill_combo(self.person_combo, people, settings.person_generation or DEFAULT)
        enhance = {None: DEFAULT, True: "on", False: "off"}[settings.enhance_prompt]
        fill_combo(self.enhance_combo, ENHANCE_ITEMS, enhance)
        if not self.cloud_project_edit.hasFocus():
            self.cloud_project_edit.setText(settings.vertex_project or "")
        if not self.location_edit.hasFocus():
            self.location_edit.setText(settings.vertex_location)

    @Slot(int)
    def _on_backend_combo_activated(self, index: int) -> None:
        self.apply(backend=VeoBackend(self.backend_combo.itemData(index)))

    @Slot(int)
    def _on_model_combo_activated(self, index: int) -> None:
        self.apply(model=self.model_combo.itemData(index))

    @Slot(int)
    def _on_aspect_combo_activated(self, index: int) -> None:
        self.apply(aspect=self.aspect_combo.itemData(index))

    @Slot(int)
    def _on_resolution_combo_activated(self, index: int) -> None:
        self.apply(resolution=self.resolution_combo.itemData(index))

    @Slot(int)
    def _on_seconds_combo_activated(self, index: int) -> None:
        self.apply(seconds=self.seconds_combo.itemData(index))

    @Slot()
    def _on_negative_edit_editing_finished(self) -> None:
        self.apply(negative_prompt=self.negative_edit.text().strip())

    @Slot(bool)
    def _on_audio_check_clicked(self, checked: bool) -> None:
        self.apply(generate_audio=checked)

    @Slot()
    def _on_seed_edit_editing_finished(self) -> None:
        try:
            seed = parse_seed(self.seed_edit.text())
        except ValidationError as exc:
            self.show_notes([f"Seed: {exc.message}."])
            return
        self.apply(seed=seed)

    @Slot(int)
    def _on_person_combo_activated(self, index: int) -> None:
        self.apply(person_generation=self.person_combo.itemData(index) or None)

    @Slot(int)
    def _on_enhance_combo_activated(self, index: int) -> None:
        value = {DEFAULT: None, "on": True, "off": False}[self.enhance_combo.itemData(index)]
        self.apply(enhance_prompt=value)

    @Slot()
    def _on_cloud_project_edit_editing_finished(self) -> None:
        self.apply(vertex_project=self.cloud_project_edit.text().strip() or None)

    @Slot()
    def _on_location_edit_editing_finished(self) -> None:
        self.apply(vertex_location=self.location_edit.text().strip() or "us-central1")
