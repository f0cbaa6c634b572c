"""Gemini Omni controls: backend, model, shot shape, seed, Vertex fields and the live price."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QLabel, QLineEdit, QWidget

from imageai.core.errors import ValidationError
from imageai.core.models import OmniSettings, ProviderName, RenderState, VeoBackend
from imageai.gui.hint_label import HintLabel
from imageai.gui.video.controls_base import scene_inputs
from imageai.gui.video.google_controls_base import GoogleControlsWidget
from imageai.services.omni_controls_state import (
    cap_hint,
    capabilities_text,
    omni_change,
    omni_options,
    omni_price,
)

if TYPE_CHECKING:
    from imageai.core.models import Scene
    from imageai.gui.binding import Choice
    from imageai.services.controls_state import ControlOptions
    from imageai.services.video_workspace import VideoWorkspace

BACKEND_LABELS = {VeoBackend.GEMINI: "Gemini API (key)", VeoBackend.VERTEX: "Vertex AI"}


def parse_gcs_uri(text: str) -> str | None:
    """Where Vertex AI writes the clips: a ``gs://`` path, or None for "in the answer"."""
    uri = text.strip()
    if uri and not uri.startswith("gs://"):
        raise ValidationError("gcs_uri", "Output folder: a Cloud Storage path starts with gs://.")
    return uri or None


class OmniControlsWidget(GoogleControlsWidget):
    """Offers only what the chosen Omni model supports, for the selected scene too."""

    provider = ProviderName.OMNI
    default_location = "global"

    def __init__(self, workspace: VideoWorkspace, parent: QWidget | None = None) -> None:
        super().__init__(workspace, parent)
        self._scene_id: str | None = None
        self.seconds_hint = HintLabel()
        self.gcs_edit = QLineEdit()
        self.gcs_edit.setMinimumWidth(300)
        self.gcs_edit.setPlaceholderText("gs://bucket/folder (optional)")
        self.gcs_edit.setToolTip(
            "Where Vertex AI writes the clips; empty means they come back in the answer."
        )
        self.price = QLabel()
        self.price.setObjectName("omniPrice")
        self.price.setWordWrap(True)
        self.capabilities = HintLabel()  # the model's description: grey, but readable
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
        self.text_bindings.append(
            self.bind_edit(self.gcs_edit, "gcs_uri", parse_gcs_uri, lambda uri: uri or "")
        )
        self.refresh()

    @property
    def omni(self) -> OmniSettings:
        settings = self.settings
        assert isinstance(settings, OmniSettings)
        return settings

    def scene(self) -> Scene | None:
        if self.scene_bound:
            return self.bound_scene()
        if self._scene_id is None:
            return None
        try:
            return self._ws.document.project.scene(self._scene_id)
        except KeyError:
            return None

    def set_scene(self, scene_id: str | None) -> None:
        """The scene selected in the storyboard: its frames may cap the duration."""
        self._scene_id = scene_id
        self.refresh_if_changed()  # hidden (not the project's provider): refreshed when shown

    def view_inputs(self) -> object:
        # Also the selected scene (its frames cap the duration) and, for the price of the
        # storyboard, every Omni scene and whether it is done.
        project = self._ws.document.project
        omni_scenes = tuple(
            (scene_inputs(s), s.state is RenderState.DONE)
            for s in project.scenes
            if project.provider_for(s) is ProviderName.OMNI
        )
        return (
            super().view_inputs(),
            scene_inputs(self.scene()),
            project.chain_scenes,
            omni_scenes,
        )

    def options(self) -> ControlOptions:
        return omni_options(self._ws.catalog, self.omni, self.scene())

    def apply(self, **changes: Any) -> list[str]:
        settings, notes = omni_change(self._ws.catalog, self.omni, self.scene(), **changes)
        self.store(settings)
        self.show_notes(notes)
        self.refresh()
        return notes

    def backend_choices(self) -> list[Choice]:
        return [(label, key) for key, label in BACKEND_LABELS.items()]

    def seconds_choices(self, options: ControlOptions) -> list[Choice]:
        seconds = [(f"{s} s", s) for s in options.seconds]
        current = self.omni.seconds
        if current not in options.seconds:
            # Only the selected scene's frames rule it out: show it, as the scene editor does.
            seconds.append((f"{current} s (too long for this scene)", current))
        return seconds

    def _show(self, options: ControlOptions) -> None:
        settings = self.omni
        catalog = self._ws.catalog
        hint = cap_hint(catalog, settings, self.scene())
        self.seconds_hint.setText(hint)
        self.form.setRowVisible(self.seconds_hint, bool(hint))
        self.show_seed(options.seed)
        vertex = settings.backend is VeoBackend.VERTEX
        self.show_vertex(vertex)
        self.form.setRowVisible(self.gcs_edit, vertex)
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
