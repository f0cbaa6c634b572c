"""`InspectorWidget`: a Scene tab (the selected scene) and a Project tab (what all scenes share)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QTabWidget, QWidget

from imageai.gui.scrolled import scrolled
from imageai.gui.video.inspector_project import ProjectTabWidget
from imageai.gui.video.scene_editor import SceneEditorPanel

if TYPE_CHECKING:
    from imageai.services.key_check_service import KeyCheckService
    from imageai.services.video_workspace import VideoWorkspace


class InspectorWidget(QTabWidget):
    """Scene settings and project settings apart: a scene that overrides the provider shows that
    provider's controls, bound to its own settings, on the Scene tab."""

    def __init__(
        self,
        workspace: VideoWorkspace,
        keys: KeyCheckService | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("inspector")
        self.scene_editor = SceneEditorPanel(workspace)
        self.project_tab = ProjectTabWidget(workspace, keys)
        self.scene_tab_index = self.addTab(self.scene_editor, "Scene")
        # Scrolls rather than setting the window's minimum size (it fits 1024x700).
        self.project_tab_index = self.addTab(scrolled(self.project_tab), "Project")

    def set_scene(self, scene_id: str | None) -> None:
        self.scene_editor.set_scene(scene_id)
        self.project_tab.provider_selector.set_scene(scene_id)

    def show_scene_tab(self) -> None:
        self.setCurrentIndex(self.scene_tab_index)

    def show_project_tab(self) -> None:
        self.setCurrentIndex(self.project_tab_index)
