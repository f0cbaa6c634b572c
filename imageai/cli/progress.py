"""Render progress on a terminal (one bar per scene) or as JSON lines."""

from __future__ import annotations

import json
import sys
import time
from typing import TYPE_CHECKING, TextIO

from imageai.core.catalog import default_catalog
from imageai.core.errors import ErrorKind
from imageai.core.jobs import Created, Done, Downloading
from imageai.core.models import ProviderName

if TYPE_CHECKING:
    from collections.abc import Mapping
    from pathlib import Path

    from imageai.core.errors import JobError


def retarget_hint(
    kind: ErrorKind,
    provider: ProviderName | None,
    project_dir: Path | None,
    successor: str | None = None,
) -> str:
    """The command that moves the project off a gone model: to its successor when one is
    named (a retired model, Google's 404), else from a retired Sora endpoint to Gemini Omni."""
    where = str(project_dir) if project_dir is not None else "DIR"
    if successor:
        # The server may name a successor before the table retires the model: name it exactly.
        known = [m for m in default_catalog().models if m.id == successor]
        move = (
            f"--provider {known[0].provider.value} --model {successor}" if known else "--successor"
        )
        return (
            f"run `imageai video retarget {where} {move}` to see the move to {successor} "
            "with the cost before and after, then add --yes"
        )
    if kind is not ErrorKind.NOT_FOUND or provider is not ProviderName.SORA:
        return ""
    return (
        f"run `imageai video retarget {where} --provider omni` to render with Gemini Omni instead"
    )


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
        self._state: dict[str, tuple[float, str]] = dict.fromkeys(labels, (-1.0, "queued"))
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


class RenderReport:
    """Reports a render's events as JSON lines (``--json``) or as terminal progress bars."""

    def __init__(
        self,
        labels: dict[str, str],
        *,
        as_json: bool,
        project_dir: Path | None = None,
        providers: Mapping[str, ProviderName] | None = None,
    ) -> None:
        self._labels = labels
        self._project_dir = project_dir
        self._providers = dict(providers or {})
        self._json = JsonEvents() if as_json else None
        self._bar = None if as_json else TerminalProgress(labels)

    def planned(self, scene_ids: list[str], estimate_usd: float) -> None:
        if self._json:
            self._json.emit("plan", scenes=scene_ids, estimate_usd=estimate_usd)
        elif scene_ids:
            print(
                f"Rendering {len(scene_ids)} scene(s), estimated ${estimate_usd:.2f}",
                file=sys.stderr,
            )

    def on_event(self, job_id: str, event: object) -> None:
        if isinstance(event, Created):
            self._emit(
                "created",
                event.scene_id,
                job_id=event.job_id,
                billed_usd=event.billed_usd,
                resumed=event.resumed,
            )
        elif isinstance(event, Downloading):
            self._emit("downloading", event.scene_id, job_id=event.job_id)
            self._draw(event.scene_id, 1.0, "downloading")
        elif isinstance(event, Done):
            self._emit("done", event.result.scene_id, clip=str(event.result.clip_path))
            self._draw(event.result.scene_id, 1.0, "done")

    def on_progress(self, scene_id: str, fraction: float, message: str) -> None:
        self._emit("progress", scene_id, fraction=round(fraction, 3), message=message)
        self._draw(scene_id, fraction, message or "rendering")

    def on_failed(self, scene_id: str, error: JobError) -> None:
        hint = retarget_hint(
            error.kind, self._providers.get(scene_id), self._project_dir, error.successor
        )
        extra = {"hint": hint} if hint else {}
        self._emit("failed", scene_id, kind=error.kind.value, message=error.user_message, **extra)
        if self._bar:
            self._bar.update(scene_id, 0.0, f"failed: {error.kind.value}")
            print(
                f"{self._labels.get(scene_id, scene_id)} failed ({error.kind.value}): "
                f"{error.user_message}" + (f" Hint: {hint}." if hint else ""),
                file=sys.stderr,
            )

    def finished(self, done: int, failed: int, spent_usd: float) -> None:
        if self._json:
            self._json.emit("finished", done=done, failed=failed, spent_usd=spent_usd)
        else:
            print(
                f"Done: {done} of {done + failed} scenes. Spent so far: ${spent_usd:.2f}",
                file=sys.stderr,
            )

    def _emit(self, event: str, scene_id: str, **fields: object) -> None:
        if self._json:
            self._json.emit(event, scene=scene_id, **fields)

    def _draw(self, scene_id: str, fraction: float, status: str) -> None:
        if self._bar:
            self._bar.update(scene_id, fraction, status)
