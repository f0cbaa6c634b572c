"""The Video tab renders the plan it showed: nothing paid twice after another process rendered,
a missing key found before the lock, and what a render leaves out shown before it runs."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import TYPE_CHECKING

from imageai.core import project_store
from imageai.core.errors import AuthError
from imageai.core.ledger import LEDGER_NAME, Ledger
from imageai.core.models import ProviderName, RenderState
from imageai.core.project_lock import ProjectLock
from imageai.gui.video.render_confirm_dialog import RenderConfirmDialog
from imageai.gui.video.workspace_panel import VideoWorkspacePanel
from imageai.providers.router import ProviderRouter
from imageai.services.error_advice import ErrorAction
from tests.fakes.fake_provider import FakeProvider
from tests.gui.conftest import wait_threads_done

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    import pytest
    from pytestqt.qtbot import QtBot

    from imageai.services.render_plan import RenderPlan
    from imageai.services.video_workspace import VideoWorkspace


def _panel(qtbot: QtBot, ws: VideoWorkspace) -> VideoWorkspacePanel:
    panel = VideoWorkspacePanel(ws)
    qtbot.add_widget(panel)
    return panel


def _created(folder: Path) -> dict[str, int]:
    counts: dict[str, int] = {}
    for entry in Ledger(folder / LEDGER_NAME).entries():
        if entry.event == "created":
            counts[entry.scene_id] = counts.get(entry.scene_id, 0) + 1
    return counts


def _sora(ws: VideoWorkspace, monkeypatch: pytest.MonkeyPatch, budget: float | None) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", "https://videos-gateway.test/v1")
    ws.editor.set_provider(ProviderName.SORA)
    for scene in ws.document.project.scenes:
        ws.editor.edit_scene(scene.id, duration=4)  # $0.40 each
    ws.document.set_project(ws.document.project.model_copy(update={"budget_usd": budget}))
    ws.save()


def test_the_gui_does_not_pay_again_for_scenes_a_cli_rendered(
    qtbot: QtBot, make_workspace: Callable[..., VideoWorkspace]
) -> None:
    ws = make_workspace(scenes=2)  # the real animatic: the ledger records its creates
    panel = _panel(qtbot, ws)
    folder = ws.document.folder
    assert folder is not None
    # The GUI holds the project it opened; a CLI renders the same folder meanwhile.
    cli = subprocess.run(
        [sys.executable, "-m", "imageai", "video", "render", str(folder)],
        capture_output=True,
        text=True,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        check=False,
        timeout=120,
    )
    assert cli.returncode == 0, cli.stderr
    before = _created(folder)
    assert sorted(before.values()) == [1, 1]
    assert all(s.state is not RenderState.DONE for s in ws.document.project.scenes)

    assert panel.request_render(None) == []  # both scenes: done by the CLI, per the ledger
    wait_threads_done(qtbot)
    assert _created(folder) == before  # nothing created (billed) a second time
    assert all(s.state is RenderState.DONE for s in ws.document.project.scenes)
    assert all(s.state is RenderState.DONE for s in project_store.load(folder).scenes)
    assert "already rendered by another run" in panel.log_console.toPlainText()


def test_a_plan_made_stale_while_the_dialog_is_open_is_shown_again(
    qtbot: QtBot, make_workspace: Callable[..., VideoWorkspace], monkeypatch: pytest.MonkeyPatch
) -> None:
    provider = FakeProvider(("done",))
    ws = make_workspace(provider, scenes=2)
    panel = _panel(qtbot, ws)
    _sora(ws, monkeypatch, budget=None)
    folder = ws.document.folder
    assert folder is not None
    shown: list[RenderPlan] = []

    def confirm(plan: RenderPlan) -> bool:
        shown.append(plan)
        if len(shown) == 1:  # another process renders scene 1 while the dialog is open
            request = plan.requests[0]
            clip = folder / "clips" / f"{request.scene_id}.mp4"
            clip.parent.mkdir(exist_ok=True)
            clip.write_bytes(b"\x00\x00\x00\x18ftypisom" + b"\x00" * 64)
            ledger = Ledger(folder / LEDGER_NAME)
            ledger.created(request, "job-cli", 0.4)
            ledger.note(request.scene_id, "sora", "job-cli", "downloaded", str(clip))
        return True

    monkeypatch.setattr(panel, "confirm_render", confirm)
    with qtbot.wait_signal(ws.render_finished, timeout=10_000):
        job_ids = panel.request_render(None)
    wait_threads_done(qtbot)
    assert [p.total_usd for p in shown] == [0.8, 0.4]  # the second plan, shown before it ran
    assert len(job_ids) == 1 and len(provider.started) == 1
    assert _created(folder)[ws.document.project.scenes[0].id] == 1


def test_a_missing_key_is_reported_before_the_project_is_locked(
    qtbot: QtBot, make_workspace: Callable[..., VideoWorkspace], monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = make_workspace(FakeProvider(), scenes=2)
    panel = _panel(qtbot, ws)
    _sora(ws, monkeypatch, budget=5.0)

    def no_key(*_args: object) -> FakeProvider:
        raise AuthError("No Openai API key. Set OPENAI_API_KEY.")

    ws.controller._planner._router = ProviderRouter(no_key)
    locked: list[object] = []
    monkeypatch.setattr(
        "imageai.services.render_controller.acquire_project", lambda *a: locked.append(a)
    )
    with (
        qtbot.assert_not_emitted(ws.runner.job_queued),
        qtbot.wait_signal(panel.keys_requested, timeout=5000),
    ):
        assert panel.request_render(None) == []
    assert locked == []
    assert panel.error_banner.advice is not None
    assert panel.error_banner.advice.action is ErrorAction.OPEN_KEYS
    lock = ProjectLock(ws.document.folder)  # type: ignore[arg-type]
    lock.acquire()
    lock.release()


def test_confirm_shows_scenes_left_out_and_what_may_have_been_billed(
    qtbot: QtBot, make_workspace: Callable[..., VideoWorkspace], monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = make_workspace(FakeProvider(), scenes=3)
    _sora(ws, monkeypatch, budget=1.0)
    folder = ws.document.folder
    assert folder is not None
    # Scene 3's earlier create never answered: it may be billed ($0.40) and is held back.
    lost = ws.controller.plan([2])[0]
    Ledger(folder / LEDGER_NAME).intent(lost)
    third = ws.document.project.scenes[2]
    ws.document.replace_scene(third.model_copy(update={"state": RenderState.OUTCOME_UNKNOWN}))
    plan = ws.plan(None)
    assert [r.index for r in plan.requests] == [1]
    assert [r.index for r in plan.over_budget] == [2]
    dialog = RenderConfirmDialog(plan, 0.0)
    qtbot.add_widget(dialog)
    text = dialog.details.toPlainText()
    assert "Not rendering scene(s) 2: over the $1.00 budget" in text
    assert "Not rendering scene(s) 3: a create was sent but its outcome is unknown" in text
    assert "possibly billed $0.40" in dialog.spent.text()
    assert dialog.ok_button.text() == "Render for $0.40"


def test_a_save_that_fails_mid_render_is_shown(
    qtbot: QtBot, make_workspace: Callable[..., VideoWorkspace], monkeypatch: pytest.MonkeyPatch
) -> None:
    # A generation that takes a moment, as real ones do: the save after its create fails while
    # it runs (its slot frees only when it ends), so the second scene is never sent.
    ws = make_workspace(
        FakeProvider((0.5, 0.5, "done"), poll_interval=0.1), scenes=2, concurrency=1
    )
    panel = _panel(qtbot, ws)
    real_save = project_store.save
    calls: list[int] = []

    def fails_after_first(*args: object, **kw: object) -> None:
        calls.append(1)
        if len(calls) > 1:
            raise PermissionError(13, "Permission denied")
        real_save(*args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(project_store, "save", fails_after_first)
    with qtbot.wait_signal(ws.render_finished, timeout=10_000) as finished:
        panel.request_render(None)
    wait_threads_done(qtbot)
    assert finished.args == [1, 0, 1]  # the paid scene finished; the other was never sent
    assert panel.error_banner.title.text() == "Cannot write the project"
    assert "Permission denied" in panel.error_banner.message.text()
