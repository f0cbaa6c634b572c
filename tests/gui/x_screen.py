"""Shared steps of the real-X screenshot scripts: let Qt paint, and grab a window's frame."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import TYPE_CHECKING

from PIL import Image
from PySide6.QtCore import QEventLoop, QTimer

from imageai.gui.theme import apply_theme
from imageai.services.app_settings import Theme

if TYPE_CHECKING:
    from collections.abc import Iterator

    from PySide6.QtWidgets import QApplication, QWidget

OUT = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
#: The window sizes every screenshot is taken at: the smallest supported and a common desktop.
SIZES = ((1024, 700), (1600, 1000))
THEMES = ((Theme.LIGHT, "light"), (Theme.DARK, "dark"))
#: A screenshot larger than this is quantized to 256 colours (the README loads them all).
MAX_BYTES = 300_000


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
        cropped = shot.convert("RGB").crop(box)
    cropped.save(target, optimize=True)
    if target.stat().st_size > MAX_BYTES:
        cropped.quantize(256, dither=Image.Dither.NONE).save(target, optimize=True)
    print(target, target.stat().st_size // 1000, "kB")
    return target


def sizes_and_themes(app: QApplication, window: QWidget) -> Iterator[str]:
    """Resize ``window`` to each of `SIZES` in each of `THEMES`; yields ``"1024-light"`` etc.
    Leaves the light theme applied."""
    try:
        for theme, theme_name in THEMES:
            apply_theme(app, theme)
            for width, height in SIZES:
                window.setGeometry(60, 40, width, height)
                pump(700)
                yield f"{width}-{theme_name}"
    finally:
        apply_theme(app, Theme.LIGHT)
