"""Remix of a Gemini Omni scene in the GUI: action enabled, priced first, held unknown creates."""

from __future__ import annotations

import gc
from typing import TYPE_CHECKING

from imageai.core import project_store
from imageai.core.ledger import LEDGER_NAME, Ledger
from imageai.core.models import OmniSettings, Project, ProviderName, RenderState, Scene
from imageai.core.remix_plan import EditPlan
from imageai.gui.video.remix_dialog import RemixDialog
from imageai.gui.video.workspace_panel import VideoWorkspacePanel
from tests.fakes.fake_provider import FakeProvider

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from pytestqt.qtbot import QtBot

    from imageai.services.video_workspace import VideoWorkspace


def _panel(
    qtbot: QtBot,
    tmp_path: Path,
    make_workspace: Callable[..., VideoWorkspace],
    provider: FakeProvider,
) -> VideoWorkspacePanel:
    # WORKAROUND: as in test_remix.py, collect earlier widgets on the GUI thread first.
    gc.collect()
    folder = tmp_path / "omni"
    (folder / "clips").mkdir(parents=True)
    (folder / "clips" / "s1.mp4").write_bytes(b"first render")
    project = Project(
        provider=ProviderName.OMNI,
        settings=Project().settings.model_copy(update={"omni": OmniSettings(seconds=8)}),
        scenes=(
            Scene(
                id="s1",
                prompt="A lighthouse at dusk.",
                state=RenderState.DONE,
                job_id="interactions/first",
                job_provider=ProviderName.OMNI,
                clip_path="clips/s1.mp4",
            ),
            Scene(id="s2", prompt="Not rendered yet."),
        ),
    )
    project_store.save(project, folder)
    ws = make_workspace(provider)
    ws.open_project(folder)
    panel = VideoWorkspacePanel(ws)
    qtbot.add_widget(panel)
    return panel


def test_remix_action_is_enabled_for_a_rendered_omni_scene(
    qtbot: QtBot, tmp_path: Path, make_workspace: Callable[..., VideoWorkspace]
) -> None:
    panel = _panel(qtbot, tmp_path, make_workspace, FakeProvider(name=ProviderName.OMNI))
    panel.storyboard_view.select_ids(["s2"])
    assert not panel.remix_action.isEnabled()
    assert "not rendered yet" in panel.remix_action.toolTip()
    panel.storyboard_view.select_ids(["s1"])
    assert panel.remix_action.isEnabled()


def test_dialog_prices_an_omni_edit_first_and_the_remix_becomes_a_take(
    qtbot: QtBot, tmp_path: Path, make_workspace: Callable[..., VideoWorkspace]
) -> None:
    provider = FakeProvider(("done",), name=ProviderName.OMNI)
    panel = _panel(qtbot, tmp_path, make_workspace, provider)
    dialog = RemixDialog(panel.ws, "s1", parent=panel)
    qtbot.add_widget(dialog)
    dialog.count.setValue(2)
    # 8 s at Omni 1.1's $0.10/s (720p), per variation, before anything is typed or sent.
    assert "2 new variation(s) x $0.80 = $1.60" in dialog.estimate.text()
    assert not dialog.ok_button.isEnabled()
    dialog.edits[0].setText("Make it night.")
    dialog.edits[1].setText("Add fog.")
    assert dialog.ok_button.text() == "Remix for $1.60"
    assert not dialog.resend.isVisibleTo(dialog)
    assert provider.requests == []
    plan = dialog.plan
    assert isinstance(plan, EditPlan)
    with qtbot.wait_signals([panel.ws.remixer.take_added] * 2, timeout=20_000):
        panel.ws.remix(plan)
    qtbot.wait_until(lambda: not panel.ws.remixer.is_running(), timeout=10_000)
    scene = panel.ws.document.project.scene("s1")
    assert len(scene.takes) == 3
    assert scene.clip_path == "clips/s1.mp4"
    assert all(r.source and r.source.job_id == "interactions/first" for r in provider.requests)


def test_dialog_holds_a_variation_whose_create_may_have_been_billed(
    qtbot: QtBot, tmp_path: Path, make_workspace: Callable[..., VideoWorkspace]
) -> None:
    panel = _panel(qtbot, tmp_path, make_workspace, FakeProvider(name=ProviderName.OMNI))
    first = RemixDialog(panel.ws, "s1", ["Make it night."], panel)
    qtbot.add_widget(first)
    assert isinstance(first.plan, EditPlan)
    folder = panel.ws.document.folder
    assert folder is not None
    Ledger(folder / LEDGER_NAME).intent(first.plan.requests[0])  # sent; the app then died

    dialog = RemixDialog(panel.ws, "s1", ["Make it night."], panel)
    qtbot.add_widget(dialog)
    assert dialog.resend.isVisibleTo(dialog)
    assert "may have been created" in dialog.problem.text()
    assert "1 outcome unknown (not sent)" in dialog.estimate.text()
    assert not dialog.ok_button.isEnabled()
    dialog.resend.setChecked(True)  # the user's word
    assert dialog.ok_button.isEnabled()
    assert dialog.ok_button.text() == "Remix for $0.80"
