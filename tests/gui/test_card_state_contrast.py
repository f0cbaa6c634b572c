"""A card's state text stays readable on its background: WCAG contrast >= 4.5, light and dark."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QColor, QPalette

from imageai.gui.contrast import MIN_CONTRAST, contrast_ratio, readable_on
from imageai.gui.theme import dark_palette, light_palette
from imageai.gui.video.storyboard_view import (
    CHANGED_COLOR,
    STATE_COLORS,
    card_background,
    state_text_color,
)

PALETTES = {"light": light_palette, "dark": dark_palette}


def test_contrast_ratio_matches_wcag() -> None:
    assert contrast_ratio(QColor("black"), QColor("white")) == pytest.approx(21.0)
    assert contrast_ratio(QColor("#777777"), QColor("white")) == pytest.approx(4.48, abs=0.01)
    assert contrast_ratio(QColor("white"), QColor("#777777")) == pytest.approx(4.48, abs=0.01)


def test_readable_on_keeps_a_colour_that_already_reads() -> None:
    assert readable_on(QColor("#111111"), QColor("white")) == QColor("#111111")


@pytest.mark.parametrize("theme", PALETTES)
@pytest.mark.parametrize("selected", [True, False], ids=["selected", "unselected"])
@pytest.mark.parametrize("state", [*STATE_COLORS, "changed"])
def test_state_text_reads_on_the_card(theme: str, selected: bool, state: str) -> None:
    """The green "done" on a selected (blue) card in the dark theme was ~2.3:1."""
    palette: QPalette = PALETTES[theme]()
    background = card_background(palette, selected=selected)
    changed = state == "changed"
    color = state_text_color(state, background, changed=changed)
    assert contrast_ratio(color, background) >= 4.5, (color.name(), background.name())
    # Still the state's hue (green for done), only lighter or darker.
    wanted = QColor(CHANGED_COLOR if changed else STATE_COLORS[state])
    if wanted.hsvSaturation() > 40 and color.hsvSaturation() > 40:
        assert abs(color.hslHue() - wanted.hslHue()) <= 12, (color.name(), wanted.name())


@pytest.mark.parametrize("theme", PALETTES)
def test_the_selection_colour_itself_reads_the_done_text(theme: str) -> None:
    highlight = PALETTES[theme]().highlight().color()
    color = state_text_color("done", highlight, changed=False)
    assert contrast_ratio(color, highlight) >= 4.5


def test_a_remembered_colour_is_the_callers_own_copy() -> None:
    # readable_on remembers its answers (each card asks at each paint): changing the colour
    # one caller got must not change what the next one gets.
    green, dark = QColor("#16a34a"), QColor("#1f1f22")
    first = readable_on(green, dark)
    first.setRgb(255, 0, 0)

    again = readable_on(green, dark)

    assert again != first
    assert contrast_ratio(again, dark) >= MIN_CONTRAST
