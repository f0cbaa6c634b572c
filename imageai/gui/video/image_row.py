"""A form row for one image: its name, then Pick… and Clear buttons."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton

if TYPE_CHECKING:
    from collections.abc import Callable


def image_row(
    label: QLabel, on_pick: Callable[[], None], on_clear: Callable[[], None]
) -> QHBoxLayout:
    """``label`` (the image's name) stretches; the buttons call the given slots."""
    pick = QPushButton("Pick…")
    pick.clicked.connect(on_pick)
    clear = QPushButton("Clear")
    clear.clicked.connect(on_clear)
    row = QHBoxLayout()
    row.addWidget(label, 1)
    row.addWidget(pick)
    row.addWidget(clear)
    return row
