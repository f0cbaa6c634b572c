"""`scrolled(widget)`: a frameless scroll area, so a tall or wide panel never sets the window's
minimum size (the window fits 1024x700 and the panel scrolls instead)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QScrollArea, QWidget


def scrolled(widget: QWidget, *, horizontal: bool = False) -> QScrollArea:
    """``widget`` in a scroll area that resizes it to the viewport; only ``horizontal``
    allows a sideways scroll bar (panels that reflow don't need one)."""
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    if not horizontal:
        area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    area.setWidget(widget)
    return area
