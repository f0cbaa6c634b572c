"""Remix in the GUI against the in-process fake server: estimate first, jobs, takes, errors."""

from __future__ import annotations

import gc
from typing import TYPE_CHECKING

import pytest
from PIL import Image
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from imageai.core import project_store
from imageai.core.catalog import default_catalog
from imageai.core.errors import ErrorKind
from imageai.core.ledger import LEDGER_NAME, Ledger
from imageai.core.models import Project, ProviderName, RenderState, Scene, SoraSettings
from imageai.core.secrets import InMemorySecretStore
from imageai.gui.video.remix_dialog import RemixDialog
from imageai.gui.video.workspace_panel import VideoWorkspacePanel
from imageai.providers.factory import provider_factory
from imageai.providers.router import ProviderRouter
from imageai.services.app_settings import SettingsStore
from imageai.services.job_runner import JobRunner
from imageai.services.jobs_model import JobStatus
from imageai.services.takes_model import TakeRole
from imageai.services.video_workspace import VideoWorkspace
from tests.fakes.fake_server import FakeConfig, serve
from tests.gui.conftest import wait_threads_done

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from pytestqt.qtbot import QtBot

    from imageai.providers.openai.sora_remix_jobs import RemixPlan
    from tests.fakes.fake_server import _Server

KEY = "sk-gui-remix"


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[_Server]:
    server = serve(
        port=0, config=FakeConfig(generation_seconds=0.3, poll_after_ms=30, valid_keys=[KEY])
    )
    monkeypatch.setenv("OPENAI_BASE_URL", f"http://127.0.0.1:{server.server_address[1]}/v1")
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def panel(qtbot: QtBot, tmp_path: Path, fake: _Server) -> Iterator[VideoWorkspacePanel]:
    """A workspace whose scene 1 is a rendered Sora video on the fake; 2 pending; 3 Veo."""
    # WORKAROUND: widgets of earlier tests left in reference cycles must not be collected by
    # a job thread's garbage collection (PySide6 crashes deleting a QWidget off the GUI thread).
    gc.collect()
    params = {"prompt": "A lighthouse at dusk.", "model": "sora-2", "size": "1280x720"}
    source = fake.state.new_job("sora", {**params, "seconds": "4"}, prefix="video_")
    source.created_at -= 60
    folder = tmp_path / "film"
    (folder / "clips").mkdir(parents=True)
    (folder / "thumbs").mkdir()
    (folder / "clips" / "s1.mp4").write_bytes(b"first render")
    Image.new("RGB", (64, 36), (200, 120, 40)).save(folder / "thumbs" / "s1.png")
    rendered = {"state": RenderState.DONE, "clip_path": "clips/s1.mp4", "billed_usd": 0.4}
    project = Project(
        title="Lighthouse",
        provider=ProviderName.SORA,
        settings=Project().settings.model_copy(update={"sora": SoraSettings(seconds=4)}),
        scenes=(
            Scene(
                id="s1",
                prompt="A lighthouse at dusk.",
                job_id=source.id,
                job_provider=ProviderName.SORA,
                thumbnail_path="thumbs/s1.png",
                **rendered,
            ),
            Scene(id="s2", prompt="The keeper climbs."),
            Scene(id="s3", prompt="Veo.", job_id="op/1", job_provider=ProviderName.VEO, **rendered),
        ),
    )
    project_store.save(project, folder)
    catalog = default_catalog()
    router = ProviderRouter(provider_factory(InMemorySecretStore(), catalog))
    ws = VideoWorkspace(catalog, router, JobRunner(2), SettingsStore())
    ws.open_project(folder)
    widget = VideoWorkspacePanel(ws)
    qtbot.add_widget(widget)
    yield widget
    ws.runner.shutdown(5000)
    wait_threads_done(qtbot)
    router.close()


def _dialog_plan(qtbot: QtBot, panel: VideoWorkspacePanel, prompts: list[str]) -> RemixPlan:
    dialog = RemixDialog(panel.ws, "s1", parent=panel)
    dialog.count.setValue(len(prompts))
    for edit, text in zip(dialog.edits, prompts, strict=False):
        edit.setText(text)
    assert dialog.ok_button.isEnabled()
    assert dialog.plan is not None
    return dialog.plan


def test_remix_action_is_offered_only_on_a_rendered_sora_scene(
    panel: VideoWorkspacePanel,
) -> None:
    panel.storyboard_view.select_ids(["s2"])
    assert not panel.remix_action.isEnabled()
    assert "not rendered yet" in panel.remix_action.toolTip()
    panel.storyboard_view.select_ids(["s3"])
    assert not panel.remix_action.isEnabled()
    assert "rendered with veo" in panel.remix_action.toolTip()
    panel.storyboard_view.select_ids(["s1"])
    assert panel.remix_action.isEnabled()
    menu = panel.storyboard_view.context_menu()
    assert panel.remix_action in menu.actions()


def test_dialog_shows_the_estimate_before_any_create(
    qtbot: QtBot, panel: VideoWorkspacePanel, fake: _Server
) -> None:
    before = fake.state.stats["creates_billed"]
    dialog = RemixDialog(panel.ws, "s1", parent=panel)
    dialog.count.setValue(2)
    # Priced before any prompt is typed; OK waits for the prompts.
    assert "2 new variation(s) x $0.40 = $0.80" in dialog.estimate.text()
    assert not dialog.ok_button.isEnabled()
    assert "change prompt" in dialog.problem.text()
    dialog.edits[0].setText("At dawn.")
    dialog.edits[1].setText("In a storm.")
    assert dialog.ok_button.isEnabled()
    assert dialog.ok_button.text() == "Remix for $0.80"
    assert "Billed so far: $0.80" in dialog.spent.text()  # scenes 1 and 3
    assert fake.state.stats["creates_billed"] == before


def test_dialog_refuses_a_remix_over_budget(
    qtbot: QtBot, panel: VideoWorkspacePanel, fake: _Server
) -> None:
    # $0.80 is billed already (scenes 1 and 3): room for one $0.40 variation, not two.
    panel.ws.editor.set_project_fields("Budget", budget_usd=1.3)
    dialog = RemixDialog(panel.ws, "s1", ["At dawn.", "In a storm."], panel)
    assert dialog.count.value() == 2
    assert not dialog.ok_button.isEnabled()
    assert "$1.30 budget" in dialog.problem.text()
    dialog.count.setValue(1)
    assert dialog.ok_button.isEnabled()


def test_two_variations_run_as_jobs_and_become_takes_one_chosen_undoably(
    qtbot: QtBot, panel: VideoWorkspacePanel, fake: _Server
) -> None:
    ws = panel.ws
    before = fake.state.stats["creates_billed"]
    plan = _dialog_plan(qtbot, panel, ["At dawn.", "In a storm."])
    panel.ask_remix = lambda _scene, _prompts: plan  # type: ignore[method-assign,assignment]
    panel.storyboard_view.select_ids(["s1"])
    with qtbot.wait_signals([ws.remixer.take_added, ws.remixer.take_added], timeout=20_000):
        job_ids = panel.request_remix("s1")
    assert len(job_ids) == 2
    qtbot.wait_until(lambda: not ws.remixer.is_running())
    rows = {r.job_id: r for r in ws.jobs.rows()}
    assert [rows[j].label for j in job_ids] == ["Scene 1 remix 1/2", "Scene 1 remix 2/2"]
    assert all(rows[j].status is JobStatus.DONE for j in job_ids)
    assert fake.state.stats["creates_billed"] == before + 2
    scene = ws.document.project.scene("s1")
    assert len(scene.takes) == 3
    assert scene.clip_path == "clips/s1.mp4"  # still the first render until one is chosen
    assert {t.prompt for t in scene.takes[1:]} == {"At dawn.", "In a storm."}
    assert all(t.remixed_from_job_id == plan.source_job_id for t in scene.takes[1:])
    assert scene.billed_usd == pytest.approx(1.2)
    saved = project_store.load(ws.document.folder)  # type: ignore[arg-type]
    assert len(saved.scene("s1").takes) == 3
    ledger = Ledger(ws.document.folder / LEDGER_NAME)  # type: ignore[operator]
    assert ledger.spent_by_scene() == {"s1": pytest.approx(0.8)}
    # The strip shows the three takes with thumbnails; choosing one is undoable.
    strip = panel.scene_editor.takes_strip
    assert strip.isVisibleTo(panel)
    assert strip.model.rowCount() == 3
    third = strip.model.index(2)
    assert third.data(TakeRole.CURRENT) is False
    assert strip.model.data(third, 1) is not None  # DecorationRole: the thumbnail
    strip.choose(3)
    chosen = ws.document.project.scene("s1")
    assert chosen.clip_path == scene.takes[2].clip_path
    assert strip.model.current == 3
    ws.editor.undo_stack.undo()
    assert ws.document.project.scene("s1").clip_path == "clips/s1.mp4"
    assert len(ws.document.project.scene("s1").takes) == 3
    ws.editor.undo_stack.redo()
    assert ws.document.project.scene("s1").clip_path == scene.takes[2].clip_path


def test_refused_remix_shows_the_banner_by_kind_without_a_render_retry(
    qtbot: QtBot, panel: VideoWorkspacePanel
) -> None:
    ws = panel.ws
    plan = _dialog_plan(qtbot, panel, ["Something forbidden happens."])
    panel.ask_remix = lambda _scene, _prompts: plan  # type: ignore[method-assign,assignment]
    with qtbot.wait_signal(ws.remixer.remix_failed, timeout=20_000) as blocker:
        panel.request_remix("s1")
    assert blocker.args is not None
    assert blocker.args[1].kind is ErrorKind.CONTENT_POLICY
    advice = panel.error_banner.advice
    assert advice is not None
    assert advice.title == "Prompt refused"
    assert "Change the remix prompt" in advice.message
    assert not panel.error_banner.action_button.isVisibleTo(panel)
    assert len(ws.document.project.scene("s1").takes) == 0


def test_bad_key_asks_for_the_keys(qtbot: QtBot, panel: VideoWorkspacePanel, fake: _Server) -> None:
    fake.state.config.valid_keys = ["sk-another-key"]
    plan = _dialog_plan(qtbot, panel, ["At dawn."])
    panel.ask_remix = lambda _scene, _prompts: plan  # type: ignore[method-assign,assignment]
    with qtbot.wait_signal(panel.keys_requested, timeout=20_000):
        panel.request_remix("s1")
    advice = panel.error_banner.advice
    assert advice is not None
    assert advice.title == "API key problem"


def test_cancel_from_the_jobs_panel_stops_following(
    qtbot: QtBot, panel: VideoWorkspacePanel, fake: _Server
) -> None:
    fake.state.config.generation_seconds = 30
    ws = panel.ws
    plan = _dialog_plan(qtbot, panel, ["At dawn."])
    panel.ask_remix = lambda _scene, _prompts: plan  # type: ignore[method-assign,assignment]
    (job_id,) = panel.request_remix("s1")
    qtbot.wait_until(lambda: "provider job" in (ws.jobs.row_for(job_id) or _Row()).message)
    assert panel.cancel_action.isEnabled()
    with qtbot.wait_signal(ws.runner.job_cancelled, timeout=10_000):
        panel.jobs_panel.cancel_requested.emit(job_id)
    qtbot.wait_until(lambda: not ws.remixer.is_running())
    assert len(ws.document.project.scene("s1").takes) == 0


class _Row:
    message = ""


# The offscreen platform warns when a modal dialog is shown; that is not the app's doing.
@pytest.mark.qt_log_ignore("propagateSizeHints")
def test_remix_action_opens_the_dialog_and_retry_asks_again(
    qtbot: QtBot, panel: VideoWorkspacePanel, fake: _Server
) -> None:
    ws = panel.ws
    asked: list[RemixDialog] = []

    def accept_dialog() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, RemixDialog)
        asked.append(dialog)
        dialog.edits[0].setText(dialog.edits[0].text() or "At dawn.")
        dialog.ok_button.click()

    panel.storyboard_view.select_ids(["s1"])
    QTimer.singleShot(0, accept_dialog)
    with qtbot.wait_signal(ws.remixer.take_added, timeout=20_000):
        panel.remix_action.trigger()
    assert len(asked) == 1
    (row,) = [r for r in ws.jobs.rows() if ws.remixer.is_remix_job(r.job_id)]
    # Retry of a remix row asks again with the same change prompt (and its price).
    QTimer.singleShot(0, accept_dialog)
    with qtbot.wait_signal(ws.remixer.take_added, timeout=20_000):
        panel.jobs_panel.retry_requested.emit(row.job_id)
    assert asked[1].prompts() == ["At dawn."]
    assert len(ws.document.project.scene("s1").takes) == 3


@pytest.mark.qt_log_ignore("propagateSizeHints")
def test_remix_while_another_process_renders_the_project_says_so(
    qtbot: QtBot, panel: VideoWorkspacePanel, fake: _Server
) -> None:
    import subprocess
    import sys

    from tests.unit.core.test_project_lock import HOLDER

    folder = panel.ws.document.folder
    assert folder is not None
    billed_before = fake.state.stats.get("creates_billed", 0)
    child = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(folder)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "locked"

        def accept_dialog() -> None:
            dialog = QApplication.activeModalWidget()
            assert isinstance(dialog, RemixDialog)
            dialog.edits[0].setText("At dawn.")
            dialog.ok_button.click()

        QTimer.singleShot(0, accept_dialog)
        assert panel.request_remix("s1") == []
        assert panel.error_banner.isVisibleTo(panel)
        assert str(child.pid) in panel.error_banner.message.text()
    finally:
        child.communicate(timeout=30)
    assert fake.state.stats.get("creates_billed", 0) == billed_before
