"""Checks API keys off the GUI thread and remembers the last result per key."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING

from pydantic import SecretStr
from PySide6.QtCore import QObject, Signal, Slot

from imageai.core.errors import JobError
from imageai.core.key_check import KeyCheck, KeyStatus
from imageai.core.secrets import KeyName, KeySource, SecretStore, lookup_key
from imageai.services.job_runner import JobRunner

if TYPE_CHECKING:
    import threading

#: A cheap call that classifies a key: bad key (401), no video access (403), network...
Checker = Callable[[SecretStr], KeyCheck]


class KeyCheckService(QObject):
    """Runs `Checker`s in a `JobRunner`; reads keys through the `SecretStore` (env first).

    Signals:
        check_started(key_name)
        checked(key_name, KeyCheck)
    """

    check_started = Signal(str)
    checked = Signal(str, object)

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
        self._runner = JobRunner(max_concurrency=2, parent=self)
        self._runner.job_event.connect(self._on_runner_job_event)
        self._runner.job_failed.connect(self._on_runner_job_failed)

    @property
    def runner(self) -> JobRunner:
        return self._runner

    def result(self, name: KeyName) -> KeyCheck | None:
        return self._results.get(name)

    def source(self, name: KeyName) -> tuple[KeySource, str]:
        env = dict(os.environ if self._environ is None else self._environ)
        _key, source, var = lookup_key(self._secrets, name, env)
        return source, var

    def check(self, name: KeyName, key: SecretStr | None = None) -> bool:
        """Start a check of ``key`` (default: the key in use); False if one is running."""
        if key is None:
            env = dict(os.environ if self._environ is None else self._environ)
            key, _source, _var = lookup_key(self._secrets, name, env)
        checker = self._checkers.get(name)
        self.check_started.emit(name.value)
        if key is None or checker is None:
            message = "No key set." if key is None else "No check is available for this key."
            status = KeyStatus.MISSING if key is None else KeyStatus.UNKNOWN
            self._store(name, KeyCheck(status=status, message=message))
            return True
        try:
            self._runner.submit(_check_job(checker, key, name), f"key-{name.value}")
        except ValueError:  # a check of this key is still running
            return False
        return True

    def shutdown(self, timeout_ms: int = 3000) -> bool:
        return self._runner.shutdown(timeout_ms)

    def _store(self, name: KeyName, result: KeyCheck) -> None:
        self._results[name] = result
        self.checked.emit(name.value, result)

    @Slot(str, object)
    def _on_runner_job_event(self, job_id: str, event: object) -> None:
        if isinstance(event, _KeyChecked):
            self._store(event.name, event.result)

    @Slot(str, object)
    def _on_runner_job_failed(self, job_id: str, error: object) -> None:
        assert isinstance(error, JobError)
        name = KeyName(job_id.removeprefix("key-"))
        self._store(name, KeyCheck(status=KeyStatus.UNKNOWN, message=error.user_message))


class _KeyChecked:
    """The event a check job yields: plain data for the GUI thread."""

    def __init__(self, name: KeyName, result: KeyCheck) -> None:
        self.name = name
        self.result = result


def _check_job(
    checker: Checker, key: SecretStr, name: KeyName
) -> Callable[[threading.Event], Iterator[object]]:
    def job(cancel: threading.Event) -> Iterator[object]:
        yield _KeyChecked(name, checker(key))

    return job
