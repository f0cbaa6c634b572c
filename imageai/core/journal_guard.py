"""`GuardedJournal`: ledger writes that, when the disk refuses, are kept and retried, never fatal."""

from __future__ import annotations

import logging
from functools import partial
from typing import TYPE_CHECKING

from imageai.core.errors import LedgerWriteError

if TYPE_CHECKING:
    from collections.abc import Callable

    from imageai.core.jobs import JobRequest, JobResult, Journal

log = logging.getLogger(__name__)


class GuardedJournal:
    """Wraps a `Journal` for one job; a write that raises `OSError` is queued and sent again,
    in order, before the next one.

    Once a create has returned, the job is paid for: a full disk or a torn line must not throw
    its id away. The caller keeps the job going and asks `pending` at the end.
    """

    def __init__(self, journal: Journal | None) -> None:
        self._journal = journal
        self._queue: list[Callable[[Journal], None]] = []
        #: The last write failure, kept for the report.
        self.error: OSError | None = None

    @property
    def pending(self) -> bool:
        """Writes still missing from the ledger."""
        return bool(self._queue)

    def intent(self, request: JobRequest) -> None:
        """Record the intent before a create; unlike the others, a failure here stops the job.

        Raises:
            LedgerWriteError: the intent could not be written; nothing was sent.
        """
        if self._journal is None:
            return
        try:
            self._journal.intent(request)
        except OSError as exc:
            reason = LedgerWriteError.reason(exc)
            message = f"Could not write the ledger ({reason}); nothing was sent to the provider."
            raise LedgerWriteError(message, exc) from exc

    def created(self, request: JobRequest, job_id: str, billed_usd: float) -> bool:
        return self._write(partial(_created, request, job_id, billed_usd))

    def completed(self, request: JobRequest, job_id: str) -> bool:
        return self._write(partial(_completed, request, job_id))

    def downloaded(self, request: JobRequest, result: JobResult) -> bool:
        return self._write(partial(_downloaded, request, result))

    def failed(self, request: JobRequest, job_id: str | None, kind: str, message: str) -> bool:
        return self._write(partial(_failed, request, job_id, kind, message))

    def flush(self) -> bool:
        """Send the queued writes again; True when none is left."""
        journal = self._journal
        while self._queue and journal is not None:
            try:
                self._queue[0](journal)
            except OSError as exc:
                self.error = exc
                log.warning("ledger write failed (%s); kept to retry", LedgerWriteError.reason(exc))
                return False
            self._queue.pop(0)
        return True

    def _write(self, write: Callable[[Journal], None]) -> bool:
        if self._journal is None:
            return True
        self._queue.append(write)
        return self.flush()

    def report(self, job_id: str) -> str:
        """The plain words for a ledger that stayed unwritten to the end of the job."""
        reason = LedgerWriteError.reason(self.error) if self.error else "unknown error"
        return (
            f"Could not write the ledger ({reason}); the job {job_id} was kept in project.json. "
            "Free space or fix the folder's permissions before rendering more."
        )


def _created(request: JobRequest, job_id: str, billed_usd: float, journal: Journal) -> None:
    journal.created(request, job_id, billed_usd)


def _completed(request: JobRequest, job_id: str, journal: Journal) -> None:
    journal.completed(request, job_id)


def _downloaded(request: JobRequest, result: JobResult, journal: Journal) -> None:
    journal.downloaded(request, result)


def _failed(
    request: JobRequest, job_id: str | None, kind: str, message: str, journal: Journal
) -> None:
    journal.failed(request, job_id, kind, message)
