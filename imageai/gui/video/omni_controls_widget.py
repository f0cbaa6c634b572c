"""Gemini Omni controls: backend, model, shot shape, seed, Vertex fields and the live price."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QWidget

from imageai.core.errors import ValidationError
from imageai.core.models import OmniSettings, ProviderName, VeoBackend
from imageai.gui.video.controls_base import ProviderControlsWidget, fill_combo
from imageai.services.controls_state import parse_seed
from imageai.services.omni_controls_state import (
    cap_hint,
    capabilities_text,
    omni_change,
    omni_options,
    omni_price,
)

if TYPE_CHECKING:
    from imageai.core.models import Scene
    from imageai.services.controls_state import ControlOptions
    from imageai.services.video_workspace import VideoWorkspace

BACKEND_LABELS = {VeoBackend.GEMINI: "Gemini API (key)", VeoBackend.VERTEX: "Vertex AI"}
HINT_STYLE = "color: #4b5563;"


class OmniControlsWidget(ProviderControlsWidget):
    """Offers only what the chosen Omni model supports, for the selected scene too."""

    provider = ProviderName.OMNI

    def __init__(self, workspace: VideoWorkspace, parent: QWidget | None = None) -> None:
        super().__init__(workspace, parent)
        self._scene_id: str | None = None
        self.backend_combo = QComboBox()
        self.model_combo = QComboBox()
        self.aspect_combo = QComboBox()
        self.resolution_combo = QComboBox()
        self.seconds_combo = QComboBox()
        self.seconds_hint = QLabel()
        self.seconds_hint.setWordWrap(True)
        self.seconds_hint.setStyleSheet(HINT_STYLE)
        self.seed_edit = QLineEdit()
        self.seed_edit.setPlaceholderText("Random")
        self.seed_edit.setToolTip("The same seed and settings give a similar clip; empty = random.")
        self.cloud_project_edit = QLineEdit()
        self.cloud_project_edit.setPlaceholderText("my-gcp-project")
        self.cloud_project_edit.setToolTip("The Google Cloud project Vertex AI bills.")
        self.location_edit = QLineEdit()
        self.location_edit.setPlaceholderText("global")
        self.gcs_edit = QLineEdit()
        self.gcs_edit.setMinimumWidth(300)
        self.gcs_edit.setPlaceholderText("gs://bucket/folder (optional)")
        self.gcs_edit.setToolTip(
            "Where Vertex AI writes the clips; empty means they come back in the answer."
        )
        self.price = QLabel()
        self.price.setObjectName("omniPrice")
        self.price.setWordWrap(True)
        self.capabilities = QLabel()
        self.capabilities.setWordWrap(True)
        self.capabilities.setStyleSheet(HINT_STYLE)
        self.form.addRow("Backend", self.backend_combo)
        self.form.addRow("Model", self.model_combo)
        self.form.addRow("Aspect", self.aspect_combo)
        self.form.addRow("Resolution", self.resolution_combo)
        self.form.addRow("Duration", self.seconds_combo)
        self.form.addRow(self.seconds_hint)
        self.form.addRow("Seed", self.seed_edit)
        self.form.addRow("Google Cloud project", self.cloud_project_edit)
        self.form.addRow("Location", self.location_edit)
        self.form.addRow("Output folder", self.gcs_edit)
        self.form.addRow(self.price)
        self.form.addRow(self.capabilities)
        self.backend_combo.activated.connect(self._on_backend_combo_activated)
        self.model_combo.activated.connect(self._on_model_combo_activated)
        self.aspect_combo.activated.connect(self._on_aspect_combo_activated)
        self.resolution_combo.activated.connect(self._on_resolution_combo_activated)
        self.seconds_combo.activated.connect(self._on_seconds_combo_activated)
        self.seed_edit.editingFinished.connect(self._on_seed_edit_editing_finished)
        self.cloud_project_edit.editingFinished.connect(
            self._on_cloud_project_edit_editing_finished
        )
        self.location_edit.editingFinished.connect(self._on_location_edit_editing_finished)
        self.gcs_edit.editingFinished.connect(self._on_gcs_edit_editing_finished)
        self.refresh()

    @property
    def omni(self) -> OmniSettings:
        settings = self.settings
        assert isinstance(settings, OmniSettings)
        return settings

    def scene(self) -> Scene | None:
        if self._scene_id is None:
            return None
        try:
            return self._ws.document.project.scene(self._scene_id)
        except KeyError:
            return None

    def set_scene(self, scene_id: str | None) -> None:
        """The scene selected in the storyboard: its frames may cap the duration."""
        self._scene_id = scene_id
        self.refresh()

    def options(self) -> ControlOptions:
        return omni_options(self._ws.catalog, self.omni, self.scene())

    def apply(self, **changes: Any) -> list[str]:
        settings, notes = omni_change(self._ws.catalog, self.omni, self.scene(), **changes)
        self._ws.editor.set_provider_settings(self.provider, settings)
        self.show_notes(notes)
        self.refresh()
        return notes

    def _show(self, options: ControlOptions) -> None:
        settings = self.omni
        catalog = self._ws.catalog
        backends = [(label, key) for key, label in BACKEND_LABELS.items()]
        fill_combo(self.backend_combo, backends, settings.backend)
        fill_combo(
            self.model_combo, [(label, mid) for mid, label in options.models], settings.model
        )
        fill_combo(self.aspect_combo, [(a, a) for a in options.aspects], settings.aspect)
        fill_combo(
            self.resolution_combo, [(r, r) for r in options.resolutions], settings.resolution
        )
        seconds = [(f"{s} s", s) for s in options.seconds]
        if settings.seconds not in options.seconds:
            # Only the selected scene's frames rule it out: show it, as the scene editor does.
            seconds.append((f"{settings.seconds} s (too long for this scene)", settings.seconds))
        fill_combo(self.seconds_combo, seconds, settings.seconds)
        hint = cap_hint(catalog, settings, self.scene())
        self.seconds_hint.setText(hint)
        self.form.setRowVisible(self.seconds_hint, bool(hint))
        self.form.setRowVisible(self.seed_edit, options.seed)
        if not self.seed_edit.hasFocus():
            self.seed_edit.setText("" if settings.seed is None else str(settings.seed))
        vertex = settings.backend is VeoBackend.VERTEX
        for edit, value in (
            (self.cloud_project_edit, settings.vertex_project or ""),
            (self.location_edit, settings.vertex_location),
            (self.gcs_edit, settings.gcs_uri or ""),
        ):
            self.form.setRowVisible(edit, vertex)
            if not edit.hasFocus():
                edit.setText(value)
        self.capabilities.setText(capabilities_text(catalog, settings))
        self._show_price()

    def _show_price(self) -> None:
        price = omni_price(self._ws.catalog, self._ws.document.project, self.omni)
        if price is None:
            self.price.setText("No price in the table for these settings")
            self.price.setToolTip("")
            return
        self.price.setText(f"Price: {price.text()}")
        note = "" if price.verified else "Unverified: no Google page confirmed this price.\n"
        self.price.setToolTip(f"{note}Source: {price.source}")

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
    def _on_seed_edit_editing_finished(self) -> None:
        try:
            seed = parse_seed(self.seed_edit.text())
        except ValidationError as exc:
            self.show_notes([f"Seed: {exc.message}."])
            return
        self.apply(seed=seed)

    @Slot()
    def _on_cloud_project_edit_editing_finished(self) -> None:
        self.apply(vertex_project=self.cloud_project_edit.text().strip() or None)

    @Slot()
    def _on_location_edit_editing_finished(self) -> None:
        self.apply(vertex_location=self.location_edit.text().strip() or "global")

    @Slot()
    def _on_gcs_edit_editing_finished(self) -> None:
        text = self.gcs_edit.text().strip()
        if text and not text.startswith("gs://"):
            self.show_notes(["Output folder: a Cloud Storage path starts with gs://."])
            return
        self.apply(gcs_uri=text or None)
