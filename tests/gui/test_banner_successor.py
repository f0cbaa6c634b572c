"""A server saying the model is gone: the banner's action opens the move to the model it named."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox

from imageai.core.errors import ModelGoneError
from imageai.core.models import ProviderName, VeoSettings
from imageai.core.secrets import InMemorySecretStore
from imageai.gui.main_window import MainWindow
from imageai.gui.video.retarget_dialog import RetargetDialog
from imageai.services.key_check_service import KeyCheckService
from tests.fakes.fake_provider import FakeProvider

if TYPE_CHECKING:
    from collections.abc import Callable

    from pytestqt.qtbot import QtBot

    from imageai.services.video_workspace import VideoWorkspace

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")

#: Live in the table, so only the server's answer can say it is gone.
LIVE = "veo-3.1-generate-001"


def _window(qtbot: QtBot, ws: VideoWorkspace, monkeypatch: pytest.MonkeyPatch) -> MainWindow:
    secrets = InMemorySecretStore()
    window = MainWindow(ws, secrets, KeyCheckService(secrets, {}))
    monkeypatch.setattr(window, "ask_unsaved", lambda: QMessageBox.StandardButton.Discard)
    # The render is paid: confirmed here, the confirm dialog has tests of its own.
    monkeypatch.setattr(window.video_panel, "confirm_render", lambda est: True)
    qtbot.add_widget(window)
    window.show()
    return window


def _gone_on_veo(make_workspace: Callable[..., VideoWorkspace], successor: str) -> VideoWorkspace:
    gone = ModelGoneError(
        f"{LIVE} is no longer available.", model=LIVE, successor=successor, status_code=404
    )
    ws = make_workspace(FakeProvider(start_error=gone, name=ProviderName.VEO), scenes=2)
    for scene in ws.document.project.scenes:
        ws.editor.edit_scene(scene.id, duration=8)
    ws.editor.set_provider(ProviderName.VEO)
    ws.editor.set_provider_settings(
        ProviderName.VEO, VeoSettings(model=LIVE, vertex_project="film-project", seconds=8)
    )
    return ws


def _fail_first_scene(qtbot: QtBot, ws: VideoWorkspace, window: MainWindow) -> str:
    first = ws.document.project.scenes[0].id
    with qtbot.wait_signal(ws.scene_failed, timeout=10_000):
        window.video_panel.request_render([first])
    banner = window.video_panel.error_banner
    qtbot.wait_until(banner.isVisible)
    return first


def test_banner_retarget_after_model_gone_opens_the_dialog_on_the_named_successor(
    qtbot: QtBot, make_workspace: Callable[..., VideoWorkspace], monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = _gone_on_veo(make_workspace, "gemini-omni-1.2-flash")
    window = _window(qtbot, ws, monkeypatch)
    _fail_first_scene(qtbot, ws, window)
    banner = window.video_panel.error_banner
    assert banner.action_button.text() == "Move to gemini-omni-1.2-flash…"
    banner.action_button.click()
    dialog = window.findChild(RetargetDialog)
    assert dialog is not None
    qtbot.add_widget(dialog)
    assert dialog.isVisible()
    # Preset as the lifecycle note's "Move to" does: the successor's provider and model.
    assert dialog.target() is ProviderName.OMNI
    assert dialog.plan is not None
    assert dialog.plan.model == "gemini-omni-1.2-flash"
    assert dialog.windowTitle() == "Move to Gemini Omni 1.2 Flash"
    assert dialog.cost.text().startswith("Before: 2 scenes, 16 s")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    project = ws.document.project
    assert project.provider is ProviderName.OMNI
    assert project.settings.omni.model == "gemini-omni-1.2-flash"


def test_a_successor_on_the_same_provider_stays_on_it(
    qtbot: QtBot, make_workspace: Callable[..., VideoWorkspace], monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = _gone_on_veo(make_workspace, "veo-3.1-fast-generate-001")
    window = _window(qtbot, ws, monkeypatch)
    _fail_first_scene(qtbot, ws, window)
    window.video_panel.error_banner.action_button.click()
    dialog = window.findChild(RetargetDialog)
    assert dialog is not None
    qtbot.add_widget(dialog)
    assert dialog.target() is ProviderName.VEO
    assert dialog.plan is not None
    assert dialog.plan.model == "veo-3.1-fast-generate-001"
