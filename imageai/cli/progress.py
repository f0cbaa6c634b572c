"""Render progress on a terminal (one bar per scene) or as JSON lines."""

from __future__ import annotations

import json
import sys
import time
from typing import TextIO


class JsonEvents:
    """One JSON object per line on stdout, for scripts."""

    def __init__(self, out: TextIO = sys.stdout) -> None:
        self._out = out

    def emit(self, event: str, **fields: object) -> None:
        self._out.write(json.dumps({"event": event, "ts": round(time.time(), 3), **fields}) + "\n")
        self._out.flush()


class TerminalProgress:
    """A progress line per scene, redrawn in place on a terminal; plain lines otherwise."""

    BAR = 24

    def __init__(self, labels: dict[str, str], out: TextIO = sys.stderr) -> None:
        self._labels = labels
        self._state: dict[str, tuple[float, str]] = {k: (-1.0, "queued") for k in labels}
        self._out = out
        self._tty = out.isatty()
        self._drawn = 0

    def update(self, scene_id: str, fraction: float, status: str) -> None:
        if scene_id not in self._state:
            return
        previous = self._state[scene_id]
        self._state[scene_id] = (fraction, status)
        if self._tty:
            self._redraw()
        elif previous[1] != status:
            self._out.write(f"{self._labels[scene_id]}: {status}\n")
            self._out.flush()

    def _redraw(self) -> None:
        if self._drawn:
            self._out.write(f"\x1b[{self._drawn}F")
        for scene_id, (fraction, status) in self._state.items():
            filled = int(self.BAR * max(0.0, fraction))
            bar = "#" * filled + "-" * (self.BAR - filled) if fraction >= 0 else "." * self.BAR
            pct = f"{fraction * 100:3.0f}%" if fraction >= 0 else "  ? "
            self._out.write(f"\x1b[2K{self._labels[scene_id]:<10} [{bar}] {pct} {status}\n")
        self._drawn = len(self._state)
        self._out.flush()
