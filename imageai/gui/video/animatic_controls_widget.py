"""Animatic controls: frame size, default duration and frame rate of the free offline render."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QComboBox, QSpinBox, QWidget

from imageai.core.models import AnimaticSettings, ProviderName
from imageai.gui.video.controls_base import ProviderControlsWidget

if TYPE_CHECKING:
    from imageai.services.controls_state import ControlOptions
    from imageai.services.video_workspace import VideoWorkspace


class AnimaticControlsWidget(ProviderControlsWidget):
    """Free and offline: a push-in on each reference image, or a title card."""

    provider = ProviderName.ANIMATIC

    def __init__(self, workspace: VideoWorkspace, parent: QWidget | None = None) -> None:
        super().__init__(workspace, parent)
        self.size_combo = QComboBox()
        self.seconds_combo = QComboBox()
        self.fps_spin = QSpinBox()
        self.fps_spin.setRange(1, 60)
        self.form.addRow("Size", self.size_combo)
        self.form.addRow("Duration", self.seconds_combo)
        self.form.addRow("Frame rate", self.fps_spin)
        self.bindings = [
            self.bind_combo(self.size_combo, "size", lambda o: [(s, s) for s in o.sizes]),
            self.bind_combo(
                self.seconds_combo, "seconds", lambda o: [(f"{s} s", s) for s in o.seconds]
            ),
        ]
        self.fps_spin.editingFinished.connect(self._on_fps_spin_editing_finished)
        self.refresh()

    def _show(self, options: ControlOptions) -> None:
        settings = self.settings
        assert isinstance(settings, AnimaticSettings)
        self.fps_spin.blockSignals(True)
        self.fps_spin.setValue(settings.fps)
        self.fps_spin.blockSignals(False)

    @Slot()
    def _on_fps_spin_editing_finished(self) -> None:
        self.apply(fps=self.fps_spin.value())
