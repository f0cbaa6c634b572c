"""The inspector's Scene tab fits 1024x700 with a three-take scene: nothing clipped at its edge."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import QWidget

from imageai.core.models import ProviderName, RenderState, Take

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

    from imageai.app import AppParts

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


def _three_takes(parts: AppParts, provider: ProviderName | None) -> str:
    ws = parts.workspace
    ws.editor.add_scene(prompt="A lighthouse on a black cliff at dusk, waves below, slow push-in")
    scene = ws.document.project.scenes[0]
    if provider is not None:  # its own provider: its image rows and controls on the Scene tab
        ws.editor.edit_scene(scene.id, provider=provider, audio_direction="waves; no music")
    takes = tuple(Take(job_id=f"job-{n}", clip_path=f"clips/take{n}.mp4") for n in (1, 2, 3))
    project = ws.document.project.update_scene(
        scene.id, state=RenderState.DONE, takes=takes, job_id="job-3", clip_path="clips/take3.mp4"
    )
    ws.document.set_project(project)
    return scene.id


def _visible_children(root: QWidget) -> list[QWidget]:
    return [
        w
        for w in root.findChildren(QWidget)
        if w.isVisibleTo(root) and w.isVisible() and w.width() > 0 and w.height() > 0
    ]


@pytest.mark.parametrize("size", [(1024, 700), (1600, 1000)])
@pytest.mark.parametrize("narrowest", [False, True], ids=["default-split", "inspector-narrowest"])
@pytest.mark.parametrize("provider", [None, ProviderName.OMNI], ids=["project", "omni"])
def test_every_child_of_the_scene_tab_lies_inside_it_with_three_takes(
    qtbot: QtBot,
    app_parts: AppParts,
    size: tuple[int, int],
    narrowest: bool,
    provider: ProviderName | None,
) -> None:
    """The three takes add height, so the tab scrolls and its scroll bar takes ~15 px of width:
    the strip's button and the combos' arrows were cut at the tab's right edge."""
    window = app_parts.window
    scene_id = _three_takes(app_parts, provider)
    window.show()
    window.resize(*size)
    qtbot.wait_until(lambda: (window.width(), window.height()) == size)
    panel = window.video_panel
    if narrowest:  # the inspector dragged to its minimum width
        splitter = panel.main_splitter
        splitter.setSizes([size[0], size[0], 0])
        qtbot.wait_until(lambda: splitter.sizes()[2] == panel.inspector.minimumWidth())
    panel.storyboard_view.select_ids([scene_id])
    panel.inspector.show_scene_tab()
    editor = panel.scene_editor
    strip = editor.takes_strip
    qtbot.wait_until(lambda: strip.isVisible() and strip.model.rowCount() == 3)
    viewport = editor.scroll_area.viewport()
    content = editor.scroll_area.widget()
    qtbot.wait_until(lambda: content.width() <= viewport.width())
    # Scrolled to the strip: its button and the takes are whole, not cut at the tab's right edge.
    editor.scroll_area.ensureWidgetVisible(strip.use_button)
    children = _visible_children(content)
    assert strip.use_button in children
    assert strip.view in children
    for child in children:
        box = QRect(child.mapTo(viewport, QPoint(0, 0)), child.size())
        assert box.left() >= 0 and box.right() < viewport.width(), (child, box, viewport.size())
    # At least two takes whole side by side to compare (one and a half were shown at 1024).
    view = strip.view

    def whole() -> list[int]:
        viewport = view.viewport().rect()
        return [r for r in range(3) if viewport.contains(view.visualRect(strip.model.index(r, 0)))]

    # The chosen take (3) among them.
    qtbot.wait_until(lambda: len(whole()) >= 2 and 2 in whole())
    tab = panel.inspector.widget(panel.inspector.scene_tab_index)
    assert tab is editor
    for child in (viewport, editor.scroll_area):
        box = QRect(child.mapTo(tab, QPoint(0, 0)), child.size())
        assert tab.rect().contains(box), (child, box)


def test_a_tall_scene_tab_keeps_rows_together_and_the_spare_height_below(
    qtbot: QtBot, app_parts: AppParts
) -> None:
    """At 1600x1000 the rows were spread apart by ~50 px gaps (the spare height shared out)."""
    window = app_parts.window
    scene_id = _three_takes(app_parts, None)
    window.show()
    window.resize(1600, 1000)
    qtbot.wait_until(lambda: (window.width(), window.height()) == (1600, 1000))
    panel = window.video_panel
    panel.storyboard_view.select_ids([scene_id])
    editor = panel.scene_editor
    content = editor.scroll_area.widget()
    qtbot.wait_until(lambda: editor.takes_strip.isVisible())

    def top(widget: QWidget) -> int:
        return widget.mapTo(content, QPoint(0, 0)).y()

    def bottom(widget: QWidget) -> int:
        return top(widget) + widget.height()

    gaps = [
        top(editor.prompt_edit) - bottom(editor.title_label),
        top(editor.duration_combo) - bottom(editor.prompt_edit),
        top(editor.provider_combo) - bottom(editor.duration_combo),
        top(editor.takes_strip) - bottom(editor.reference_label),
        top(editor.sent_prompt) - bottom(editor.takes_strip),
    ]
    assert all(gap <= 30 for gap in gaps), gaps
    # The spare height is below the last row.
    assert content.height() - bottom(editor.sent_prompt) > 100
