"""API keys: a `SecretStore` protocol, the keyring store, and environment-variable precedence."""

from __future__ import annotations

import contextlib
import logging
import os
import threading
from enum import StrEnum
from typing import Protocol

from pydantic import SecretStr

log = logging.getLogger(__name__)

SERVICE = "ImageAI"


class KeyName(StrEnum):
    OPENAI = "openai"
    GOOGLE = "google"


#: Environment variables that override the keyring, in order of precedence.
ENV_VARS: dict[KeyName, tuple[str, ...]] = {
    KeyName.OPENAI: ("OPENAI_API_KEY",),
    KeyName.GOOGLE: ("GEMINI_API_KEY", "GOOGLE_API_KEY"),
}


class SecretStore(Protocol):
    def get(self, name: KeyName) -> SecretStr | None: ...
    def set(self, name: KeyName, value: SecretStr) -> None: ...
    def delete(self, name: KeyName) -> None: ...


class InMemorySecretStore:
    """For tests and for machines with no keyring backend."""

    def __init__(self, values: dict[KeyName, str] | None = None) -> None:
        self._values = {k: SecretStr(v) for k, v in (values or {}).items()}

    def get(self, name: KeyName) -> SecretStr | None:
        return self._values.get(name)

    def set(self, name: KeyName, value: SecretStr) -> None:
        self._values[name] = value

    def delete(self, name: KeyName) -> None:
        self._values.pop(name, None)


class KeyringSecretStore:
    """The OS keyring; the only place in the app that imports ``keyring``."""

    def get(self, name: KeyName) -> SecretStr | None:
        import keyring
        import keyring.errors

        try:
            value = keyring.get_password(SERVICE, name.value)
        except keyring.errors.KeyringError as exc:
            log.warning("keyring unavailable: %s", type(exc).__name__)
            return None
        return SecretStr(value) if value else None

    def set(self, name: KeyName, value: SecretStr) -> None:
        import keyring

        keyring.set_password(SERVICE, name.value, value.get_secret_value())

    def delete(self, name: KeyName) -> None:
        import keyring
        import keyring.errors

        with contextlib.suppress(keyring.errors.PasswordDeleteError):
            keyring.delete_password(SERVICE, name.value)


class KeySource(StrEnum):
    ENV = "env"
    STORE = "store"
    NONE = "none"


def lookup_key(
    store: SecretStore, name: KeyName, environ: dict[str, str] | None = None
) -> tuple[SecretStr | None, KeySource, str]:
    """The key to use, where it came from, and the variable name when from the environment."""
    env = os.environ if environ is None else environ
    for var in ENV_VARS[name]:
        value = env.get(var, "").strip()
        if value:
            secret = SecretStr(value)
            remember_secret(secret)
            return secret, KeySource.ENV, var
    stored = store.get(name)
    if stored is not None and stored.get_secret_value():
        remember_secret(stored)
        return stored, KeySource.STORE, ""
    return None, KeySource.NONE, ""


# Every key the app has looked up, so text bound for logs and error messages can be scrubbed of
# it even when an API or a library echoes it back.
_known: set[str] = set()
_known_lock = threading.Lock()
#: Shorter values are not scrubbed: they would match ordinary words.
MIN_SECRET_LENGTH = 6


def remember_secret(secret: SecretStr) -> None:
    value = secret.get_secret_value()
    if len(value) >= MIN_SECRET_LENGTH:
        with _known_lock:
            _known.add(value)


def scrub(text: str) -> str:
    """``text`` with every key the app has looked up replaced by ``***``."""
    with _known_lock:
        known = sorted(_known, key=len, reverse=True)
    for value in known:
        if value in text:
            text = text.replace(value, "***")
    return text


class RedactingFormatter(logging.Formatter):
    """A log formatter whose output (message and traceback) never holds a known key."""

    def format(self, record: logging.LogRecord) -> str:
        return scrub(super().format(record))
