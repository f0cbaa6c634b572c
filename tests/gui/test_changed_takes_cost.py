"""The cost line counts scenes changed since their take as Render all does (issue 14)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from imageai.core.models import ProviderName, RenderState, SoraSettings, VeoSettings
from imageai.gui.video.render_confirm_dialog import RenderConfirmDialog
from imageai.gui.video.workspace_panel import VideoWorkspacePanel
from imageai.services.cost_summary import price_text
from imageai.services.storyboard_model import SceneRole
from tests.fakes.fake_provider import FakeProvider
from tests.gui.conftest import wait_threads_done

if TYPE_CHECKING:
    from collections.abc import Callable

    from pytestqt.qtbot import QtBot

    from imageai.services.video_workspace import VideoWorkspace

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")

GATEWAY = SoraSettings(model="sora-2", seconds=4, base_url="https://videos-gateway.test/v1")


def _rendered_sora_workspace(
    qtbot: QtBot, make: Callable[..., VideoWorkspace], scenes: int
) -> VideoWorkspace:
    """Scenes priced as /v1/videos at 4 s x $0.10/s = $0.40, rendered by a scripted provider."""
    ws = make(FakeProvider(name=ProviderName.SORA), scenes=scenes)
    ws.editor.set_provider(ProviderName.SORA)
    ws.editor.set_provider_settings(ProviderName.SORA, GATEWAY)
    for scene in ws.document.project.scenes:
        ws.editor.edit_scene(scene.id, duration=None)
    with qtbot.wait_signal(ws.render_finished, timeout=20000):
        ws.render(None)
    wait_threads_done(qtbot)
    assert all(s.state is RenderState.DONE for s in ws.document.project.scenes)
    return ws


def test_an_edited_prompt_is_counted_changed_with_its_cost_as_the_confirm_charges(
    qtbot: QtBot, make_workspace: Callable[..., VideoWorkspace]
) -> None:
    ws = _rendered_sora_workspace(qtbot, make_workspace, 3)
    panel = VideoWorkspacePanel(ws)
    qtbot.add_widget(panel)
    assert "Storyboard: all 3 scenes rendered" in panel.cost_label.text()

    second = ws.document.project.scenes[1].id
    ws.editor.edit_scene(second, prompt="Shot 2: the lighthouse in a storm")
    text = panel.cost_label.text()
    assert "all 3 scenes rendered" not in text
    assert "Storyboard: 2 rendered, 1 changed since its take — Render offers it: $0.40" in text
    assert ws.costs.summary.changed == 1
    # The card and the timeline block price it as the cost line does: a new take.
    index = ws.storyboard.index(1, 0)
    assert price_text(index.data(SceneRole.COST), index.data(SceneRole.SCENE)) == "est. $0.40"
    assert index.data(SceneRole.STATE_TEXT) == "changed since render"
    # Render all offers exactly that scene, and the confirm dialog charges what the line says.
    plan = ws.plan(None)
    assert [r.scene_id for r in plan.requests] == [second]
    assert plan.total_usd == pytest.approx(ws.costs.summary.total_usd)
    dialog = RenderConfirmDialog(plan, ws.document.project.billed_usd, panel)
    qtbot.add_widget(dialog)
    assert dialog.total.text() == "<b>1 scene, 4 s: $0.40 (incl. 1 new take)</b>"
    assert dialog.ok_button.text() == "Render for $0.40"

    # Selecting it says why it renders again and for how much.
    panel.storyboard_view.select_ids([second])
    assert (
        "Scene 2: changed since its take; a new take: 4 s x $0.10/s = $0.40"
        in panel.cost_label.text()
    )

    # Undo puts the prompt back: the take is current again, nothing to offer.
    ws.editor.undo_stack.undo()
    assert "Storyboard: all 3 scenes rendered" in panel.cost_label.text()


def test_a_provider_change_counts_every_scene_changed_with_pending_ones(
    qtbot: QtBot, make_workspace: Callable[..., VideoWorkspace]
) -> None:
    ws = _rendered_sora_workspace(qtbot, make_workspace, 2)
    panel = VideoWorkspacePanel(ws)
    qtbot.add_widget(panel)
    ws.editor.add_scene(None, prompt="Shot 3: the beam sweeps the sea")
    third = ws.document.project.scenes[2].id
    ws.editor.edit_scene(third, duration=None)
    first = ws.document.project.scenes[0].id
    # A scene override to Veo: that scene renders again with Veo's price, the new one is pending.
    ws.editor.set_provider_settings(ProviderName.VEO, VeoSettings(vertex_project="demo"))
    ws.editor.edit_scene(first, provider=ProviderName.VEO)
    summary = ws.costs.summary
    assert summary.changed == 1
    plan = ws.plan(None)
    assert sorted(r.scene_id for r in plan.requests) == sorted([first, third])
    assert summary.total_usd == pytest.approx(plan.total_usd)
    assert "(incl. 1 changed since its take)" in panel.cost_label.text()
