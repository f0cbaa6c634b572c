"""`/v1/videos` controls: endpoint, model (free text on a compatible endpoint), shape, price."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QWidget

from imageai.core.errors import ValidationError
from imageai.core.models import ProviderName, SoraSettings
from imageai.core.shot import aspect_of, parse_size
from imageai.gui.video.controls_base import ProviderControlsWidget, fill_combo
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

    from imageai.services.controls_state import ControlOptions
    from imageai.services.video_workspace import VideoWorkspace


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
        self.model_combo.activated.connect(self._on_model_combo_activated)
        self.aspect_combo.activated.connect(self._on_aspect_combo_activated)
        self.size_combo.activated.connect(self._on_size_combo_activated)
        self.seconds_combo.activated.connect(self._on_seconds_combo_activated)
        self.endpoint_edit.editingFinished.connect(self._on_endpoint_edit_editing_finished)
        self.price_edit.editingFinished.connect(self._on_price_edit_editing_finished)
        self.refresh()

    def _show(self, options: ControlOptions) -> None:
        settings = self.settings
        assert isinstance(settings, SoraSettings)
        if not self.endpoint_edit.hasFocus():
            self.endpoint_edit.setText(settings.base_url or "")
        self.endpoint_note.setText(options.endpoint_note)
        models = [(label, mid) for mid, label in options.models]
        if settings.model not in {mid for mid, _ in options.models}:
            models.insert(0, (settings.model, settings.model))  # typed, or retired: still shown
        self._fill(
            self.model_combo,
            models,
            settings.model,
            options.model_editable,
            self._on_model_text_edited,
        )
        aspect = aspect_of(settings.size)
        aspects = sorted({aspect_of(s) for s in options.sizes} | {aspect}, reverse=True)
        fill_combo(self.aspect_combo, [(a, a) for a in aspects], aspect)
        sizes = [s for s in options.sizes if aspect_of(s) == aspect]
        self._fill(
            self.size_combo,
            [(size_label(s), s) for s in sizes],
            settings.size,
            options.free_shape,
            self._on_size_text_edited,
        )
        self._fill(
            self.seconds_combo,
            [(f"{s} s", s) for s in options.seconds],
            settings.seconds,
            options.free_shape,
            self._on_seconds_text_edited,
        )
        self.form.setRowVisible(self.price_edit, options.price_field)
        if not self.price_edit.hasFocus():
            price = settings.usd_per_second
            self.price_edit.setText("" if price is None else f"{price:g}")

    @staticmethod
    def _fill(
        combo: QComboBox,
        items: list[tuple[str, Any]],
        current: Any,
        free: bool,
        on_typed: Callable[[], None],
    ) -> None:
        """Fill a combo; ``free`` makes it editable, and a typed value goes to ``on_typed``."""
        if free and not combo.isEditable():
            combo.setEditable(True)
            # A typed value is applied when editing ends; picking an item still sends activated.
            combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
            line = combo.lineEdit()
            assert line is not None
            line.editingFinished.connect(on_typed)
        elif not free and combo.isEditable():
            combo.setEditable(False)
        fill_combo(combo, items, current)
        if free:
            combo.setEnabled(True)
            combo.blockSignals(True)
            combo.setEditText(str(current))
            combo.blockSignals(False)

    def _typed(self, combo: QComboBox) -> str | None:
        """The text typed into an editable combo, or None when it names one of its items."""
        text = combo.currentText().strip()
        return None if combo.findText(text) >= 0 else text

    def _apply_text(self, parse: Any, field: str, text: str) -> None:
        try:
            value = parse(text)
        except ValidationError as exc:
            self.show_notes([exc.message])
            self.refresh()
            return
        if getattr(self.settings, field) != value:  # focus leaving an unchanged field is no edit
            self.apply(**{field: value})

    @Slot(int)
    def _on_model_combo_activated(self, index: int) -> None:
        self.apply(model=self.model_combo.itemData(index))

    @Slot()
    def _on_model_text_edited(self) -> None:
        typed = self._typed(self.model_combo)
        if typed is None:
            return
        if not typed:
            self.show_notes(["Enter the model id the endpoint serves."])
            self.refresh()
        elif typed != self.settings.model:
            self.apply(model=typed)

    @Slot(int)
    def _on_aspect_combo_activated(self, index: int) -> None:
        aspect = self.aspect_combo.itemData(index)
        settings = self.settings
        assert isinstance(settings, SoraSettings)
        if aspect == aspect_of(settings.size):
            return
        width, height = parse_size(settings.size)
        candidates = tuple(s for s in self.options().sizes if aspect_of(s) == aspect)
        swapped = f"{height}x{width}"
        self.apply(size=nearest_size(swapped, candidates) if candidates else swapped)

    @Slot(int)
    def _on_size_combo_activated(self, index: int) -> None:
        self.apply(size=self.size_combo.itemData(index))

    @Slot()
    def _on_size_text_edited(self) -> None:
        typed = self._typed(self.size_combo)
        if typed is not None:
            self._apply_text(parse_free_size, "size", typed)

    @Slot(int)
    def _on_seconds_combo_activated(self, index: int) -> None:
        self.apply(seconds=self.seconds_combo.itemData(index))

    @Slot()
    def _on_seconds_text_edited(self) -> None:
        typed = self._typed(self.seconds_combo)
        if typed is not None:
            self._apply_text(parse_free_seconds, "seconds", typed)

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
