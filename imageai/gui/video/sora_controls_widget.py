"""`/v1/videos` controls: endpoint, model (free text on a compatible endpoint), shape, price."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QWidget

from imageai.core.errors import ValidationError
from imageai.core.models import ProviderName, SoraSettings
from imageai.core.shot import aspect_of, parse_size
from imageai.gui.binding import bind
from imageai.gui.video.controls_base import ProviderControlsWidget
from imageai.services.controls_state import nearest_size
from imageai.services.sora_controls_state import (
    base_url_refusal,
    parse_base_url,
    parse_free_seconds,
    parse_free_size,
    parse_usd_per_second,
)

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    from imageai.gui.binding import Choice
    from imageai.services.controls_state import ControlOptions
    from imageai.services.video_workspace import VideoWorkspace


def parse_model_id(text: str) -> str:
    """A model id typed for a compatible endpoint: any non-empty text."""
    model = text.strip()
    if not model:
        raise ValidationError("model", "Enter the model id the endpoint serves.")
    return model


def size_label(size: str) -> str:
    width, height = parse_size(size)
    tier = "high resolution" if max(width, height) > 1280 else "720p"
    return f"{size} ({tier})"


class SoraControlsWidget(ProviderControlsWidget):
    """The OpenAI-compatible endpoint's controls; what they offer comes from the services layer
    (`sora_controls_state`): table limits for known models, free values for the others."""

    provider = ProviderName.SORA

    def __init__(self, workspace: VideoWorkspace, parent: QWidget | None = None) -> None:
        super().__init__(workspace, parent)
        self.endpoint_edit = QLineEdit()
        self.endpoint_edit.setMinimumWidth(340)
        self.endpoint_edit.setPlaceholderText("OpenAI's endpoint (OPENAI_BASE_URL when set)")
        self.endpoint_note = QLabel()
        self.endpoint_note.setObjectName("endpointNote")
        self.endpoint_note.setWordWrap(True)
        self.endpoint_note.setMinimumWidth(340)  # the form keeps fields at their size hint
        self.model_combo = QComboBox()
        self.model_combo.setMinimumWidth(220)
        self.aspect_combo = QComboBox()
        self.size_combo = QComboBox()
        self.seconds_combo = QComboBox()
        self.price_edit = QLineEdit()
        self.price_edit.setPlaceholderText("USD per second, e.g. 0.10")
        self.form.addRow("Base URL", self.endpoint_edit)
        self.form.addRow("", self.endpoint_note)
        self.form.addRow("Model", self.model_combo)
        self.form.addRow("Aspect", self.aspect_combo)
        self.form.addRow("Size", self.size_combo)
        self.form.addRow("Duration", self.seconds_combo)
        self.form.addRow("Price per second (USD)", self.price_edit)
        # Bound, not refilled: each follows the state and writes back in one place; on a
        # compatible endpoint the model, size and duration also take typed values.
        self.bindings = [
            self.bind_combo(
                self.model_combo,
                "model",
                self.model_choices,
                self.free_text(lambda o: o.model_editable, parse_model_id),
            ),
            bind(
                self.aspect_combo,
                self.options_changed,
                lambda: aspect_of(self.sora.size),
                self._set_aspect,
                self.aspect_choices,
            ),
            self.bind_combo(
                self.size_combo,
                "size",
                self.size_choices,
                self.free_text(lambda o: o.free_shape, parse_free_size),
            ),
            self.bind_combo(
                self.seconds_combo,
                "seconds",
                lambda o: [(f"{s} s", s) for s in o.seconds],
                self.free_text(lambda o: o.free_shape, parse_free_seconds),
            ),
        ]
        self.endpoint_edit.editingFinished.connect(self._on_endpoint_edit_editing_finished)
        self.price_edit.editingFinished.connect(self._on_price_edit_editing_finished)
        self.refresh()

    @property
    def sora(self) -> SoraSettings:
        settings = self.settings
        assert isinstance(settings, SoraSettings)
        return settings

    def model_choices(self, options: ControlOptions) -> list[Choice]:
        """The known models, and the one set when it is not among them (typed, or retired)."""
        models: list[Choice] = [(label, mid) for mid, label in options.models]
        model = self.sora.model
        if model not in {mid for mid, _ in options.models}:
            models.insert(0, (model, model))
        return models

    def aspect_choices(self) -> list[Choice]:
        options = self.shown_options
        aspect = aspect_of(self.sora.size)
        sizes = options.sizes if options is not None else ()
        return [(a, a) for a in sorted({aspect_of(s) for s in sizes} | {aspect}, reverse=True)]

    def size_choices(self, options: ControlOptions) -> list[Choice]:
        aspect = aspect_of(self.sora.size)
        return [(size_label(s), s) for s in options.sizes if aspect_of(s) == aspect]

    def _show(self, options: ControlOptions) -> None:
        settings = self.sora
        if not self.endpoint_edit.hasFocus():
            self.endpoint_edit.setText(settings.base_url or "")
        self.endpoint_note.setText(options.endpoint_note)
        self.form.setRowVisible(self.price_edit, options.price_field)
        if not self.price_edit.hasFocus():
            price = settings.usd_per_second
            self.price_edit.setText("" if price is None else f"{price:g}")

    def _set_aspect(self, aspect: str) -> None:
        """The size of that aspect nearest the current one turned (the size is what is stored)."""
        width, height = parse_size(self.sora.size)
        candidates = tuple(s for s in self.options().sizes if aspect_of(s) == aspect)
        swapped = f"{height}x{width}"
        self.apply(size=nearest_size(swapped, candidates) if candidates else swapped)

    def _apply_text(self, parse: Callable[[str], Any], field: str, text: str) -> None:
        try:
            value = parse(text)
        except ValidationError as exc:
            self.show_notes([exc.message])
            self.refresh()
            return
        if getattr(self.settings, field) != value:  # focus leaving an unchanged field is no edit
            self.apply(**{field: value})

    @Slot()
    def _on_endpoint_edit_editing_finished(self) -> None:
        settings = self.settings
        assert isinstance(settings, SoraSettings)
        try:
            base_url = parse_base_url(self.endpoint_edit.text())
        except ValidationError:
            base_url = settings.base_url  # _apply_text says what is wrong with it
        new = settings.model_copy(update={"base_url": base_url})
        scene = self.bound_scene()
        document = self._ws.document
        refusal = base_url_refusal(
            document.project, document.folder, settings, new, scene.id if scene else None
        )
        if refusal:
            self.endpoint_edit.setText(settings.base_url or "")
            self.show_notes([refusal])
            return
        self._apply_text(parse_base_url, "base_url", self.endpoint_edit.text())

    @Slot()
    def _on_price_edit_editing_finished(self) -> None:
        self._apply_text(parse_usd_per_second, "usd_per_second", self.price_edit.text())
