"""`HintLabel`: a quiet grey hint that still reads (WCAG 4.5:1) on its background, in any theme."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QLabel, QWidget

from imageai.gui.contrast import readable_on

if TYPE_CHECKING:
    from PySide6.QtCore import QEvent as QEventT

#: Re-colour on these: a theme change reaches a widget as one of them.
_PALETTE_EVENTS = {QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange}


def hint_colour(palette: QPalette, background: QColor) -> QColor:
    """The palette's placeholder grey, made lighter or darker until it reads on ``background``
    (the dark theme's grey was 4.3:1 and the fixed #4b5563 about 2:1)."""
    grey = palette.color(QPalette.ColorRole.PlaceholderText)
    if grey.alpha() < 255:  # Fusion's light grey is translucent black: what shows is the blend
        a = grey.alphaF()
        grey = QColor.fromRgbF(
            *(
                c * a + b * (1 - a)
                for c, b in (
                    (grey.redF(), background.redF()),
                    (grey.greenF(), background.greenF()),
                    (grey.blueF(), background.blueF()),
                )
            )
        )
    return readable_on(grey, background)


class HintLabel(QLabel):
    """A word-wrapped hint whose grey follows the theme: set through the palette, not a style
    sheet (a style sheet's colour stays the same on a dark background)."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.setWordWrap(True)
        self._recolour()

    def changeEvent(self, event: QEventT) -> None:
        super().changeEvent(event)
        if event.type() in _PALETTE_EVENTS:
            self._recolour()

    def _recolour(self) -> None:
        palette = self.palette()
        colour = hint_colour(palette, palette.color(self.backgroundRole()))
        if palette.color(self.foregroundRole()) != colour:  # setting it sends PaletteChange
            # Only the text's role is set: the background still follows the theme.
            own = QPalette()
            own.setColor(self.foregroundRole(), colour)
            self.setPalette(own)
