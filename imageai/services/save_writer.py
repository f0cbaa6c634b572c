"""`SaveWriter`: runs file writes one at a time on a background thread, the latest one winning."""

from __future__ import annotations

import contextlib
import logging
import threading
from typing import TYPE_CHECKING, Generic, TypeVar

from PySide6.QtCore import QObject, QThreadPool, Signal, Slot

if TYPE_CHECKING:
    from collections.abc import Callable

log = logging.getLogger(__name__)

T = TypeVar("T")


class _Relay(QObject):
    """Wakes the GUI thread when outcomes wait: emitted on the writer thread, its slot runs on
    the relay's own thread (a queued connection, because the receiver is a QObject there)."""

    ready = Signal()

    def __init__(self, drain: Callable[[], None], parent: QObject | None) -> None:
        super().__init__(parent)
        self._drain = drain
        self.ready.connect(self.drain)

    @Slot()
    def drain(self) -> None:
        self._drain()


class SaveWriter(Generic[T]):
    """Writes in order on one thread at a time; a write asked for before the one queued started
    replaces it (it holds newer state), so a later snapshot is never overwritten by an earlier.

    ``deliver(outcome)`` runs on the thread that made the writer (the GUI thread): on its next
    event loop pass after a write ends, or at once inside `flush`, whichever comes first, and
    once per write that ran. An outcome is the write's return value or the exception it raised.
    The thread is a one-thread `QThreadPool`'s, kept a while between writes: starting a
    Python thread waits until it runs, which took up to 160 ms on two busy CPUs, on the GUI
    thread. `flush` before the app ends (the controller does at quit; a batch's end waits for
    `busy` to turn false on later passes instead).
    """

    def __init__(
        self,
        deliver: Callable[[T | Exception], None],
        name: str = "save-writer",
        parent: QObject | None = None,
    ) -> None:
        """``parent``: the object ``deliver`` belongs to; once it is deleted nothing is
        delivered (a write under way still ends first: its pool waits for it)."""
        self._deliver = deliver
        self._name = name
        self._cond = threading.Condition()
        self._queued: Callable[[], T] | None = None
        self._running = False
        #: Writes asked for, and the number of the last one asked for that has ended (the
        #: ones it replaced ended with it): `wait_written` compares the two.
        self._asked = 0
        self._ended = 0
        self._outcomes: list[T | Exception] = []
        self._relay = _Relay(self._drain, parent)
        self._pool = QThreadPool(self._relay)
        self._pool.setMaxThreadCount(1)

    def submit(self, write: Callable[[], T]) -> None:
        """Run ``write`` after the write under way; it replaces one queued and not started."""
        with self._cond:
            self._queued = write
            self._asked += 1
            if self._running:
                return
            self._running = True
        self._pool.start(self._run)

    def busy(self) -> bool:
        """A write is queued or under way (its outcome not yet written down)."""
        with self._cond:
            return self._running

    def wait_written(self) -> None:
        """Wait (on any thread) until the writes asked for so far have ended; later ones may
        still run. Outcomes are left for the GUI thread."""
        with self._cond:
            target = self._asked
            while self._ended < target:
                self._cond.wait()

    def flush(self) -> None:
        """Wait until every write asked for has ended, then deliver their outcomes here."""
        with self._cond:
            while self._running:
                self._cond.wait()
        self._drain()

    def _run(self) -> None:
        threading.current_thread().name = self._name
        while True:
            with self._cond:
                write, self._queued = self._queued, None
                number = self._asked
                if write is None:
                    self._running = False
                    self._cond.notify_all()
                    return
            outcome: T | Exception
            try:
                outcome = write()
            except Exception as exc:  # noqa: BLE001 - delivered to the GUI thread, which reports it
                outcome = exc
            with self._cond:
                self._outcomes.append(outcome)
                self._ended = number
                self._cond.notify_all()
            # RuntimeError: the owner is being deleted (its pool waits for this write to end):
            # there is nobody left to deliver to.
            with contextlib.suppress(RuntimeError):
                self._relay.ready.emit()

    def _drain(self) -> None:
        with self._cond:
            outcomes, self._outcomes = self._outcomes, []
        for outcome in outcomes:
            self._deliver(outcome)
