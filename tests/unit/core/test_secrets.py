"""Keys: environment over keyring, and never in logs or error messages."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from pydantic import SecretStr

from imageai.core.errors import AuthError, JobError
from imageai.core.log_setup import setup_logging
from imageai.core.secrets import (
    InMemorySecretStore,
    KeyName,
    KeySource,
    lookup_key,
    scrub,
)

if TYPE_CHECKING:
    from pathlib import Path

    import pytest


def test_environment_overrides_the_store() -> None:
    store = InMemorySecretStore({KeyName.GOOGLE: "stored-google-key"})
    key, source, var = lookup_key(store, KeyName.GOOGLE, {"GOOGLE_API_KEY": "env-google-key"})
    assert key is not None and key.get_secret_value() == "env-google-key"
    assert (source, var) == (KeySource.ENV, "GOOGLE_API_KEY")
    key, source, _ = lookup_key(store, KeyName.GOOGLE, {})
    assert key is not None and key.get_secret_value() == "stored-google-key"
    assert source is KeySource.STORE
    assert lookup_key(InMemorySecretStore(), KeyName.OPENAI, {})[1] is KeySource.NONE


def test_gemini_key_wins_over_google_key() -> None:
    env = {"GEMINI_API_KEY": "gemini-key-1", "GOOGLE_API_KEY": "google-key-2"}
    key, _, var = lookup_key(InMemorySecretStore(), KeyName.GOOGLE, env)
    assert var == "GEMINI_API_KEY" and key == SecretStr("gemini-key-1")


def test_job_errors_never_carry_a_looked_up_key() -> None:
    lookup_key(InMemorySecretStore(), KeyName.OPENAI, {"OPENAI_API_KEY": "sk-live-abcdef123456"})
    error = JobError.from_exception(
        AuthError(
            "Incorrect API key provided: sk-live-abcdef123456", detail="key sk-live-abcdef123456"
        )
    )
    assert "sk-live-abcdef123456" not in error.user_message + error.detail
    assert "***" in error.user_message
    assert scrub("no key here") == "no key here"


def test_logs_never_carry_a_looked_up_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IMAGEAI_HOME", str(tmp_path))
    lookup_key(InMemorySecretStore({KeyName.GOOGLE: "AIzaSecretValue987"}), KeyName.GOOGLE, {})
    setup_logging("test.log")
    log = logging.getLogger("imageai.test")
    log.warning("calling with %s", "AIzaSecretValue987")
    try:
        raise RuntimeError("header x-goog-api-key: AIzaSecretValue987")
    except RuntimeError:
        log.exception("failed")
    for handler in logging.getLogger().handlers:
        handler.flush()
    text = (tmp_path / "logs" / "test.log").read_text()
    assert "calling with ***" in text
    assert "x-goog-api-key: ***" in text
    assert "AIzaSecretValue987" not in text
    logging.basicConfig(handlers=[logging.NullHandler()], force=True)
