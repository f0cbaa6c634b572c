"""`PreviewDialog`: plays a clip or the cut with QtMultimedia, or offers the system player."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QUrl, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

if TYPE_CHECKING:
    from pathlib import Path

log = logging.getLogger(__name__)


def multimedia_available() -> bool:
    """False when QtMultimedia cannot load (e.g. a missing libpulse0): the app still runs."""
    try:
        from PySide6 import QtMultimedia, QtMultimediaWidgets  # noqa: F401
    except ImportError as exc:
        log.warning("QtMultimedia unavailable: %s", exc)
        return False
    return True


class PreviewDialog(QDialog):
    """A small player; "Open in system player" is always there as the fallback."""

    def __init__(
        self,
        clip: Path,
        title: str = "",
        parent: QWidget | None = None,
        *,
        use_multimedia: bool | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title or clip.name)
        self.resize(800, 520)
        self.clip = clip
        self.player: object | None = None
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.play_button = QPushButton("Play / pause")
        self.play_button.clicked.connect(self._on_play_button_clicked)
        self.system_button = QPushButton("Open in system player")
        self.system_button.clicked.connect(self._on_system_button_clicked)
        buttons = QHBoxLayout()
        buttons.addWidget(self.play_button)
        buttons.addStretch(1)
        buttons.addWidget(self.system_button)
        self._layout = QVBoxLayout(self)
        usable = multimedia_available() if use_multimedia is None else use_multimedia
        if usable:
            self._build_player()
        else:
            self.play_button.setEnabled(False)
            self.message.setText(
                "The built-in player is not available on this system. "
                "Open the clip in the system player instead."
            )
        self._layout.addWidget(self.message)
        self._layout.addLayout(buttons)

    def _build_player(self) -> None:
        from PySide6.QtMultimedia import QAudioOutput, QMediaPlayer
        from PySide6.QtMultimediaWidgets import QVideoWidget

        video = QVideoWidget()
        player = QMediaPlayer(self)
        audio = QAudioOutput(self)
        player.setAudioOutput(audio)
        player.setVideoOutput(video)
        player.errorOccurred.connect(self._on_player_error_occurred)
        player.setSource(QUrl.fromLocalFile(str(self.clip)))
        self._layout.addWidget(video, 1)
        self.player = player

    def source(self) -> QUrl | None:
        from PySide6.QtMultimedia import QMediaPlayer

        return self.player.source() if isinstance(self.player, QMediaPlayer) else None

    @Slot()
    def _on_play_button_clicked(self) -> None:
        from PySide6.QtMultimedia import QMediaPlayer

        if not isinstance(self.player, QMediaPlayer):
            return
        if self.player.playbackState() == QMediaPlayer.PlaybackState.PlayingState:
            self.player.pause()
        else:
            self.player.play()

    @Slot()
    def _on_player_error_occurred(self) -> None:
        self.message.setText(
            "The built-in player cannot play this clip; open it in the system player."
        )

    @Slot()
    def _on_system_button_clicked(self) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.clip)))

    def done(self, result: int) -> None:
        from PySide6.QtMultimedia import QMediaPlayer

        if isinstance(self.player, QMediaPlayer):
            self.player.stop()
        super().done(result)
