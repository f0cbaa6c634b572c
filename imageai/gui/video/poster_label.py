"""`PosterLabel`: the player's still picture (a take's thumbnail or a scene's reference), or a
message where there is none; large pictures decode off the GUI thread."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt, Slot
from PySide6.QtWidgets import QLabel, QSizePolicy

from imageai.gui.deferred_thumbnails import picture_now_or_later, shared_decoder

if TYPE_CHECKING:
    from pathlib import Path

    from PySide6.QtGui import QPixmap, QResizeEvent

#: The size a large poster is decoded to cover (the player's column is narrower).
POSTER_BOUND = QSize(960, 540)


class PosterLabel(QLabel):
    """Shows a picture scaled to fit, or a message; never a black box."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("playerPoster")
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setWordWrap(True)
        self.setMinimumSize(QSize(160, 90))
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self._pixmap: QPixmap | None = None
        self._source: str | None = None
        shared_decoder().decoded.connect(self._on_decoded)

    def show_picture(self, picture: Path | None, message: str) -> None:
        """Show ``picture`` (at once if small or decoded before, else when decoded), or
        ``message`` while there is none."""
        # A large picture (a scene's 1080p reference, shown until it has a take) is decoded
        # off the GUI thread, 35-55 ms; `_on_decoded` shows it.
        self._source = str(picture) if picture and picture.is_file() else None
        self._pixmap = None
        if self._source is not None:
            self._pixmap, _ = picture_now_or_later(self._source, POSTER_BOUND)
        if self._pixmap is None:
            self.setText(message)  # (a label holds a text or a picture, not both)
        self._scale()

    def has_picture(self) -> bool:
        """A picture is shown now (not a message, nor one still decoding)."""
        return self._pixmap is not None

    @Slot()
    def _on_decoded(self) -> None:
        if self._pixmap is not None or self._source is None:
            return
        self._pixmap, _ = shared_decoder().pixmap(self._source, POSTER_BOUND)
        self._scale()

    def _scale(self) -> None:
        if self._pixmap is None:
            return
        self.setPixmap(
            self._pixmap.scaled(
                self.size(),
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
        )

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._scale()
