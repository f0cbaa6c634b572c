"""API keys: a `SecretStore` protocol, the keyring store, and environment-variable precedence."""

from __future__ import annotations

import logging
import os
from enum import StrEnum
from typing import Protocol

from pydantic import SecretStr

from imageai.core.errors import ValidationError
from imageai.core.scrub import RedactingFormatter as RedactingFormatter  # re-exported
from imageai.core.scrub import remember_secret as _remember
from imageai.core.scrub import scrub as scrub  # re-exported for older imports

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
        checked_key(value.get_secret_value(), f"for {name.value}")
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
        import keyring.errors

        checked_key(value.get_secret_value(), f"for {name.value}")
        try:
            keyring.set_password(SERVICE, name.value, value.get_secret_value())
        except keyring.errors.KeyringError as exc:
            raise KeyringUnavailableError(name, exc) from exc

    def delete(self, name: KeyName) -> None:
        import keyring
        import keyring.errors

        try:
            keyring.delete_password(SERVICE, name.value)
        except keyring.errors.PasswordDeleteError:
            return  # nothing stored: deleting is done
        except keyring.errors.KeyringError as exc:
            raise KeyringUnavailableError(name, exc) from exc


class KeyringUnavailableError(ValidationError):
    """No OS keyring backend (a headless machine, a locked or missing secret service)."""

    def __init__(self, name: KeyName, exc: Exception) -> None:
        super().__init__(
            "keyring",
            f"the OS keyring cannot be used ({type(exc).__name__}); set "
            f"{ENV_VARS[name][0]} in the environment instead",
        )


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
            remember_secret(secret)  # first, so even a refused key never reaches a log
            checked_key(value, f"in {var}")
            return secret, KeySource.ENV, var
    stored = store.get(name)
    if stored is not None and stored.get_secret_value():
        remember_secret(stored)
        checked_key(stored.get_secret_value(), "in the keyring")
        return stored, KeySource.STORE, ""
    return None, KeySource.NONE, ""


def remember_secret(secret: SecretStr) -> None:
    """Scrub this key from every log line and message from now on."""
    _remember(secret.get_secret_value())


class InvalidKeyError(ValidationError):
    """A key holding characters no API key has (a newline, a control character, non-ASCII)."""


def checked_key(value: str, where: str) -> str:
    """``value`` if it can be a key: printable ASCII without spaces; else `InvalidKeyError`.

    Such a key would otherwise fail deep in the HTTP library ("Illegal header value") and look
    like a network problem, with the key in the message.
    """
    for index, char in enumerate(value):
        if char.isascii() and char.isprintable() and not char.isspace():
            continue
        what = {"\n": "a line break", "\r": "a carriage return", "\t": "a tab", " ": "a space"}
        name = what.get(char) or (
            "a control character" if char.isascii() else "a non-ASCII character"
        )
        raise InvalidKeyError(
            "key",
            f"the key {where} holds {name} at position {index + 1}; an API key is printable "
            "ASCII with no spaces: copy it again from the provider's page",
        )
    return value
