"""`CutViewer`: the embedded player over the timeline strip, following the storyboard's selection."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QVBoxLayout, QWidget

from imageai.gui.video.player_widget import PlayerWidget
from imageai.gui.video.timeline_strip import TimelineStrip
from imageai.services.cut_playlist import cut_entries

if TYPE_CHECKING:
    from imageai.gui.video.storyboard_view import StoryboardView
    from imageai.services.cut_playlist import CutEntry
    from imageai.services.video_workspace import VideoWorkspace


class CutViewer(QWidget):
    """Shows the selected scene's take; "Play cut" plays the chosen takes in storyboard order,
    selecting each scene as it plays (the card, the block and the playhead follow)."""

    def __init__(
        self,
        workspace: VideoWorkspace,
        storyboard: StoryboardView,
        parent: QWidget | None = None,
        *,
        use_multimedia: bool | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("cutViewer")
        self.ws = workspace
        self.storyboard = storyboard
        #: True while the cut selects the scene it plays (not the user's choice).
        self._following = False
        self.player = PlayerWidget(use_multimedia=use_multimedia)
        self.timeline = TimelineStrip()
        self.timeline.setModel(workspace.storyboard)
        self.timeline.setSelectionModel(storyboard.selectionModel())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.player, 1)
        layout.addWidget(self.timeline)
        storyboard.selectionModel().selectionChanged.connect(self._on_selection_changed)
        workspace.storyboard.modelReset.connect(self._on_selection_changed)
        workspace.document.project_changed.connect(self._on_document_project_changed)
        self.player.cut_requested.connect(self.play_cut)
        self.player.cut_scene_started.connect(self._on_player_cut_scene_started)
        self.player.cut_position.connect(self.timeline.set_playhead)
        self.player.cut_finished.connect(self.timeline.clear_playhead)
        self._on_selection_changed()

    def entries(self) -> list[CutEntry]:
        return cut_entries(self.ws.document.project, self.ws.document.folder)

    def _selected_entry(self) -> CutEntry | None:
        ids = self.storyboard.selected_ids()
        if len(ids) != 1:
            return None
        # That scene's entry only: every project change (each job event) asks, and the whole
        # cut's entries resolve and look up a clip for each of 500 scenes.
        project = self.ws.document.project
        for row, scene in enumerate(project.scenes):
            if scene.id == ids[0]:
                alone = project.model_copy(update={"scenes": (scene,)})
                return cut_entries(alone, self.ws.document.folder)[0]._replace(row=row)
        return None

    @Slot()
    def _on_selection_changed(self) -> None:
        if self._following:
            return  # the cut selected the scene it plays: keep playing
        self.player.stop_cut()
        self.show_entry(self._selected_entry())

    def show_entry(self, entry: CutEntry | None) -> None:
        if entry is None:
            count = len(self.storyboard.selected_ids())
            message = f"{count} scenes selected." if count else "Select a scene to see its take."
            self.player.show_clip(None, None, None, message)
            return
        message = "" if entry.clip else f"Scene {entry.row + 1} has no take yet: render it."
        self.player.show_clip(entry.scene_id, entry.clip, entry.thumbnail, message)

    @Slot()
    def _on_document_project_changed(self) -> None:
        # A render finished or a take was chosen: reload, unless the same clip is loaded
        # (a save during playback must not restart it).
        if self.player.playlist is not None:
            return
        entry = self._selected_entry()
        if entry is None or (entry.clip, entry.scene_id) != (
            self.player.clip,
            self.player.scene_id,
        ):
            self.show_entry(entry)

    @Slot()
    def play_cut(self) -> bool:
        """Play the whole cut from its first scene."""
        return self.player.play_cut(self.entries())

    def play_selected(self) -> None:
        """The toolbar's Preview: play the selected take here."""
        self.player.stop_cut()
        self.show_entry(self._selected_entry())
        self.player.toggle_play()

    @Slot(str, int)
    def _on_player_cut_scene_started(self, scene_id: str, row: int) -> None:
        self._following = True
        try:
            self.storyboard.select_ids([scene_id])
        finally:
            self._following = False
        self.timeline.set_playhead(row, 0.0)
