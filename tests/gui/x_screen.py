"""Shared steps of the real-X screenshot scripts: let Qt paint, and grab a window's frame."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import TYPE_CHECKING

from PIL import Image
from PySide6.QtCore import QEventLoop, QTimer

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

OUT = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def pump(ms: int = 300) -> None:
    """Run the event loop for ``ms`` so the window is laid out and painted."""
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def grab(name: str, window: QWidget) -> Path:
    """The X screen as shown (window frame, open popups), cropped to the window's frame."""
    target = OUT / name
    subprocess.run(["import", "-window", "root", str(target)], check=True)
    frame = window.frameGeometry()
    box = (frame.x(), frame.y(), frame.x() + frame.width(), frame.y() + frame.height())
    with Image.open(target) as shot:
        shot.crop(box).save(target)
    print(target)
    return target
