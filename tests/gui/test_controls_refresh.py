"""Provider controls refresh only when what they show changed, and only the provider shown."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from imageai.core.models import ProviderName, RenderState, SoraSettings, Take
from imageai.gui.video.workspace_panel import VideoWorkspacePanel

if TYPE_CHECKING:
    from collections.abc import Callable

    from pytestqt.qtbot import QtBot

    from imageai.gui.video.controls_base import ProviderControlsWidget
    from imageai.services.video_workspace import VideoWorkspace

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


def _all_controls(panel: VideoWorkspacePanel) -> list[ProviderControlsWidget]:
    return [
        *panel.provider_selector.controls.values(),
        *panel.scene_editor.scene_settings.controls.values(),
    ]


def _panel(
    qtbot: QtBot, make_workspace: Callable[..., VideoWorkspace]
) -> tuple[VideoWorkspace, VideoWorkspacePanel]:
    ws = make_workspace(scenes=2)
    scene_id = ws.document.project.scenes[0].id
    # The first scene overrides the provider: its own controls are bound and shown too.
    ws.editor.edit_scene(scene_id, provider=ProviderName.VEO)
    panel = VideoWorkspacePanel(ws)
    qtbot.add_widget(panel)
    panel.storyboard_view.select_ids([scene_id])
    return ws, panel


def test_a_render_changing_only_scene_state_refreshes_no_controls(
    qtbot: QtBot, make_workspace: Callable[..., VideoWorkspace]
) -> None:
    ws, panel = _panel(qtbot, make_workspace)
    controls = _all_controls(panel)
    before = [c.refresh_count for c in controls]
    for scene in ws.document.project.scenes:
        # What a render's events write: state, provider job, bill, clip, thumbnail, a take.
        ws.document.replace_scene(
            scene.model_copy(update={"state": RenderState.RENDERING, "job_id": "job-1"})
        )
        ws.document.replace_scene(
            ws.document.project.scene(scene.id).model_copy(
                update={
                    "state": RenderState.DONE,
                    "billed_usd": 0.4,
                    "clip_path": "clips/a.mp4",
                    "thumbnail_path": "clips/a.jpg",
                    "takes": (Take(job_id="job-1", clip_path="clips/a.mp4"),),
                }
            )
        )
    assert [c.refresh_count for c in controls] == before


def test_a_settings_change_refreshes_the_shown_provider_and_a_hidden_one_when_shown(
    qtbot: QtBot, make_workspace: Callable[..., VideoWorkspace]
) -> None:
    ws, panel = _panel(qtbot, make_workspace)
    selector = panel.provider_selector
    animatic = selector.controls[ProviderName.ANIMATIC]
    sora = selector.controls[ProviderName.SORA]
    assert ws.document.project.provider is ProviderName.ANIMATIC
    shown, hidden = animatic.refresh_count, sora.refresh_count
    settings = ws.document.project.settings.sora
    assert isinstance(settings, SoraSettings)
    ws.editor.set_provider_settings(ProviderName.SORA, settings.model_copy(update={"seconds": 8}))
    ws.editor.set_provider_settings(
        ProviderName.ANIMATIC,
        ws.document.project.settings.animatic.model_copy(update={"seconds": 7}),
    )
    assert animatic.refresh_count == shown + 1  # it shows the project's animatic settings
    assert sora.refresh_count == hidden  # another provider's page: not refreshed while hidden
    # Switching to Sora shows its page up to date.
    ws.editor.set_provider(ProviderName.SORA)
    assert sora.refresh_count == hidden + 1
    assert sora.seconds_combo.currentData() == 8
