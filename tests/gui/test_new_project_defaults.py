"""A new project starts on Gemini Omni when a Gemini key is found, else on the free animatic."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from imageai.app import build
from imageai.core.catalog import default_catalog
from imageai.core.models import ProviderName
from imageai.core.secrets import InMemorySecretStore, KeyName
from imageai.services.key_check_service import KeyCheckService
from imageai.services.new_project_defaults import NewProjectDefaults

if TYPE_CHECKING:
    from collections.abc import Callable

    from pytestqt.qtbot import QtBot

    from imageai.services.video_workspace import VideoWorkspace

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


@pytest.mark.parametrize(
    ("env", "stored", "expected"),
    [
        ({"GEMINI_API_KEY": "gem-key-123"}, None, ProviderName.OMNI),
        ({"GOOGLE_API_KEY": "goo-key-123"}, None, ProviderName.OMNI),
        ({}, None, ProviderName.ANIMATIC),
        ({"OPENAI_API_KEY": "sk-only-openai"}, None, ProviderName.ANIMATIC),
        ({}, {KeyName.GOOGLE: "stored-gem-key"}, ProviderName.OMNI),
    ],
)
def test_file_new_starts_on_omni_only_with_a_gemini_key(
    qtbot: QtBot,
    make_workspace: Callable[..., VideoWorkspace],
    env: dict[str, str],
    stored: dict[KeyName, str] | None,
    expected: ProviderName,
) -> None:
    ws = make_workspace(scenes=1)
    keys = KeyCheckService(InMemorySecretStore(stored), {}, environ=env)
    with qtbot.wait_signal(keys.sources_changed):  # the store is read on a job thread
        NewProjectDefaults(ws, keys)
    # The open project (saved in a folder, with scenes) keeps its provider.
    assert ws.document.project.provider is ProviderName.ANIMATIC
    ws.new_project()
    assert ws.document.project.provider is expected
    assert not ws.document.dirty
    keys.shutdown()


def test_the_app_starts_on_omni_with_only_a_stored_gemini_key(qtbot: QtBot) -> None:
    parts = build(
        InMemorySecretStore({KeyName.GOOGLE: "stored-gem-key"}), default_catalog(), checkers={}
    )
    ws = parts.workspace
    try:
        # The keyring answers on a job thread; the untouched start-up project follows it.
        qtbot.wait_until(lambda: ws.document.project.provider is ProviderName.OMNI)
        assert not ws.document.dirty
        assert ws.editor.undo_stack.count() == 0
        selector = parts.window.video_panel.provider_selector
        assert selector.current() is ProviderName.OMNI
    finally:
        parts.shutdown()


def test_the_app_starts_on_the_animatic_without_keys(qtbot: QtBot) -> None:
    parts = build(InMemorySecretStore(), default_catalog(), checkers={})
    ws = parts.workspace
    try:
        # Nothing ran the event loop since build(): the key look-up's answer is still to come.
        with qtbot.wait_signal(parts.keys.sources_changed):
            pass
        assert ws.document.project.provider is ProviderName.ANIMATIC
    finally:
        parts.shutdown()
