"""Python's cyclic garbage collector, run on the GUI thread only.

Left automatic, the collector runs on whichever thread allocates at the time, so a job thread can
free the last Python reference of a widget and delete it off the GUI thread, which crashes Qt.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer, Slot

#: How often the GUI thread checks whether a collection is due.
CHECK_INTERVAL_MS = 500


def freeze_long_lived() -> None:
    """Move every object alive now out of the collector's reach (`gc.freeze`): what the app
    holds for its whole life (modules, classes, an SDK's types) is then never walked again.
    Garbage among them, if any, is kept: call it where little is."""
    gc.freeze()


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
        """Leave every object alive now out of all later collections (call it once the window
        is up): modules, classes, the window. A full collection walked them all, 36 ms for
        the app's 64,000 objects at start (more with an SDK loaded), on the GUI thread."""
        freeze_long_lived()

    def stop(self) -> None:
        self._timer.stop()
        if self._was_enabled:
            gc.enable()
