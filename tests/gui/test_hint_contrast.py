"""Grey hint texts read on their background in light and dark: WCAG contrast >= 4.5."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from PySide6.QtGui import QColor, QPalette

from imageai.gui.contrast import contrast_ratio
from imageai.gui.theme import dark_palette, light_palette
from imageai.gui.video.omni_controls_widget import OmniControlsWidget
from imageai.gui.video.veo_controls_widget import VeoControlsWidget
from imageai.gui.video.veo_images_widget import VeoImagesWidget

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from PySide6.QtWidgets import QApplication, QLabel
    from pytestqt.qtbot import QtBot

    from imageai.services.video_workspace import VideoWorkspace

PALETTES = {"light": light_palette, "dark": dark_palette}


@pytest.fixture
def palette_app(qapp: QApplication) -> Iterator[Callable[[QPalette], None]]:
    before = qapp.palette()
    yield qapp.setPalette
    qapp.setPalette(before)


@pytest.fixture
def hints(qtbot: QtBot, make_workspace: Callable[..., VideoWorkspace]) -> Iterator[list[QLabel]]:
    """The grey hints of the Omni and Veo controls and of the scene's image rows."""
    ws = make_workspace()
    omni, veo, images = OmniControlsWidget(ws), VeoControlsWidget(ws), VeoImagesWidget(ws)
    for widget in (omni, veo, images):
        qtbot.add_widget(widget)
    omni.seconds_hint.setText("Up to 8 s with a last frame")
    images.refs_hint.setText("0 of 5 · instead of a first or last frame")
    # yield, not return: the widgets (and so their labels) live until the test ends
    yield [omni.seconds_hint, omni.capabilities, veo.capabilities, images.refs_hint]  # noqa: PT022


def _shown_colours(label: QLabel) -> tuple[str, str]:
    """The text colour the label paints with, and its background's."""
    label.ensurePolished()
    palette = label.palette()
    return (
        palette.color(label.foregroundRole()).name(),
        palette.color(label.backgroundRole()).name(),
    )


@pytest.mark.parametrize("theme", PALETTES)
def test_hint_texts_read_on_their_background(
    qtbot: QtBot,
    hints: list[QLabel],
    palette_app: Callable[[QPalette], None],
    theme: str,
) -> None:
    """The model description and the '0 of 5 …' hint were #4b5563 / placeholder grey: about
    2:1 and 4.3:1 on the dark theme's #2b2b2e."""
    palette_app(PALETTES[theme]())
    for label in hints:
        text, background = _shown_colours(label)
        ratio = contrast_ratio(*map(QColor, (text, background)))
        assert ratio >= 4.5, (label.text(), text, background, ratio)
        # Still a hint: quieter than the body text.
        body = label.palette().color(QPalette.ColorRole.Text).name()
        assert text != body, text


@pytest.mark.parametrize(("first", "then"), [("light", "dark"), ("dark", "light")])
def test_hint_colour_follows_a_theme_change(
    qtbot: QtBot,
    hints: list[QLabel],
    palette_app: Callable[[QPalette], None],
    first: str,
    then: str,
) -> None:
    palette_app(PALETTES[first]())
    palette_app(PALETTES[then]())
    window = PALETTES[then]().window().color().name()
    for label in hints:  # the theme reaches each widget through the event loop
        qtbot.wait_until(lambda label=label: _shown_colours(label)[1] == window)
        text, background = _shown_colours(label)
        assert contrast_ratio(QColor(text), QColor(background)) >= 4.5, (text, background)
