"""What the Omni and Veo controls share: backend and shot combos, seed, Vertex project and location."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QComboBox, QLineEdit, QWidget

from imageai.core.errors import ValidationError
from imageai.core.models import OmniSettings, VeoBackend, VeoSettings
from imageai.gui.binding import bind
from imageai.gui.video.controls_base import ProviderControlsWidget
from imageai.services.controls_state import parse_seed

if TYPE_CHECKING:
    from collections.abc import Sequence

    from imageai.gui.binding import Choice
    from imageai.services.controls_state import ControlOptions
    from imageai.services.video_workspace import VideoWorkspace


class GoogleControlsWidget(ProviderControlsWidget):
    """Base of the Omni and Veo controls: makes and wires the rows both have.

    Subclasses add the rows to ``form`` in their own order and call `refresh`.
    """

    #: Where Vertex AI runs when the Location field is left empty.
    default_location = "us-central1"

    def __init__(self, workspace: VideoWorkspace, parent: QWidget | None = None) -> None:
        super().__init__(workspace, parent)
        self.backend_combo = QComboBox()
        self.model_combo = QComboBox()
        self.aspect_combo = QComboBox()
        self.resolution_combo = QComboBox()
        self.seconds_combo = QComboBox()
        self.seed_edit = QLineEdit()
        self.seed_edit.setPlaceholderText("Random")
        self.seed_edit.setToolTip("The same seed and settings give a similar clip; empty = random.")
        self.cloud_project_edit = QLineEdit()
        self.cloud_project_edit.setPlaceholderText("my-gcp-project")
        self.cloud_project_edit.setToolTip("The Google Cloud project Vertex AI bills.")
        self.location_edit = QLineEdit()
        self.location_edit.setPlaceholderText(self.default_location)
        # Bound, not refilled: a project change that leaves a combo's choices alone keeps its items.
        self.bindings = [
            bind(
                self.backend_combo,
                self.options_changed,
                lambda: self.settings.backend,
                lambda value: self.apply(backend=VeoBackend(value)),
                self.backend_choices,
            ),
            self.bind_combo(
                self.model_combo, "model", lambda o: [(label, mid) for mid, label in o.models]
            ),
            self.bind_combo(self.aspect_combo, "aspect", lambda o: [(a, a) for a in o.aspects]),
            self.bind_combo(
                self.resolution_combo, "resolution", lambda o: [(r, r) for r in o.resolutions]
            ),
            self.bind_combo(self.seconds_combo, "seconds", self.seconds_choices),
        ]
        self.seed_edit.editingFinished.connect(self._on_seed_edit_editing_finished)
        self.cloud_project_edit.editingFinished.connect(
            self._on_cloud_project_edit_editing_finished
        )
        self.location_edit.editingFinished.connect(self._on_location_edit_editing_finished)

    @property
    def settings(self) -> OmniSettings | VeoSettings:
        settings = super().settings
        assert isinstance(settings, (OmniSettings, VeoSettings))
        return settings

    def backend_choices(self) -> Sequence[Choice]:
        """The backends offered for the current settings."""
        raise NotImplementedError

    def seconds_choices(self, options: ControlOptions) -> Sequence[Choice]:
        return [(f"{s} s", s) for s in options.seconds]

    def show_seed(self, settings: OmniSettings | VeoSettings, visible: bool) -> None:
        self.form.setRowVisible(self.seed_edit, visible)
        if not self.seed_edit.hasFocus():  # never overwrite what the user is typing
            self.seed_edit.setText("" if settings.seed is None else str(settings.seed))

    def show_vertex(self, settings: OmniSettings | VeoSettings, visible: bool) -> None:
        """The Cloud project and location rows, shown when the backend takes them."""
        for edit, value in (
            (self.cloud_project_edit, settings.vertex_project or ""),
            (self.location_edit, settings.vertex_location),
        ):
            self.form.setRowVisible(edit, visible)
            if not edit.hasFocus():
                edit.setText(value)

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
        self.apply(vertex_location=self.location_edit.text().strip() or self.default_location)
