"""Python's cyclic garbage collector, run on the GUI thread only.

Left automatic, the collector runs on whichever thread allocates at the time, so a job thread can
free the last Python reference of a widget and delete it off the GUI thread, which crashes Qt.
"""

from __future__ import annotations

import gc
import threading

from PySide6.QtCore import QObject, QTimer, Slot

#: How often the GUI thread checks whether a collection is due.
CHECK_INTERVAL_MS = 500


#: Set by `ask_to_freeze` (any thread); the collector freezes on the GUI thread's next check.
_freeze_asked = threading.Event()


def ask_to_freeze() -> None:
    """Have the running `GuiGarbageCollector` freeze what is alive at its next check (from any
    thread: an SDK just imported). Without one (tests, the CLI) nothing happens."""
    _freeze_asked.set()


class GuiGarbageCollector(QObject):
    """Turns automatic collection off and collects from a GUI-thread timer instead."""

    def __init__(self, parent: QObject | None = None, interval_ms: int = CHECK_INTERVAL_MS) -> None:
        super().__init__(parent)
        self._was_enabled = gc.isenabled()
        gc.disable()
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._on_timer_timeout)
        self._timer.start()

    @Slot()
    def _on_timer_timeout(self) -> None:
        if _freeze_asked.is_set():
            _freeze_asked.clear()
            # The young generations first (about 1 ms): fresh cyclic garbage is not frozen.
            # Not a full collection: tens of ms on the GUI thread, at no chosen moment.
            gc.collect(1)
            gc.freeze()
            return
        # Collect the oldest generation whose allocation count passed its threshold, as the
        # automatic collector would.
        counts, thresholds = gc.get_count(), gc.get_threshold()
        generation = -1
        for index in range(3):
            if counts[index] > thresholds[index]:
                generation = index
        if generation >= 0:
            gc.collect(generation)

    def freeze_long_lived(self) -> None:
        """Collect, then leave every object alive out of all later collections (call it once,
        when the window is up): modules, classes, the window. A full collection walked them
        all, 36 ms for the app's 64,000 objects at start (more with an SDK), on the GUI
        thread, each time."""
        gc.collect()
        gc.freeze()

    def stop(self) -> None:
        self._timer.stop()
        if self._was_enabled:
            gc.enable()
