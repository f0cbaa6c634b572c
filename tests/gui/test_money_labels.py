"""Money shown one way: the cost line, cards, timeline blocks and the confirm dialog agree."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from imageai.core.ledger import LEDGER_NAME, Ledger
from imageai.core.models import ProviderName, RenderState, SoraSettings, VeoSettings
from imageai.core.render_plan import build_request
from imageai.gui.theme import apply_theme
from imageai.gui.video import timeline_strip
from imageai.gui.video.render_confirm_dialog import RenderConfirmDialog
from imageai.gui.video.workspace_panel import VideoWorkspacePanel
from imageai.services.app_settings import Theme
from imageai.services.storyboard_model import SceneRole

if TYPE_CHECKING:
    from collections.abc import Callable

    from pytestqt.qtbot import QtBot

    from imageai.services.video_workspace import VideoWorkspace

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")

GATEWAY = SoraSettings(model="sora-2", seconds=4, base_url="https://videos-gateway.test/v1")


def _sora_workspace(make: Callable[..., VideoWorkspace], scenes: int) -> VideoWorkspace:
    """Scenes at 4 s x $0.10/s = $0.40 each."""
    ws = make(scenes=scenes)
    ws.editor.set_provider(ProviderName.SORA)
    ws.editor.set_provider_settings(ProviderName.SORA, GATEWAY)
    for scene in ws.document.project.scenes:
        ws.editor.edit_scene(scene.id, duration=None)
    return ws


def _cancel_after_create(ws: VideoWorkspace, scene_id: str, billed: float) -> None:
    """The scene's job was created (and billed) and then cancelled: the ledger keeps it open."""
    project = ws.document.project
    folder = ws.document.folder
    assert folder is not None
    request = build_request(ws.catalog, project, project.scene(scene_id), folder)
    ledger = Ledger(folder / LEDGER_NAME)
    ledger.intent(request)
    ledger.created(request, "video_paid", billed)
    ws.document.set_project(
        project.update_scene(
            scene_id,
            state=RenderState.CANCELLED,
            job_id="video_paid",
            job_provider=ProviderName.SORA,
            billed_usd=billed,
        )
    )


def test_the_cost_line_and_the_confirm_dialog_charge_the_same(
    qtbot: QtBot, make_workspace: Callable[..., VideoWorkspace]
) -> None:
    """Four $0.40 scenes, one cancelled after it was billed: a render resumes that job free,
    so both say $1.20 (the cost line said $1.60)."""
    ws = _sora_workspace(make_workspace, 4)
    paid = ws.document.project.scenes[0].id
    _cancel_after_create(ws, paid, 0.4)
    panel = VideoWorkspacePanel(ws)
    qtbot.add_widget(panel)
    plan = ws.plan(None)
    assert len(plan.resumes) == 1
    assert plan.total_usd == pytest.approx(1.2)
    assert ws.costs.summary.total_usd == pytest.approx(plan.total_usd)
    assert "3 scenes, 12 s: $1.20" in panel.cost_label.text()
    assert "1 paid job resumes free" in panel.cost_label.text()
    dialog = RenderConfirmDialog(plan, ws.document.project.billed_usd, panel)
    qtbot.add_widget(dialog)
    assert dialog.total.text() == "<b>3 scenes, 12 s: $1.20 · 1 paid job resumes free</b>"
    assert dialog.ok_button.text() == "Render for $1.20"
    # The card and the timeline block of the cancelled scene show what was billed.
    index = ws.storyboard.index(0, 0)
    price = timeline_strip.price_text(index.data(SceneRole.COST), index.data(SceneRole.SCENE))
    assert price == "billed $0.40"
    assert "nothing is paid again" in index.data(Qt.ItemDataRole.ToolTipRole)


def test_an_invalid_scene_is_shown_invalid_and_counted_apart(
    qtbot: QtBot, make_workspace: Callable[..., VideoWorkspace]
) -> None:
    ws = make_workspace(scenes=2)
    ws.editor.set_provider(ProviderName.VEO)
    ws.editor.set_provider_settings(ProviderName.VEO, VeoSettings(resolution="4k", seconds=8))
    first, second = (s.id for s in ws.document.project.scenes)
    ws.editor.edit_scene(first, duration=None)
    ws.editor.edit_scene(second, duration=4)  # 4 s at 4k cannot render
    panel = VideoWorkspacePanel(ws)
    qtbot.add_widget(panel)
    index = ws.storyboard.index(1, 0)
    price = timeline_strip.price_text(index.data(SceneRole.COST), index.data(SceneRole.SCENE))
    assert price == "invalid"
    tooltip = index.data(Qt.ItemDataRole.ToolTipRole)
    assert "Cannot render:" in tooltip
    text = panel.cost_label.text()
    assert "1 scene invalid (not priced)" in text
    assert "1 scene, 8 s:" in text
    assert "scene 2" in panel.cost_label.toolTip()


def test_the_cost_lines_warning_red_reads_on_the_dark_theme(
    qtbot: QtBot, make_workspace: Callable[..., VideoWorkspace]
) -> None:
    ws = make_workspace(scenes=1)
    ws.editor.set_provider(ProviderName.VEO)
    ws.editor.edit_scene(ws.document.project.scenes[0].id, duration=5)  # Veo has no 5 s
    panel = VideoWorkspacePanel(ws)
    qtbot.add_widget(panel)
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    before = app.palette()
    try:
        panel.show()
        apply_theme(app, Theme.LIGHT)
        qtbot.wait_until(lambda: "#991b1b" in panel.cost_label.styleSheet())
        apply_theme(app, Theme.DARK)
        qtbot.wait_until(lambda: "#fca5a5" in panel.cost_label.styleSheet())
    finally:
        app.setPalette(before)
