"""Sora 2 controls: model, aspect, size (high resolutions only on Pro), duration, endpoint."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QComboBox, QLineEdit, QWidget

from imageai.core.models import ProviderName, SoraSettings
from imageai.core.shot import aspect_of, parse_size
from imageai.gui.video.controls_base import ProviderControlsWidget, fill_combo
from imageai.services.controls_state import nearest_size

if TYPE_CHECKING:
    from imageai.services.controls_state import ControlOptions
    from imageai.services.video_workspace import VideoWorkspace


def size_label(size: str) -> str:
    width, height = parse_size(size)
    tier = "high resolution" if max(width, height) > 1280 else "720p"
    return f"{size} ({tier})"


class SoraControlsWidget(ProviderControlsWidget):
    """Offers only what the chosen Sora model supports (from the catalog)."""

    provider = ProviderName.SORA

    def __init__(self, workspace: VideoWorkspace, parent: QWidget | None = None) -> None:
        super().__init__(workspace, parent)
        self.model_combo = QComboBox()
        self.aspect_combo = QComboBox()
        self.size_combo = QComboBox()
        self.seconds_combo = QComboBox()
        self.endpoint_edit = QLineEdit()
        self.endpoint_edit.setMinimumWidth(340)
        self.endpoint_edit.setPlaceholderText("OpenAI default (OPENAI_BASE_URL when set)")
        self.form.addRow("Model", self.model_combo)
        self.form.addRow("Aspect", self.aspect_combo)
        self.form.addRow("Size", self.size_combo)
        self.form.addRow("Duration", self.seconds_combo)
        self.form.addRow("Endpoint", self.endpoint_edit)
        self.model_combo.activated.connect(self._on_model_combo_activated)
        self.aspect_combo.activated.connect(self._on_aspect_combo_activated)
        self.size_combo.activated.connect(self._on_size_combo_activated)
        self.seconds_combo.activated.connect(self._on_seconds_combo_activated)
        self.endpoint_edit.editingFinished.connect(self._on_endpoint_edit_editing_finished)
        self.refresh()

    def _show(self, options: ControlOptions) -> None:
        settings = self.settings
        assert isinstance(settings, SoraSettings)
        aspect = aspect_of(settings.size)
        aspects = sorted({aspect_of(s) for s in options.sizes}, reverse=True)
        fill_combo(
            self.model_combo, [(label, mid) for mid, label in options.models], settings.model
        )
        fill_combo(self.aspect_combo, [(a, a) for a in aspects], aspect)
        sizes = [s for s in options.sizes if aspect_of(s) == aspect]
        fill_combo(self.size_combo, [(size_label(s), s) for s in sizes], settings.size)
        fill_combo(self.seconds_combo, [(f"{s} s", s) for s in options.seconds], settings.seconds)
        if not self.endpoint_edit.hasFocus():
            self.endpoint_edit.setText(settings.base_url or "")

    @Slot(int)
    def _on_model_combo_activated(self, index: int) -> None:
        self.apply(model=self.model_combo.itemData(index))

    @Slot(int)
    def _on_aspect_combo_activated(self, index: int) -> None:
        aspect = self.aspect_combo.itemData(index)
        settings = self.settings
        assert isinstance(settings, SoraSettings)
        candidates = tuple(s for s in self.options().sizes if aspect_of(s) == aspect)
        if candidates:
            width, height = parse_size(settings.size)
            self.apply(size=nearest_size(f"{height}x{width}", candidates))

    @Slot(int)
    def _on_size_combo_activated(self, index: int) -> None:
        self.apply(size=self.size_combo.itemData(index))

    @Slot(int)
    def _on_seconds_combo_activated(self, index: int) -> None:
        self.apply(seconds=self.seconds_combo.itemData(index))

    @Slot()
    def _on_endpoint_edit_editing_finished(self) -> None:
        self.apply(base_url=self.endpoint_edit.text().strip() or None)
