"""`ClipProbe`: a clip's frame rate from ffmpeg, read off the GUI thread and cached."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from PySide6.QtCore import QObject, QThreadPool, Signal

from imageai.core.media import MediaError, probe

log = logging.getLogger(__name__)

#: Used until the probe answers, and for a clip ffmpeg cannot read.
DEFAULT_FPS = 24.0


class ClipProbe(QObject):
    """Answers `fps(path)` from its cache, else probes the clip on a pool thread.

    Signals:
        probed(path, fps): the frame rate of ``path`` is known (emitted on the GUI thread)
    """

    probed = Signal(str, float)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._known: dict[tuple[str, int], float] = {}
        self._pending: set[tuple[str, int]] = set()

    @staticmethod
    def _key(path: Path) -> tuple[str, int] | None:
        try:
            return str(path), os.stat(path).st_mtime_ns
        except OSError:
            return None

    def fps(self, path: Path) -> float | None:
        """The frame rate if it is known; otherwise None, and a probe starts (see `probed`)."""
        key = self._key(path)
        if key is None:
            return None
        if key in self._known:
            return self._known[key]
        if key not in self._pending:
            self._pending.add(key)
            # ffmpeg never runs on the GUI thread; the signal crosses back queued.
            QThreadPool.globalInstance().start(lambda: self._probe(key))
        return None

    def _probe(self, key: tuple[str, int]) -> None:
        try:
            fps = probe(Path(key[0])).fps or DEFAULT_FPS
        except MediaError as exc:
            log.info("cannot read the frame rate of %s: %s", key[0], exc)
            fps = DEFAULT_FPS
        self._known[key] = fps
        self._pending.discard(key)
        try:
            self.probed.emit(key[0], fps)
        except RuntimeError:  # the player was closed while ffmpeg ran
            log.debug("probe of %s finished after its player closed", key[0])
