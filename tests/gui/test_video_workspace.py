"""The video tab: storyboard edits, cost label, controls, and real animatic renders."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

import pytest

from imageai.core.errors import (
    AuthError,
    ContentPolicyError,
    JobTimeoutError,
    NetworkError,
    RateLimitError,
)
from imageai.core.models import ProviderName, RenderState
from imageai.services.error_advice import ErrorAction
from imageai.services.jobs_model import JobStatus
from imageai.services.storyboard_model import SceneRole
from tests.fakes.fake_provider import FakeProvider
from tests.gui.conftest import shown_panel, wait_threads_done

if TYPE_CHECKING:
    from collections.abc import Callable

    from pytestqt.qtbot import QtBot

    from imageai.core.errors import ProviderError
    from imageai.gui.video.workspace_panel import VideoWorkspacePanel
    from imageai.services.video_workspace import VideoWorkspace

# The offscreen platform says it cannot propagate size hints whenever a window is shown.
pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


def _ids(ws: VideoWorkspace) -> list[str]:
    return [s.id for s in ws.document.project.scenes]


def test_add_reorder_delete_and_undo_from_the_toolbar(
    qtbot: QtBot, make_workspace: Callable[..., VideoWorkspace]
) -> None:
    ws = make_workspace(scenes=2)
    panel = shown_panel(qtbot, ws)
    first, second = _ids(ws)
    panel.storyboard_view.select_ids([first])
    panel.add_action.trigger()
    new = _ids(ws)[1]
    assert _ids(ws) == [first, new, second]
    assert panel.selected_ids() == [new]  # the new scene is selected for editing
    qtbot.keyClicks(panel.scene_editor.prompt_edit, "Gulls")
    assert ws.document.project.scene(new).prompt == "Gulls"
    ws.storyboard.moveRows(
        ws.storyboard.index(0).parent(), 2, 1, ws.storyboard.index(0).parent(), 0
    )
    assert _ids(ws) == [second, first, new]
    panel.storyboard_view.select_ids([first])
    panel.delete_action.trigger()
    assert _ids(ws) == [second, new]
    for _ in range(3):
        panel.undo_action.trigger()
    assert _ids(ws) == [first, new, second]
    assert ws.document.project.scene(new).prompt == ""
    panel.redo_action.trigger()
    assert ws.document.project.scene(new).prompt == "Gulls"


def test_cost_label_follows_selection_provider_and_duration(
    qtbot: QtBot, make_workspace: Callable[..., VideoWorkspace], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", "https://videos-gateway.test/v1")  # Sora 2 lives there
    ws = make_workspace(scenes=2)
    panel = shown_panel(qtbot, ws)
    assert "Storyboard: 2 scenes, 2 s: $0.00" in panel.cost_label.text()
    ws.editor.set_provider(ProviderName.SORA)
    panel.storyboard_view.select_ids([_ids(ws)[0]])
    # Scene durations of 1 s are not valid on Sora: the label says so instead of a wrong price.
    assert "cannot render 1 s" in panel.cost_label.toolTip()
    for scene_id in _ids(ws):
        ws.editor.edit_scene(scene_id, duration=8)
    assert "Scene 1: 8 s x $0.10/s = $0.80" in panel.cost_label.text()
    assert "Storyboard: 2 scenes, 16 s: $1.60" in panel.cost_label.text()
    panel.scene_editor.duration_combo.setCurrentIndex(
        panel.scene_editor.duration_combo.findData(12)
    )
    panel.scene_editor.duration_combo.activated.emit(
        panel.scene_editor.duration_combo.currentIndex()
    )
    assert "Scene 1: 12 s x $0.10/s = $1.20" in panel.cost_label.text()
    assert "Billed so far: $0.00" in panel.cost_label.text()


def test_provider_selector_switches_controls_and_clamps_on_model_switch(
    qtbot: QtBot, make_workspace: Callable[..., VideoWorkspace]
) -> None:
    ws = make_workspace(scenes=1)
    panel = shown_panel(qtbot, ws)
    panel.inspector.show_project_tab()  # the project's provider lives on the Project tab
    selector = panel.provider_selector
    selector.combo.activated.emit(selector.combo.findData("sora"))
    assert ws.document.project.provider is ProviderName.SORA
    sora = selector.controls[ProviderName.SORA]
    assert selector.stack.currentWidget() is sora
    # On OpenAI's own endpoint Sora 2 is retired: the controls say so and offer the move.
    assert "2026-09-24" in sora.retired.text()
    assert sora.move_button.isVisibleTo(sora)
    # A compatible endpoint still serves the Sora 2 ids with the table's limits.
    sora.endpoint_edit.setText("https://videos-gateway.test/v1")
    sora.endpoint_edit.editingFinished.emit()
    assert ws.document.project.settings.sora.base_url == "https://videos-gateway.test/v1"
    assert not sora.move_button.isVisibleTo(sora)
    assert "videos-gateway.test" in sora.endpoint_note.text()
    sora.model_combo.activated.emit(sora.model_combo.findData("sora-2-pro"))
    sizes = [sora.size_combo.itemData(i) for i in range(sora.size_combo.count())]
    assert sizes == ["1280x720", "1792x1024"]
    sora.size_combo.activated.emit(sora.size_combo.findData("1792x1024"))
    sora.model_combo.activated.emit(sora.model_combo.findData("sora-2"))
    assert ws.document.project.settings.sora.size == "1280x720"
    assert sora.notice.isVisible()
    assert "Sora 2 has no 1792x1024" in sora.notice.text()
    assert [sora.size_combo.itemData(i) for i in range(sora.size_combo.count())] == ["1280x720"]
    selector.combo.activated.emit(selector.combo.findData("veo"))
    veo = selector.controls[ProviderName.VEO]
    veo.resolution_combo.activated.emit(veo.resolution_combo.findData("1080p"))
    assert ws.document.project.settings.veo.seconds == 8
    assert [veo.seconds_combo.itemData(i) for i in range(veo.seconds_combo.count())] == [8]
    assert veo.audio_check.isEnabled()  # Veo 3.1 Fast on Vertex AI: audio on or off, priced apart


def test_render_two_scenes_with_the_animatic_shows_progress_then_done(
    qtbot: QtBot, make_workspace: Callable[..., VideoWorkspace]
) -> None:
    ws = make_workspace(scenes=2)
    panel = shown_panel(qtbot, ws)
    fractions: list[float] = []
    ws.controller.scene_progress.connect(lambda _s, f, _m: fractions.append(f))
    with qtbot.wait_signal(ws.render_finished, timeout=60_000) as finished:
        assert len(panel.request_render(None)) == 2
        assert [r.status for r in ws.jobs.rows()] in (
            [JobStatus.RUNNING, JobStatus.RUNNING],
            [JobStatus.QUEUED, JobStatus.QUEUED],
        )
        assert panel.cancel_action.isEnabled()
    assert finished.args == [2, 0, 0]
    wait_threads_done(qtbot)
    assert fractions and all(0 <= f <= 1 for f in fractions)
    assert [r.status for r in ws.jobs.rows()] == [JobStatus.DONE, JobStatus.DONE]
    assert [r.status_text() for r in ws.jobs.rows()] == ["done", "done"]
    for row, scene in enumerate(ws.document.project.scenes):
        assert scene.state is RenderState.DONE
        assert ws.storyboard.index(row).data(SceneRole.THUMBNAIL).endswith(".jpg")
        assert ws.rendered_clip(scene.id) is not None
    assert "Render finished: 2 done" in panel.log_console.toPlainText()
    assert not ws.document.dirty  # the controller saved the results


def test_cancel_stops_a_running_render(
    qtbot: QtBot, make_workspace: Callable[..., VideoWorkspace]
) -> None:
    gate = threading.Event()
    provider = FakeProvider((0.2, 0.5, "done"), poll_interval=0.01, gate=gate)
    ws = make_workspace(provider, scenes=1)
    panel = shown_panel(qtbot, ws)
    with qtbot.wait_signal(ws.runner.job_started):
        panel.request_render(None)
    with qtbot.wait_signal(ws.render_finished, timeout=10_000) as finished:
        panel.cancel_action.trigger()
        gate.set()
    wait_threads_done(qtbot)
    assert finished.args == [0, 0, 1]
    assert ws.jobs.rows()[0].status is JobStatus.CANCELLED
    assert ws.document.project.scenes[0].state is RenderState.CANCELLED
    assert panel.jobs_panel.retry_button.isEnabled() is False  # nothing selected yet
    panel.jobs_panel.table.selectRow(0)
    assert panel.jobs_panel.retry_button.isEnabled()


def _fail_with(
    qtbot: QtBot, make_workspace: Callable[..., VideoWorkspace], error: ProviderError
) -> VideoWorkspacePanel:
    ws = make_workspace(FakeProvider(start_error=error), scenes=1)
    panel = shown_panel(qtbot, ws)
    with qtbot.wait_signal(ws.render_finished, timeout=10_000):
        panel.request_render(None)
    wait_threads_done(qtbot)
    assert panel.error_banner.isVisible()
    return panel


def test_rate_limit_shows_a_countdown_before_retry(
    qtbot: QtBot, make_workspace: Callable[..., VideoWorkspace]
) -> None:
    panel = _fail_with(qtbot, make_workspace, RateLimitError("Too many requests.", retry_after=2))
    banner = panel.error_banner
    assert banner.title.text() == "Rate limited"
    assert banner.action_button.text() == "Retry in 2 s"
    assert not banner.action_button.isEnabled()
    qtbot.wait_until(lambda: banner.action_button.isEnabled(), timeout=4000)
    assert banner.action_button.text() == "Retry"
    assert panel.ws.jobs.rows()[0].status_text() == "failed (rate limit)"


def test_content_policy_shows_the_message_and_suggests_editing(
    qtbot: QtBot, make_workspace: Callable[..., VideoWorkspace]
) -> None:
    panel = _fail_with(qtbot, make_workspace, ContentPolicyError("Blocked: violence."))
    banner = panel.error_banner
    assert "Blocked: violence." in banner.message.text()
    assert "Edit the prompt" in banner.message.text()
    banner.action_button.click()
    assert panel.selected_ids() == [panel.ws.document.project.scenes[0].id]


def test_auth_error_asks_for_the_key_dialog(
    qtbot: QtBot, make_workspace: Callable[..., VideoWorkspace]
) -> None:
    ws = make_workspace(FakeProvider(start_error=AuthError("Incorrect API key.")), scenes=1)
    panel = shown_panel(qtbot, ws)
    with qtbot.wait_signal(panel.keys_requested, timeout=10_000):
        panel.request_render(None)
    wait_threads_done(qtbot)
    assert panel.error_banner.advice is not None
    assert panel.error_banner.advice.action is ErrorAction.OPEN_KEYS


def test_network_and_timeout_offer_retry_that_renders_again(
    qtbot: QtBot, make_workspace: Callable[..., VideoWorkspace]
) -> None:
    for error in (NetworkError("Connection reset."), JobTimeoutError("Gave up after 30 min.")):
        panel = _fail_with(qtbot, make_workspace, error)
        banner = panel.error_banner
        assert banner.action_button.text() == "Retry"
        assert error.user_message in banner.message.text()
        with qtbot.wait_signal(panel.ws.render_finished, timeout=10_000):
            banner.action_button.click()
        wait_threads_done(qtbot)
        assert panel.ws.jobs.rows()[0].status is JobStatus.FAILED


def test_render_without_a_folder_or_with_invalid_settings_explains(
    qtbot: QtBot, make_workspace: Callable[..., VideoWorkspace], monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = make_workspace(scenes=1)
    panel = shown_panel(qtbot, ws)
    ws.editor.edit_scene(ws.document.project.scenes[0].id, duration=99)
    assert panel.request_render(None) == []
    assert panel.error_banner.title.text() == "Cannot render"
    assert "seconds" in panel.error_banner.message.text()
    ws.new_project()
    ws.editor.add_scene(prompt="x")
    with qtbot.wait_signal(panel.save_as_requested):
        panel.request_render(None)
    assert "Save the project first" in panel.error_banner.title.text()


def test_paid_render_asks_first_and_cancelling_spends_nothing(
    qtbot: QtBot, make_workspace: Callable[..., VideoWorkspace], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", "https://videos-gateway.test/v1")  # Sora 2 lives there
    provider = FakeProvider()
    ws = make_workspace(provider, scenes=1)
    panel = shown_panel(qtbot, ws)
    ws.editor.set_provider(ProviderName.SORA)
    ws.editor.edit_scene(ws.document.project.scenes[0].id, duration=8)
    shown: list[str] = []
    monkeypatch.setattr(panel, "confirm_render", lambda est: shown.append(est.summary()) or False)
    assert panel.request_render(None) == []
    assert shown == ["1 scene, 8 s: $0.80"]
    assert provider.started == []
