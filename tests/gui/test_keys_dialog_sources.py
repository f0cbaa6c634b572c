"""The key dialog without a keyring backend, and which key is in use (environment or keyring)."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

import pytest

from imageai.core.key_check import KeyCheck, KeyStatus
from imageai.core.secrets import InMemorySecretStore, KeyName, KeyringSecretStore
from imageai.gui.settings.keys_dialog import KeysDialog
from imageai.services.app_settings import SettingsStore
from imageai.services.key_check_service import KeyCheckService
from tests.gui.conftest import wait_threads_done

if TYPE_CHECKING:
    from pydantic import SecretStr
    from pytestqt.qtbot import QtBot

RESULTS = {
    "good": KeyCheck(status=KeyStatus.OK, message="The key works and has video access."),
    "bad": KeyCheck(status=KeyStatus.BAD_KEY, message="The key was refused (401)."),
}


def _check(key: SecretStr) -> KeyCheck:
    return RESULTS[key.get_secret_value()]


@pytest.fixture
def no_keyring(monkeypatch: pytest.MonkeyPatch) -> KeyringSecretStore:
    """The real keyring store on keyring's "no backend" (as on a headless Linux machine)."""
    fail = importlib.import_module("keyring.backends.fail")
    monkeypatch.setattr("keyring.core._keyring_backend", fail.Keyring())
    return KeyringSecretStore()


def _stop(qtbot: QtBot, service: KeyCheckService) -> None:
    service.shutdown()
    wait_threads_done(qtbot)


@pytest.mark.qt_log_ignore("does not support propagateSizeHints")
def test_save_without_a_keyring_says_so_and_keeps_close_usable(
    qtbot: QtBot, no_keyring: KeyringSecretStore
) -> None:
    service = KeyCheckService(no_keyring, {KeyName.GOOGLE: _check}, environ={})
    dialog = KeysDialog(service, SettingsStore())
    qtbot.add_widget(dialog)
    dialog.show()
    dialog.edits[KeyName.GOOGLE].setText("bad")
    with qtbot.wait_signal(service.typed_checked, timeout=5000):
        dialog.test_buttons[KeyName.GOOGLE].click()
    with qtbot.wait_signal(service.save_failed, timeout=5000):
        dialog.save_button.click()
    assert dialog.isVisible()  # not accepted: nothing was saved
    assert dialog.close_button.isEnabled() and dialog.isEnabled()
    assert dialog.save_button.isEnabled() and dialog.edits[KeyName.GOOGLE].isEnabled()
    assert dialog.notice.isVisible()
    text = dialog.notice.text()
    assert "No system keyring" in text
    assert "GEMINI_API_KEY" in text and "OPENAI_API_KEY" in text
    assert dialog.edits[KeyName.GOOGLE].text() == "bad"  # kept, to copy elsewhere
    # The key was only typed and tested: it is not the key in use, and nothing says it is.
    assert service.result(KeyName.GOOGLE) is None
    assert "No key in use" in dialog.sources[KeyName.GOOGLE].text()
    with qtbot.wait_signal(dialog.rejected, timeout=1000):
        dialog.close_button.click()
    # Opened again, it says so at once.
    again = KeysDialog(service)
    qtbot.add_widget(again)
    assert "No system keyring" in again.notice.text()
    _stop(qtbot, service)


def test_a_key_from_the_environment_is_named_as_the_one_in_use(qtbot: QtBot) -> None:
    store = InMemorySecretStore({KeyName.GOOGLE: "good"})
    service = KeyCheckService(store, {KeyName.GOOGLE: _check}, environ={"GEMINI_API_KEY": "bad"})
    dialog = KeysDialog(service)
    qtbot.add_widget(dialog)
    source = dialog.sources[KeyName.GOOGLE].text()
    assert "environment variable GEMINI_API_KEY" in source and "wins" in source
    # A typed key that works is said not to be the one in use.
    dialog.edits[KeyName.GOOGLE].setText("good")
    with qtbot.wait_signal(service.typed_checked, timeout=5000):
        dialog.test_buttons[KeyName.GOOGLE].click()
    result = dialog.results[KeyName.GOOGLE].text()
    assert result.startswith("✔ Typed key (not saved)")
    assert "not the key in use: GEMINI_API_KEY wins" in result
    # Testing with nothing typed checks the key in use, and says where it came from.
    dialog.edits[KeyName.GOOGLE].clear()
    with qtbot.wait_signal(service.checked, timeout=5000):
        dialog.test_buttons[KeyName.GOOGLE].click()
    assert dialog.results[KeyName.GOOGLE].text().startswith("✖ Key from GEMINI_API_KEY:")
    _stop(qtbot, service)


def test_a_saved_key_says_the_keyring_holds_the_key_in_use(qtbot: QtBot) -> None:
    service = KeyCheckService(InMemorySecretStore(), {KeyName.OPENAI: _check}, environ={})
    dialog = KeysDialog(service)
    qtbot.add_widget(dialog)
    dialog.edits[KeyName.OPENAI].setText("good")
    with qtbot.wait_signal(service.typed_checked, timeout=5000):
        dialog.test_buttons[KeyName.OPENAI].click()
    assert service.result(KeyName.OPENAI) is None
    with qtbot.wait_signal(dialog.accepted, timeout=5000):
        dialog.save_button.click()
    # The tested value was saved: its result is now the in-use key's.
    assert service.result(KeyName.OPENAI) == RESULTS["good"]
    assert dialog.sources[KeyName.OPENAI].text() == "In use: the key saved in the keyring."
    _stop(qtbot, service)


def test_a_check_asked_for_as_soon_as_the_last_one_answered_is_not_refused(qtbot: QtBot) -> None:
    # The answer comes before the check's thread has wound down; pressing Test again then
    # (a quick user, or a loaded machine) was refused as "still running" and did nothing.
    store = InMemorySecretStore({KeyName.GOOGLE: "good"})
    service = KeyCheckService(store, {KeyName.GOOGLE: _check}, environ={})
    answers: list[object] = []
    again: list[bool] = []

    def on_checked(_name: str, result: object) -> None:
        answers.append(result)
        if not again:  # inside the first answer's slot: its thread has not ended yet
            again.append(service.check(KeyName.GOOGLE))

    service.checked.connect(on_checked)
    assert service.check(KeyName.GOOGLE)
    qtbot.wait_until(lambda: len(answers) == 2, timeout=5000)
    assert again == [True]
    _stop(qtbot, service)
