"""The key dialog with an in-memory secret store and scripted key checks (no network)."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

import pytest
from pydantic import SecretStr

from imageai.core.key_check import KeyCheck, KeyStatus
from imageai.core.secrets import InMemorySecretStore, KeyName
from imageai.gui.settings.keys_dialog import KeysDialog
from imageai.services.app_settings import SettingsStore
from imageai.services.key_check_service import KeyCheckService
from tests.gui.conftest import wait_threads_done

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

RESULTS = {
    "good": KeyCheck(status=KeyStatus.OK, message="The key works and has video access."),
    "bad": KeyCheck(status=KeyStatus.BAD_KEY, message="The key was rejected (401)."),
    "novideo": KeyCheck(
        status=KeyStatus.NO_VIDEO_ACCESS, message="The key has no access to the videos API (403)."
    ),
}


class ScriptedChecker:
    """Answers by key value, from a worker thread; records which thread it ran on."""

    def __init__(self) -> None:
        self.threads: list[int] = []

    def __call__(self, key: SecretStr) -> KeyCheck:
        self.threads.append(threading.get_ident())
        return RESULTS[key.get_secret_value()]


@pytest.fixture
def service(qtbot: QtBot) -> KeyCheckService:
    store = InMemorySecretStore({KeyName.OPENAI: "good"})
    checker = ScriptedChecker()
    svc = KeyCheckService(store, {KeyName.OPENAI: checker, KeyName.GOOGLE: checker}, environ={})
    svc.checker = checker  # type: ignore[attr-defined]
    yield svc
    svc.shutdown()
    wait_threads_done(qtbot)


def test_test_buttons_tell_bad_key_from_no_video_access_off_the_gui_thread(
    qtbot: QtBot, service: KeyCheckService
) -> None:
    dialog = KeysDialog(service)
    qtbot.add_widget(dialog)
    with qtbot.wait_signal(service.checked, timeout=5000):
        dialog.test_buttons[KeyName.OPENAI].click()
    assert dialog.results[KeyName.OPENAI].text().startswith("✔ Key in use: The key works")
    dialog.edits[KeyName.GOOGLE].setText("novideo")
    with qtbot.wait_signal(service.typed_checked, timeout=5000):
        dialog.test_buttons[KeyName.GOOGLE].click()
    assert "(403)" in dialog.results[KeyName.GOOGLE].text()
    dialog.edits[KeyName.OPENAI].setText("bad")
    with qtbot.wait_signal(service.typed_checked, timeout=5000):
        dialog.test_buttons[KeyName.OPENAI].click()
    assert "(401)" in dialog.results[KeyName.OPENAI].text()
    assert "not saved" in dialog.results[KeyName.OPENAI].text()
    assert threading.get_ident() not in service.checker.threads  # type: ignore[attr-defined]
    # Only typed: the key in use (the stored "good" one) keeps its result.
    assert service.result(KeyName.OPENAI) == RESULTS["good"]


def test_save_stores_typed_keys_and_preferences_and_never_shows_them(
    qtbot: QtBot, service: KeyCheckService
) -> None:
    settings = SettingsStore()
    dialog = KeysDialog(service, settings)
    qtbot.add_widget(dialog)
    qtbot.wait_until(lambda: "keyring" in dialog.edits[KeyName.OPENAI].placeholderText())
    assert dialog.edits[KeyName.OPENAI].text() == ""
    assert dialog.edits[KeyName.GOOGLE].placeholderText() == "not set"
    dialog.edits[KeyName.GOOGLE].setText("  new-google-key ")
    dialog.confirm_check.setChecked(False)
    dialog.concurrency_spin.setValue(4)
    with qtbot.wait_signal(dialog.accepted, timeout=5000):
        dialog._on_save_clicked()
    assert "keyring" in dialog.edits[KeyName.GOOGLE].placeholderText()
    stored = service._secrets.get(KeyName.GOOGLE)
    assert stored == SecretStr("new-google-key")
    assert settings.preferences.confirm_before_render is False
    assert settings.preferences.max_concurrency == 4


def test_environment_keys_win_and_are_shown_as_such(qtbot: QtBot) -> None:
    store = InMemorySecretStore({KeyName.GOOGLE: "stored"})
    svc = KeyCheckService(store, {}, environ={"GEMINI_API_KEY": "from-env"})
    dialog = KeysDialog(svc)
    qtbot.add_widget(dialog)
    assert "GEMINI_API_KEY" in dialog.edits[KeyName.GOOGLE].placeholderText()
    assert dialog.edits[KeyName.OPENAI].placeholderText() == "not set"
    with qtbot.wait_signal(svc.checked):
        dialog.test_buttons[KeyName.OPENAI].click()
    assert dialog.results[KeyName.OPENAI].text().endswith("No check is available for this key.")
    svc.shutdown()
    wait_threads_done(qtbot)


def test_a_check_without_any_key_says_so(qtbot: QtBot, service: KeyCheckService) -> None:
    service._secrets.delete(KeyName.OPENAI)
    with qtbot.wait_signal(service.checked, timeout=5000) as checked:
        service.check(KeyName.OPENAI)
    assert checked.args == ["openai", KeyCheck(status=KeyStatus.MISSING, message="No key set.")]


def test_provider_selector_warns_on_sora_when_the_key_lacks_video_access(
    qtbot: QtBot, make_workspace: object
) -> None:
    from imageai.core.models import ProviderName
    from imageai.gui.video.provider_selector import ProviderSelectorWidget

    ws = make_workspace()  # type: ignore[operator]
    store = InMemorySecretStore({KeyName.OPENAI: "novideo"})
    svc = KeyCheckService(store, {KeyName.OPENAI: ScriptedChecker()}, environ={})
    selector = ProviderSelectorWidget(ws, svc)
    qtbot.add_widget(selector)
    ws.editor.set_provider(ProviderName.SORA)
    assert not selector.key_status.isVisibleTo(selector)
    with qtbot.wait_signal(svc.checked, timeout=5000):
        svc.check(KeyName.OPENAI)
    svc.shutdown()
    wait_threads_done(qtbot)
    assert selector.key_status.isVisibleTo(selector)
    assert "(403)" in selector.key_status.text()
    sora_row = selector.combo.findData("sora")
    assert "(403)" in str(selector.combo.itemData(sora_row, 3))
    ws.editor.set_provider(ProviderName.ANIMATIC)
    assert not selector.key_status.isVisibleTo(selector)
