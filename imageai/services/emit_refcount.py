"""WORKAROUND: PySide6 6.12's `SignalInstance.emit` drops a reference to `True` on every call."""

from __future__ import annotations

import ctypes
import logging
import sys

from PySide6.QtCore import QObject, Signal

log = logging.getLogger(__name__)

#: References added to ``True`` once. Python 3.12+ makes ``True`` immortal; on 3.11 each emit
#: takes one reference it never gave, and when the count reaches zero the process aborts
#: ("Fatal Python error: bool_dealloc") after a few thousand emits, often mid-render. 2**48
#: emits outlast any session; ``True`` is a static object, so the count is all that changes.
RESERVE = 1 << 48

_applied = False


class _Probe(QObject):
    fired = Signal()


def emit_drops_true() -> bool:
    """Whether this PySide6 loses a reference to ``True`` on each emit."""
    probe = _Probe()
    losses = 0
    for _ in range(3):  # another thread can move the count; a real leak shows every time
        before = sys.getrefcount(True)
        probe.fired.emit()
        losses += sys.getrefcount(True) < before
    return losses == 3


def keep_true_alive() -> bool:
    """Give ``True`` the references emits will take, once per process; True if it was needed."""
    global _applied
    if _applied or sys.version_info >= (3, 12) or not emit_drops_true():
        return False
    count = ctypes.c_ssize_t.from_address(id(True))  # ob_refcnt, the first field of PyObject
    count.value += RESERVE
    _applied = True
    log.debug("PySide6 emit drops a reference to True: reserved %d", RESERVE)
    return True
