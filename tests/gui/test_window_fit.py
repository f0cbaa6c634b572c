"""The main window fits 1024x700 and reflows: nothing clipped, cards keep badge and price."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from PySide6.QtCore import QPoint, QRect
from PySide6.QtGui import QFont, QFontMetrics

from imageai.gui.video.storyboard_view import card_rects

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget
    from pytestqt.qtbot import QtBot

    from imageai.app import AppParts

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


def _in_window(widget: QWidget, window: QWidget) -> QRect:
    return QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())


def test_the_window_fits_1024x700_with_nothing_clipped(qtbot: QtBot, app_parts: AppParts) -> None:
    window, ws = app_parts.window, app_parts.workspace
    for i in range(3):
        ws.editor.add_scene(prompt=f"Scene {i}: a long prompt about the lighthouse at dusk " * 3)
    window.show()
    window.resize(1024, 700)
    qtbot.wait_until(lambda: window.size().width() == 1024 and window.size().height() == 700)
    panel = window.video_panel
    editor = panel.scene_editor
    panel.storyboard_view.select_ids([ws.document.project.scenes[0].id])
    key_widgets = [
        panel.storyboard_view,
        panel.toolbar,
        panel.cost_label,
        editor,
        editor.prompt_edit,
        editor.duration_combo,
    ]
    for widget in key_widgets:
        assert widget.isVisible(), widget
        assert window.rect().contains(_in_window(widget, window)), widget
    # The project's provider is on the inspector's Project tab.
    panel.inspector.show_project_tab()
    combo = panel.provider_selector.combo
    assert combo.isVisible()
    assert window.rect().contains(_in_window(combo, window))
    panel.inspector.show_scene_tab()
    # The editor reflows into the width it has: no sideways clipping inside its scroll area.
    viewport = editor.scroll_area.viewport()
    content = editor.scroll_area.widget()
    qtbot.wait_until(lambda: content.width() <= viewport.width())
    for widget in (editor.prompt_edit, editor.sent_prompt, editor.provider_combo):
        box = QRect(widget.mapTo(viewport, QPoint(0, 0)), widget.size())
        assert box.left() >= 0 and box.right() <= viewport.width(), widget
        assert widget.width() >= widget.minimumSizeHint().width(), widget
    # Every toolbar action is reachable (shown, or in the toolbar's overflow menu).
    assert panel.toolbar.width() <= window.width()


def test_at_1024x700_the_storyboard_shows_cards_and_the_player_a_picture(
    qtbot: QtBot, app_parts: AppParts
) -> None:
    """The player and timeline once shared the height with the storyboard and the queue: one
    and a half cards and a 90 px picture. Side by side, both stay usable at the smallest size."""
    window, ws = app_parts.window, app_parts.workspace
    for i in range(4):
        ws.editor.add_scene(prompt=f"Scene {i}: the lighthouse at dusk")
    window.show()
    window.resize(1024, 700)
    qtbot.wait_until(lambda: window.size().width() == 1024 and window.size().height() == 700)
    panel = window.video_panel
    view = panel.storyboard_view
    view.select_ids([ws.document.project.scenes[0].id])
    model = view.model()

    def whole_cards() -> list[int]:
        viewport = view.viewport().rect()
        rects = [view.visualRect(model.index(row, 0)) for row in range(model.rowCount())]
        # Whole cards top to bottom (their width follows the viewport's).
        return [
            row
            for row, rect in enumerate(rects)
            if rect.top() >= viewport.top() and rect.bottom() <= viewport.bottom()
        ]

    qtbot.wait_until(lambda: view.visualRect(model.index(0, 0)).isValid())
    assert len(whole_cards()) >= 2, whole_cards()
    screen = panel.viewer.player.poster
    assert screen.isVisible()
    assert screen.height() >= 200, screen.size()
    # A 16:9 picture fits its width into the screen: at least 160 px wide, so ~90 px tall at worst
    # before; the column is wide enough for a readable picture now.
    assert screen.width() >= 270, screen.size()
    for widget in (panel.viewer, panel.viewer.timeline, panel.inspector, panel.bottom_tabs):
        assert widget.isVisible(), widget
        assert window.rect().contains(_in_window(widget, window)), widget


@pytest.mark.parametrize("width", [300, 360, 420, 520])
def test_card_parts_stay_inside_the_card_and_apart(width: int) -> None:
    font = QFont()
    bold = QFont(font)
    bold.setBold(True)
    plain_metrics, bold_metrics = QFontMetrics(font), QFontMetrics(bold)
    card = QRect(4, 3, width - 8, 86)
    price = "billed $12.80"
    rects = card_rects(card, bold_metrics, plain_metrics, "/v1/videos", price)
    for part in rects:
        assert card.contains(part) or part.isEmpty(), (part, card)
    assert not rects.header.intersects(rects.badge)
    assert not rects.state.intersects(rects.price)
    assert not rects.thumb.intersects(rects.header)
    assert rects.price.width() >= plain_metrics.horizontalAdvance(price)
    assert rects.badge.width() >= bold_metrics.horizontalAdvance("/v1/videos") + 8
    assert rects.body.bottom() < rects.state.top()
