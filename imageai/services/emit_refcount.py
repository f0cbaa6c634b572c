"""WORKAROUND: PySide6 6.12 drops references to `True` (each emit) and `None` (each event loop
pass, each timer start), which aborts a long-running process on Python 3.11."""

from __future__ import annotations

import ctypes
import logging
import sys

from PySide6.QtCore import QCoreApplication, QObject, Signal

log = logging.getLogger(__name__)

#: References added once to each leaking singleton. Python 3.12+ makes ``True``, ``False`` and
#: ``None`` immortal; on 3.11 PySide6 6.12 takes references it never gave (``SignalInstance.emit``
#: one to ``True``, ``QCoreApplication.processEvents`` and timer starts one to ``None``), and when
#: a count reaches zero the process aborts ("Fatal Python error: bool_dealloc" / "none_dealloc"),
#: often mid-render. 2**48 outlasts any session; these are static objects, so only the count
#: changes.
RESERVE = 1 << 48

_applied: set[str] = set()


class _Probe(QObject):
    fired = Signal()


def _loses(target: object, action: object) -> bool:
    assert callable(action)
    losses = 0
    for _ in range(3):  # another thread can move the count; a real leak shows every time
        before = sys.getrefcount(target)
        action()
        losses += sys.getrefcount(target) < before
    return losses == 3


def emit_drops_true() -> bool:
    """Whether this PySide6 loses a reference to ``True`` on each emit."""
    probe = _Probe()
    return _loses(True, probe.fired.emit)


def event_loop_drops_none() -> bool:
    """Whether this PySide6 loses a reference to ``None`` on each pass of the event loop."""
    if QCoreApplication.instance() is None:
        return False  # nothing to probe with yet; `keep_singletons_alive` runs again later
    return _loses(None, QCoreApplication.processEvents)


def _reserve(name: str, target: object) -> None:
    count = ctypes.c_ssize_t.from_address(id(target))  # ob_refcnt, the first field of PyObject
    count.value += RESERVE
    _applied.add(name)
    log.debug("PySide6 drops references to %s: reserved %d", name, RESERVE)


def keep_singletons_alive() -> bool:
    """Give ``True`` and ``None`` the references PySide6 will take, once per process (call it
    once a Qt application exists, before its event loop runs); True if anything was needed."""
    if sys.version_info >= (3, 12):
        return False
    needed = False
    if "True" not in _applied and emit_drops_true():
        _reserve("True", True)
        needed = True
    if "None" not in _applied and event_loop_drops_none():
        _reserve("None", None)
        needed = True
    return needed
