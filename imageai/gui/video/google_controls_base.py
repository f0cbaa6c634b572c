"""What the Omni and Veo controls share: backend and shot combos, seed, Vertex project and location."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QComboBox, QLineEdit, QWidget

from imageai.core.models import OmniSettings, VeoBackend, VeoSettings
from imageai.gui.binding import TextBinding, bind, bind_text
from imageai.gui.video.controls_base import ProviderControlsWidget
from imageai.services.controls_state import parse_seed

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from typing import Any

    from imageai.gui.binding import Choice, ComboBinding
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
        self.bindings: list[ComboBinding] = [
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
        # The same for the text fields: shown unless being typed in, written once when editing
        # ends; a refused text is explained and the stored value shown again.
        self.text_bindings = [
            self.bind_edit(
                self.seed_edit,
                "seed",
                parse_seed,
                lambda seed: "" if seed is None else str(seed),
                refused="Seed: {}.",
            ),
            self.bind_edit(
                self.cloud_project_edit,
                "vertex_project",
                lambda text: text.strip() or None,
                lambda project: project or "",
            ),
            self.bind_edit(
                self.location_edit,
                "vertex_location",
                lambda text: text.strip() or self.default_location,
            ),
        ]

    def bind_edit(
        self,
        edit: QLineEdit,
        field: str,
        parse: Callable[[str], Any],
        format_value: Callable[[Any], str] = str,
        refused: str = "{}",
    ) -> TextBinding:
        """Bind ``edit`` to the settings' ``field``: it follows each refresh and a new value is
        an undoable `apply`; a text ``parse`` refuses is a note (``refused`` formats it)."""
        return bind_text(
            edit,
            self.options_changed,
            lambda: getattr(self.settings, field),
            lambda value: self.apply(**{field: value}),
            parse,
            lambda message: self.show_notes([refused.format(message)]),
            format_value,
        )

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

    def show_seed(self, visible: bool) -> None:
        self.form.setRowVisible(self.seed_edit, visible)

    def show_vertex(self, visible: bool) -> None:
        """The Cloud project and location rows, shown when the backend takes them."""
        self.form.setRowVisible(self.cloud_project_edit, visible)
        self.form.setRowVisible(self.location_edit, visible)
