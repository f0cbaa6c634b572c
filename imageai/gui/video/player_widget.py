"""`PlayerWidget`: the Video tab's embedded player (a take, or the whole cut) with a seek bar."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QUrl, Signal, Slot
from PySide6.QtGui import QDesktopServices, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSlider,
    QStackedLayout,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from imageai.gui.video.poster_label import PosterLabel
from imageai.services.clip_probe import DEFAULT_FPS, ClipProbe
from imageai.services.cut_playlist import CutPlaylist

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

    from PySide6.QtMultimedia import QMediaPlayer

    from imageai.services.cut_playlist import CutEntry

log = logging.getLogger(__name__)


def multimedia_available() -> bool:
    """False when QtMultimedia cannot load (e.g. a missing libpulse0): the app still runs."""
    try:
        from PySide6 import QtMultimedia  # noqa: F401
    except ImportError as exc:
        log.warning("QtMultimedia unavailable: %s", exc)
        return False
    return True


def time_text(ms: int) -> str:
    """``m:ss.cc``: hundredths, so a frame step visibly moves the label."""
    ms = max(ms, 0)
    return f"{ms // 60000}:{ms // 1000 % 60:02d}.{ms % 1000 // 10:02d}"


class PlayerWidget(QWidget):
    """Shows one take (poster first, never a black box) or plays the cut clip after clip.

    Signals:
        cut_requested(): the user pressed "Play cut"
        cut_scene_started(scene_id, row): the cut moved on to this scene
        cut_position(row, fraction): where the cut is inside that scene's clip (0..1)
        cut_finished(): the cut ended or was stopped
    """

    cut_requested = Signal()
    cut_scene_started = Signal(str, int)
    cut_position = Signal(int, float)
    cut_finished = Signal()

    def __init__(
        self, parent: QWidget | None = None, *, use_multimedia: bool | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("playerWidget")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.clip: Path | None = None
        self.scene_id: str | None = None
        self.playlist: CutPlaylist | None = None
        self.fps = DEFAULT_FPS
        self._duration = 0
        #: Frame steps pressed while the clip was loading, made once it has loaded.
        self._early_steps = 0
        self.probe = ClipProbe(self)
        self.probe.probed.connect(self._on_probe_probed)
        self.player: object | None = None
        self.poster = PosterLabel()
        self.screen_stack = QStackedLayout()
        self.screen_stack.addWidget(self.poster)
        self._build_controls()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(self.screen_stack, 1)
        layout.addLayout(self._controls)
        usable = multimedia_available() if use_multimedia is None else use_multimedia
        if usable:
            self._build_player()
        self.show_clip(None, None, None, "Select a scene to see its take here.")

    # ---- construction ------------------------------------------------------------------------

    def _button(self, icon: QStyle.StandardPixmap, tip: str, slot: object) -> QPushButton:
        button = QPushButton(self.style().standardIcon(icon), "")
        button.setToolTip(tip)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Space and arrows belong to the player
        button.clicked.connect(slot)
        return button

    def _build_controls(self) -> None:
        pix = QStyle.StandardPixmap
        self.prev_button = self._button(
            pix.SP_MediaSeekBackward, "Previous frame (Left)", self.step_back
        )
        self.play_button = self._button(pix.SP_MediaPlay, "Play / pause (Space)", self.toggle_play)
        self.next_button = self._button(
            pix.SP_MediaSeekForward, "Next frame (Right)", self.step_forward
        )
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setObjectName("playerSeekBar")
        self.slider.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.slider.sliderMoved.connect(self._on_slider_moved)
        self.time_label = QLabel(f"{time_text(0)} / {time_text(0)}")
        self.cut_button = QPushButton("Play cut")
        self.cut_button.setToolTip(
            "Play every scene's chosen take in storyboard order (scenes with no take are skipped)"
        )
        self.cut_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.cut_button.clicked.connect(self.cut_requested)
        self.system_button = self._button(
            pix.SP_DesktopIcon, "Open the take in the system player", self._on_system_clicked
        )
        self.note = QLabel()
        self.note.setObjectName("playerNote")
        # The seek bar on its own row over the buttons: the player's column stays narrow
        # (beside the storyboard and the inspector at 1024 px) and the bar keeps its length.
        seek = QHBoxLayout()
        seek.addWidget(self.slider, 1)
        seek.addWidget(self.time_label)
        controls = QHBoxLayout()
        for widget in (self.prev_button, self.play_button, self.next_button):
            controls.addWidget(widget)
        controls.addStretch(1)
        controls.addWidget(self.cut_button)
        controls.addWidget(self.system_button)
        self._controls = QVBoxLayout()
        self._controls.addLayout(seek)
        self._controls.addLayout(controls)
        self._controls.addWidget(self.note)
        for keys, slot in (
            (Qt.Key.Key_Space, self.toggle_play),
            (Qt.Key.Key_Left, self.step_back),
            (Qt.Key.Key_Right, self.step_forward),
            (Qt.Key.Key_Comma, self.step_back),
            (Qt.Key.Key_Period, self.step_forward),
        ):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)

    def _build_player(self) -> None:
        from PySide6.QtMultimedia import QMediaPlayer

        from imageai.gui.video.frame_view import FrameView

        # Not QVideoWidget: without a GPU path (software rendering, the offscreen platform) it
        # converts and scales every frame on the GUI thread (docs/decisions/0010).
        self.video = FrameView()
        self.screen_stack.addWidget(self.video)
        player = QMediaPlayer(self)
        player.setVideoSink(self.video.sink)
        player.durationChanged.connect(self._on_player_duration_changed)
        player.positionChanged.connect(self._on_player_position_changed)
        player.playbackStateChanged.connect(self._on_player_playback_state_changed)
        player.mediaStatusChanged.connect(self._on_player_media_status_changed)
        player.errorOccurred.connect(self._on_player_error_occurred)
        self.player = player

    def media_player(self) -> QMediaPlayer | None:
        from PySide6.QtMultimedia import QMediaPlayer

        return self.player if isinstance(self.player, QMediaPlayer) else None

    # ---- what is shown -----------------------------------------------------------------------

    def show_clip(
        self, scene_id: str | None, clip: Path | None, thumbnail: Path | None, message: str = ""
    ) -> None:
        """Load ``clip`` paused at its start, its thumbnail as the poster; ``message`` is shown
        in the poster's place when there is no picture."""
        self.scene_id, self.clip = scene_id, clip
        self.poster.show_picture(thumbnail, message)
        self.screen_stack.setCurrentWidget(self.poster)
        player = self.media_player()
        self.fps = (self.probe.fps(clip) if clip else None) or DEFAULT_FPS
        has_clip = clip is not None and player is not None
        for widget in (self.play_button, self.prev_button, self.next_button, self.slider):
            widget.setEnabled(has_clip)
        self.system_button.setEnabled(clip is not None)
        self._duration = 0
        self._early_steps = 0
        self.slider.setRange(0, 0)
        self._update_time(0)
        if player is None:
            if clip is not None:
                self.note.setText("The built-in player is not available: open the system player.")
            return
        player.stop()
        self.video.clear()
        player.setSource(QUrl.fromLocalFile(str(clip)) if clip else QUrl())
        if clip is not None and not self.poster.has_picture():
            # No thumbnail: show the first frame itself, paused at 0.
            self.screen_stack.setCurrentWidget(self.video)
            player.pause()

    def showing_poster(self) -> bool:
        return self.screen_stack.currentWidget() is self.poster

    # ---- the cut -----------------------------------------------------------------------------

    def play_cut(self, entries: Sequence[CutEntry], row: int = 0) -> bool:
        """Play the chosen takes from ``row`` on; False (and a note) when none has a take."""
        self.playlist = CutPlaylist(entries)
        entry = self.playlist.start(row)
        if entry is None:
            self.playlist = None
            self.note.setText("No scene has a take yet: render the storyboard first.")
            return False
        self._start_entry(entry)
        return True

    def _start_entry(self, entry: CutEntry) -> None:
        self.show_clip(entry.scene_id, entry.clip, entry.thumbnail)
        self._note_skipped()
        self.cut_scene_started.emit(entry.scene_id, entry.row)
        player = self.media_player()
        if player is not None:
            self._play(player)

    def _note_skipped(self) -> None:
        skipped = self.playlist.skipped if self.playlist else []
        numbers = ", ".join(str(e.row + 1) for e in skipped)
        self.note.setText(f"Skipped (no take yet): scene {numbers}" if numbers else "")

    def stop_cut(self) -> None:
        if self.playlist is not None:
            self.playlist = None
            self.cut_finished.emit()

    def playing_cut_scene(self) -> str | None:
        entry = self.playlist.current if self.playlist else None
        return entry.scene_id if entry else None

    # ---- transport ---------------------------------------------------------------------------

    def _play(self, player: QMediaPlayer) -> None:
        from PySide6.QtMultimedia import QAudioOutput

        if player.audioOutput() is None:
            # Made on the first Play, not with the window: opening the sound device may warn
            # (no PulseAudio server) and takes time the Video tab should not spend at start.
            player.setAudioOutput(QAudioOutput(self))
        player.play()

    @Slot()
    def toggle_play(self) -> None:
        from PySide6.QtMultimedia import QMediaPlayer

        player = self.media_player()
        if player is None or self.clip is None:
            return
        if player.playbackState() == QMediaPlayer.PlaybackState.PlayingState:
            player.pause()
        else:
            self._play(player)

    def frame_ms(self) -> float:
        return 1000.0 / (self.fps or DEFAULT_FPS)

    @Slot()
    def step_back(self) -> None:
        self.step(-1)

    @Slot()
    def step_forward(self) -> None:
        self.step(1)

    def step(self, frames: int) -> None:
        """Pause and move ``frames`` frames (at the clip's own frame rate)."""
        from PySide6.QtMultimedia import QMediaPlayer

        player = self.media_player()
        if player is None or self.clip is None:
            return
        player.pause()
        self.screen_stack.setCurrentWidget(self.video)
        if player.mediaStatus() == QMediaPlayer.MediaStatus.LoadingMedia:
            # The first ~100 ms after a scene is chosen: a position set now is lost (even once
            # the player says it can seek); the press is made when the clip has loaded.
            self._early_steps += frames
            return
        # The middle of the target frame, so rounding never lands on its neighbour.
        current = round(player.position() / self.frame_ms())
        target = (current + frames) * self.frame_ms()
        last = max(player.duration() - self.frame_ms(), 0)
        player.setPosition(int(min(max(target, 0.0), last)))

    @Slot(int)
    def _on_slider_moved(self, position: int) -> None:
        player = self.media_player()
        if player is not None:
            self.screen_stack.setCurrentWidget(self.video)
            player.setPosition(position)

    @Slot()
    def _on_system_clicked(self) -> None:
        if self.clip is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.clip)))

    # ---- player signals ----------------------------------------------------------------------

    @Slot(str, float)
    def _on_probe_probed(self, path: str, fps: float) -> None:
        if self.clip is not None and str(self.clip) == path:
            self.fps = fps

    @Slot("qint64")
    def _on_player_duration_changed(self, duration: int) -> None:
        self._duration = max(int(duration), 0)
        self.slider.setRange(0, self._duration)
        self.slider.setPageStep(1000)
        self._update_time(self.slider.value())

    @Slot("qint64")
    def _on_player_position_changed(self, position: int) -> None:
        if not self.slider.isSliderDown():
            self.slider.setValue(int(position))
        self._update_time(int(position))
        entry = self.playlist.current if self.playlist else None
        if entry is not None and self._duration > 0:
            self.cut_position.emit(entry.row, position / self._duration)

    def _update_time(self, position: int) -> None:
        self.time_label.setText(f"{time_text(position)} / {time_text(self._duration)}")

    @Slot(object)
    def _on_player_playback_state_changed(self, state: object) -> None:
        from PySide6.QtMultimedia import QMediaPlayer

        playing = state == QMediaPlayer.PlaybackState.PlayingState
        if playing:
            self.screen_stack.setCurrentWidget(self.video)
        icon = (
            QStyle.StandardPixmap.SP_MediaPause if playing else QStyle.StandardPixmap.SP_MediaPlay
        )
        self.play_button.setIcon(self.style().standardIcon(icon))

    @Slot(object)
    def _on_player_media_status_changed(self, status: object) -> None:
        from PySide6.QtMultimedia import QMediaPlayer

        if status == QMediaPlayer.MediaStatus.LoadedMedia and self._early_steps:
            frames, self._early_steps = self._early_steps, 0
            self.step(frames)
        if status != QMediaPlayer.MediaStatus.EndOfMedia or self.playlist is None:
            return
        entry = self.playlist.advance()
        if entry is None:
            self._note_skipped()
            self.stop_cut()
        else:
            self._start_entry(entry)

    @Slot(object, str)
    def _on_player_error_occurred(self, error: object, message: str) -> None:
        log.info("player error on %s: %s", self.clip, message)
        self.note.setText("The built-in player cannot play this clip: open the system player.")
