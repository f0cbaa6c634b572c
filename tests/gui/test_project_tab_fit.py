"""The inspector's Project tab fits 1024x700 and 1600x1000 for every provider: nothing clipped."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import QWidget

from imageai.core.models import ProviderName

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

    from imageai.app import AppParts

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


def _visible_children(root: QWidget) -> list[QWidget]:
    return [
        w
        for w in root.findChildren(QWidget)
        if w.isVisibleTo(root) and w.isVisible() and w.width() > 0 and w.height() > 0
    ]


@pytest.mark.parametrize("size", [(1024, 700), (1600, 1000)])
@pytest.mark.parametrize("narrowest", [False, True], ids=["default-split", "inspector-narrowest"])
@pytest.mark.parametrize("provider", list(ProviderName), ids=[p.value for p in ProviderName])
def test_every_child_of_the_project_tab_lies_inside_it(
    qtbot: QtBot,
    app_parts: AppParts,
    size: tuple[int, int],
    narrowest: bool,
    provider: ProviderName,
) -> None:
    """The Title and Budget fields and Veo's deprecation notice ran past the tab's right edge."""
    window = app_parts.window
    ws = app_parts.workspace
    ws.editor.add_scene(prompt="A lighthouse on a black cliff at dusk")
    ws.editor.set_provider(provider)
    window.show()
    window.resize(*size)
    qtbot.wait_until(lambda: (window.width(), window.height()) == size)
    panel = window.video_panel
    if narrowest:  # the inspector dragged to its minimum width
        splitter = panel.main_splitter
        splitter.setSizes([size[0], size[0], 0])
        qtbot.wait_until(lambda: splitter.sizes()[2] == panel.inspector.minimumWidth())
    panel.inspector.show_project_tab()
    tab = panel.inspector.project_tab
    controls = tab.provider_selector.controls[provider]
    qtbot.wait_until(controls.isVisible)
    area = panel.inspector.widget(panel.inspector.project_tab_index)
    viewport = area.viewport()  # type: ignore[attr-defined]
    qtbot.wait_until(lambda: tab.width() <= viewport.width())
    children = _visible_children(tab)
    assert tab.title_edit in children and tab.budget_edit in children
    if provider is ProviderName.VEO:  # the deprecation notice that overflowed is shown
        assert controls.retired in children, controls.retired.text()
    for child in children:
        box = QRect(child.mapTo(viewport, QPoint(0, 0)), child.size())
        assert box.left() >= 0 and box.right() < viewport.width(), (child, box, viewport.size())
