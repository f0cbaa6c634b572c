"""WCAG contrast between two colours, and a colour nudged lighter or darker until it reads."""

from __future__ import annotations

import functools

from PySide6.QtGui import QColor

#: WCAG AA for normal text.
MIN_CONTRAST = 4.5


def _channel(value: float) -> float:
    return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4


def relative_luminance(color: QColor) -> float:
    return (
        0.2126 * _channel(color.redF())
        + 0.7152 * _channel(color.greenF())
        + 0.0722 * _channel(color.blueF())
    )


def contrast_ratio(a: QColor, b: QColor) -> float:
    """WCAG 2 contrast ratio, 1 (none) to 21 (black on white)."""
    high, low = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _toward(color: QColor, lightness: int) -> QColor:
    return QColor.fromHsl(max(color.hslHue(), 0), color.hslSaturation(), lightness, color.alpha())


def readable_on(color: QColor, background: QColor, minimum: float = MIN_CONTRAST) -> QColor:
    """``color`` if it reads on ``background``; else the same hue made lighter or darker (the
    smaller change that reaches ``minimum``), so a state keeps its colour but stays legible."""
    # Asked for at each paint of each card; the search below takes up to 2 ms. A copy: the
    # caller may change the colour it gets.
    return QColor(_readable(color.getRgbF(), background.getRgbF(), minimum))


_RgbF = tuple[float, float, float, float]


@functools.lru_cache(maxsize=256)
def _readable(rgb: _RgbF, background_rgb: _RgbF, minimum: float) -> QColor:
    color, background = QColor.fromRgbF(*rgb), QColor.fromRgbF(*background_rgb)
    if contrast_ratio(color, background) >= minimum:
        return color
    start = color.lightness()
    for step in range(1, 256):
        for lightness in (start + step, start - step):
            if 0 <= lightness <= 255:
                candidate = _toward(color, lightness)
                if contrast_ratio(candidate, background) >= minimum:
                    return candidate
    # One of black and white always reaches 4.58:1.
    black, white = QColor("black"), QColor("white")
    return max((black, white), key=lambda c: contrast_ratio(c, background))
