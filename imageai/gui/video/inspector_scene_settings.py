"""`SceneProviderSettingsWidget`: a scene's own provider controls while it overrides the provider."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from imageai.core.models import ProviderName
from imageai.core.provider_names import PROVIDER_LABELS
from imageai.gui.video.animatic_controls_widget import AnimaticControlsWidget
from imageai.gui.video.omni_controls_widget import OmniControlsWidget
from imageai.gui.video.sora_controls_widget import SoraControlsWidget
from imageai.gui.video.veo_controls_widget import VeoControlsWidget

if TYPE_CHECKING:
    from imageai.gui.video.controls_base import ProviderControlsWidget
    from imageai.services.video_workspace import VideoWorkspace


class SceneProviderSettingsWidget(QWidget):
    """The overriding provider's controls, bound to the scene's own settings.

    Hidden while the scene follows the project's provider: then the Project tab's controls
    are the ones that apply. A change here is an undoable edit of this scene only.
    """

    def __init__(self, workspace: VideoWorkspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ws = workspace
        self._scene_id: str | None = None
        self.heading = QLabel()
        self.heading.setObjectName("sceneSettingsHeading")
        self.heading.setWordWrap(True)
        bold = self.heading.font()
        bold.setBold(True)
        self.heading.setFont(bold)
        self.controls: dict[ProviderName, ProviderControlsWidget] = {
            ProviderName.ANIMATIC: AnimaticControlsWidget(workspace),
            ProviderName.OMNI: OmniControlsWidget(workspace),
            ProviderName.VEO: VeoControlsWidget(workspace),
            ProviderName.SORA: SoraControlsWidget(workspace),
        }
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addWidget(self.heading)
        # Only the overriding provider's controls are shown; hidden ones take no room (a stacked
        # widget would be as wide as the widest, and the inspector would clip).
        for widget in self.controls.values():
            widget.bind_scene(None)  # scene-bound from the start: never edits the project
            widget.hide()
            layout.addWidget(widget)
        workspace.document.project_changed.connect(self._on_document_project_changed)
        self.set_scene(None)

    def set_scene(self, scene_id: str | None) -> None:
        self._scene_id = scene_id
        provider = self.overriding()
        for name, widget in self.controls.items():
            if name is not provider:
                widget.hide()  # first: hidden controls wait until shown instead of refreshing
        for widget in self.controls.values():
            widget.bind_scene(scene_id)
        self._sync()

    def overriding(self) -> ProviderName | None:
        """The provider the scene overrides with, or None."""
        if self._scene_id is None:
            return None
        try:
            return self._ws.document.project.scene(self._scene_id).provider
        except KeyError:
            return None

    def current(self) -> ProviderControlsWidget | None:
        """The controls shown (the overriding provider's), or None."""
        provider = self.overriding()
        return None if provider is None else self.controls[provider]

    def _sync(self) -> None:
        provider = self.overriding()
        self.setVisible(provider is not None)
        for name, widget in self.controls.items():
            widget.setVisible(name is provider)
        if provider is None:
            return
        self.heading.setText(
            f"This scene's {PROVIDER_LABELS[provider]} settings (the project's are unchanged)"
        )

    @Slot()
    def _on_document_project_changed(self) -> None:
        self._sync()
