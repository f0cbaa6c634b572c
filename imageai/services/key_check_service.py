"""Key checks, key lookups and key saves, all off the GUI thread (the keyring may block)."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TYPE_CHECKING

from pydantic import SecretStr
from PySide6.QtCore import QObject, Signal, Slot

from imageai.core.errors import JobError
from imageai.core.key_check import KeyCheck, KeyStatus
from imageai.core.secrets import ENV_VARS, KeyName, KeySource, SecretStore, lookup_key
from imageai.services.job_runner import JobRunner

if TYPE_CHECKING:
    import threading
    from collections.abc import Iterator, Mapping


#: A cheap call that classifies a key: bad key (401), no video access (403), network...
Checker = Callable[[SecretStr], KeyCheck]


class KeyCheckService(QObject):
    """Runs `Checker`s and `SecretStore` reads and writes in a `JobRunner` (env wins over store).

    A key only typed (not saved) is checked too, but its result is not the result of the key
    in use: it goes to `typed_checked`, and becomes `result()` only when that key is saved and
    no environment variable overrides it.

    Signals:
        check_started(key_name)
        checked(key_name, KeyCheck | None): the key in use was checked (None: not any more)
        typed_checked(key_name, KeyCheck): a typed, unsaved key was checked
        sources_changed(): `source()` knows more (after `refresh_sources` or `save`)
        saved(): `save` wrote the keys
        save_failed(message): `save` could not write them (`keyring_missing` says if no keyring)
    """

    check_started = Signal(str)
    checked = Signal(str, object)
    typed_checked = Signal(str, object)
    sources_changed = Signal()
    saved = Signal()
    save_failed = Signal(str)

    def __init__(
        self,
        secrets: SecretStore,
        checkers: Mapping[KeyName, Checker],
        environ: Mapping[str, str] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._secrets = secrets
        self._checkers = dict(checkers)
        self._environ = environ
        self._results: dict[KeyName, KeyCheck] = {}
        self._typed: dict[KeyName, tuple[SecretStr, KeyCheck]] = {}
        self._stored: dict[KeyName, bool] = {}
        self._pending_save: dict[KeyName, SecretStr] = {}
        self._checking_typed: dict[KeyName, bool] = {}
        #: Checks whose result has not come yet, by job id. A check is over when its result
        #: comes, though its thread may still be winding down: each check has its own job id,
        #: so a Test pressed again at once is not refused as "still running".
        self._checking: dict[str, KeyName] = {}
        self._checks = 0
        #: True once the store said there is no keyring to write to.
        self.keyring_missing = False
        self._runner = JobRunner(max_concurrency=2, parent=self)
        self._runner.job_event.connect(self._on_runner_job_event)
        self._runner.job_failed.connect(self._on_runner_job_failed)

    @property
    def runner(self) -> JobRunner:
        return self._runner

    def _env(self) -> dict[str, str]:
        return dict(os.environ if self._environ is None else self._environ)

    def result(self, name: KeyName) -> KeyCheck | None:
        return self._results.get(name)

    def source(self, name: KeyName) -> tuple[KeySource, str]:
        """Environment variables are read here; the store only as far as a refresh found."""
        env = self._env()
        for var in ENV_VARS[name]:
            if env.get(var, "").strip():
                return KeySource.ENV, var
        return (KeySource.STORE if self._stored.get(name) else KeySource.NONE), ""

    def refresh_sources(self) -> None:
        """Look the stored keys up on a job thread; `sources_changed` follows."""
        self._submit(_lookup_job(self._secrets), "key-sources")

    def save(self, keys: Mapping[KeyName, SecretStr]) -> None:
        """Write keys to the store on a job thread; `saved` (or `save_failed`) and
        `sources_changed` follow."""
        self._pending_save = dict(keys)
        self._submit(_save_job(self._secrets, dict(keys)), "key-save")

    def check(self, name: KeyName, key: SecretStr | None = None) -> bool:
        """Check ``key`` (default: the key in use); False if a check of it is running."""
        checker = self._checkers.get(name)
        if checker is None:
            message = "No check is available for this key."
            self.check_started.emit(name.value)
            self._store(name, KeyCheck(status=KeyStatus.UNKNOWN, message=message))
            return True
        if name in self._checking.values():
            return False
        job = _check_job(checker, key, name, self._secrets, self._env(), typed=key is not None)
        self._checks += 1
        job_id = f"key-{name.value}-{self._checks}"
        if not self._submit(job, job_id):
            return False
        self._checking[job_id] = name
        self._checking_typed[name] = key is not None
        self.check_started.emit(name.value)
        return True

    def shutdown(self, timeout_ms: int = 3000) -> bool:
        return self._runner.shutdown(timeout_ms)

    def _submit(self, job: Callable[[threading.Event], Iterator[object]], job_id: str) -> bool:
        try:
            self._runner.submit(job, job_id)
        except ValueError:  # the same job is still running
            return False
        return True

    def _store(self, name: KeyName, result: KeyCheck) -> None:
        self._results[name] = result
        self.checked.emit(name.value, result)

    def _adopt_saved(self) -> None:
        """A saved key replaces the key in use unless the environment overrides it: its
        typed check (if it was of the same value) becomes the in-use result, else none."""
        saved, self._pending_save = self._pending_save, {}
        for name, value in saved.items():
            if self.source(name)[0] is KeySource.ENV:
                continue
            typed = self._typed.pop(name, None)
            if typed is not None and typed[0] == value:
                self._store(name, typed[1])
            elif self._results.pop(name, None) is not None:
                self.checked.emit(name.value, None)

    @Slot(str, object)
    def _on_runner_job_event(self, job_id: str, event: object) -> None:
        if isinstance(event, _KeyChecked):
            self._checking.pop(job_id, None)
            if event.typed is None:
                self._store(event.name, event.result)
            else:
                self._typed[event.name] = (event.typed, event.result)
                self.typed_checked.emit(event.name.value, event.result)
        elif isinstance(event, _SaveFailed):
            self._pending_save = {}
            self.keyring_missing = self.keyring_missing or event.no_keyring
            self.save_failed.emit(event.message)
        elif isinstance(event, _KeysStored):
            self._stored = dict(event.stored)
            if event.saved:
                self._adopt_saved()
                self.saved.emit()
            self.sources_changed.emit()

    @Slot(str, object)
    def _on_runner_job_failed(self, job_id: str, error: object) -> None:
        assert isinstance(error, JobError)
        name = self._checking.pop(job_id, None)
        if name is not None:
            result = KeyCheck(status=KeyStatus.UNKNOWN, message=error.user_message)
            if self._checking_typed.get(name):
                self.typed_checked.emit(name.value, result)  # not the key in use: leave it
            else:
                self._store(name, result)


class _KeyChecked:
    """A check's result: plain data for the GUI thread; ``typed`` is the unsaved key checked."""

    def __init__(self, name: KeyName, result: KeyCheck, typed: SecretStr | None = None) -> None:
        self.name = name
        self.result = result
        self.typed = typed


class _SaveFailed:
    """The store refused a key; ``no_keyring``: there is no keyring backend at all."""

    def __init__(self, message: str, no_keyring: bool) -> None:
        self.message = message
        self.no_keyring = no_keyring


def _is_no_keyring(exc: Exception) -> bool:
    # The store raises keyring's own errors, or wraps them in an error on the "keyring" field;
    # this layer may not import keyring, so it looks at where the error comes from.
    return getattr(exc, "field", None) == "keyring" or type(exc).__module__.startswith("keyring")


class _KeysStored:
    """Which keys the store holds (never their values)."""

    def __init__(self, stored: dict[KeyName, bool], saved: bool) -> None:
        self.stored = stored
        self.saved = saved


def _stored(secrets: SecretStore) -> dict[KeyName, bool]:
    return {name: secrets.get(name) is not None for name in KeyName}


def _lookup_job(secrets: SecretStore) -> Callable[[threading.Event], Iterator[object]]:
    def job(cancel: threading.Event) -> Iterator[object]:
        yield _KeysStored(_stored(secrets), saved=False)

    return job


def _save_job(
    secrets: SecretStore, keys: dict[KeyName, SecretStr]
) -> Callable[[threading.Event], Iterator[object]]:
    def job(cancel: threading.Event) -> Iterator[object]:
        for name, value in keys.items():
            try:
                secrets.set(name, value)
            except Exception as exc:  # noqa: BLE001 - any store failure is told to the user
                message = JobError.from_exception(exc).user_message
                yield _SaveFailed(message, _is_no_keyring(exc))
                yield _KeysStored(_stored(secrets), saved=False)
                return
        yield _KeysStored(_stored(secrets), saved=True)

    return job


def _check_job(
    checker: Checker,
    key: SecretStr | None,
    name: KeyName,
    secrets: SecretStore,
    env: dict[str, str],
    typed: bool,
) -> Callable[[threading.Event], Iterator[object]]:
    def job(cancel: threading.Event) -> Iterator[object]:
        used = key if key is not None else lookup_key(secrets, name, env)[0]
        if used is None:
            yield _KeyChecked(name, KeyCheck(status=KeyStatus.MISSING, message="No key set."))
        else:
            yield _KeyChecked(name, checker(used), used if typed else None)

    return job
