"""Veo 3.1 controls: backend, model, shot shape, prompt options, seed and Cloud project."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit, QWidget

from imageai.core.models import ProviderName, VeoBackend, VeoSettings
from imageai.gui.binding import bind
from imageai.gui.hint_label import HintLabel
from imageai.gui.video.google_controls_base import GoogleControlsWidget

if TYPE_CHECKING:
    from imageai.gui.binding import Choice
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
#: The stored ``enhance_prompt`` (None: the API's default) and its combo data, both ways.
ENHANCE_DATA = {None: DEFAULT, True: "on", False: "off"}
ENHANCE_VALUE = {data: value for value, data in ENHANCE_DATA.items()}


class VeoControlsWidget(GoogleControlsWidget):
    """Offers only what the chosen Veo model supports (from the catalog)."""

    provider = ProviderName.VEO

    def __init__(self, workspace: VideoWorkspace, parent: QWidget | None = None) -> None:
        super().__init__(workspace, parent)
        self.negative_edit = QLineEdit()
        self.negative_edit.setMinimumWidth(340)
        self.negative_edit.setPlaceholderText("What to avoid, e.g. text, watermarks")
        self.audio_check = QCheckBox("Generate audio")
        self.person_combo = QComboBox()
        self.enhance_combo = QComboBox()
        self.enhance_combo.setToolTip("Let Vertex AI rewrite the prompt before generating.")
        self.capabilities = HintLabel()  # the model's description: grey, but readable
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
        self.negative_edit.editingFinished.connect(self._on_negative_edit_editing_finished)
        self.audio_check.clicked.connect(self._on_audio_check_clicked)
        self.bindings += [
            bind(
                self.person_combo,
                self.options_changed,
                lambda: self.veo.person_generation or DEFAULT,
                lambda data: self.apply(person_generation=data or None),
                self.person_choices,
            ),
            bind(
                self.enhance_combo,
                self.options_changed,
                lambda: ENHANCE_DATA[self.veo.enhance_prompt],
                lambda data: self.apply(enhance_prompt=ENHANCE_VALUE[data]),
                lambda: ENHANCE_ITEMS,
            ),
        ]
        self.refresh()

    @property
    def veo(self) -> VeoSettings:
        settings = self.settings
        assert isinstance(settings, VeoSettings)
        return settings

    def person_choices(self) -> list[Choice]:
        """ "Default", then the people settings the model takes (none: the row is hidden)."""
        offered = self.shown_options.person_generation if self.shown_options else ()
        return [("Default", DEFAULT)] + [(PERSON_LABELS.get(p, p), p) for p in offered]

    def backend_choices(self) -> list[Choice]:
        backends = [VeoBackend.VERTEX]
        if self.settings.backend is not VeoBackend.VERTEX:
            backends.append(self.settings.backend)
        return [(BACKEND_LABELS[b], b) for b in backends]

    def _show(self, options: ControlOptions) -> None:
        settings = self.settings
        assert isinstance(settings, VeoSettings)
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
        self.show_seed(options.seed)
        self.form.setRowVisible(self.person_combo, bool(options.person_generation))
        self.form.setRowVisible(self.enhance_combo, options.enhance_prompt)
        self.show_vertex(options.cloud_project)

    @Slot()
    def _on_negative_edit_editing_finished(self) -> None:
        self.apply(negative_prompt=self.negative_edit.text().strip())

    @Slot(bool)
    def _on_audio_check_clicked(self, checked: bool) -> None:
        self.apply(generate_audio=checked)
