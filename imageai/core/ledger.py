"""The per-project job ledger: an append-only, fsynced record of every billable step."""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict

from imageai.core.errors import ErrorKind
from imageai.core.money import Money
from imageai.core.secrets import scrub

if TYPE_CHECKING:
    from pathlib import Path

    from imageai.core.jobs import JobRequest, JobResult
    from imageai.core.models import Project

log = logging.getLogger(__name__)

LEDGER_NAME = "ledger.jsonl"


class LedgerEntry(BaseModel):
    """One line of the ledger."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    ts: float
    event: str  # intent | created | completed | downloaded | failed
    scene_id: str
    provider: str
    fingerprint: str = ""
    job_id: str | None = None
    usd: Money = 0.0  # a NaN or negative amount makes the line unreadable
    detail: str = ""


class Ledger:
    """Thread-safe appender and reader of ``ledger.jsonl``; implements the `Journal` protocol.

    Each line is written and fsynced before the call returns, so a crash right after a create
    still leaves the job id on disk to resume from.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()

    def _append(self, **fields: Any) -> None:
        # Details can hold an API's own error text, which may echo a key back.
        fields["detail"] = scrub(str(fields.get("detail", "")))
        entry = LedgerEntry(ts=time.time(), **fields)
        line = entry.model_dump_json(exclude_defaults=False) + "\n"
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # A crash can leave a last line without its newline; start on a fresh line.
            needs_newline = False
            if self.path.exists() and self.path.stat().st_size:
                with self.path.open("rb") as existing:
                    existing.seek(-1, os.SEEK_END)
                    needs_newline = existing.read(1) != b"\n"
            with self.path.open("a", encoding="utf-8") as out:
                out.write(("\n" if needs_newline else "") + line)
                out.flush()
                os.fsync(out.fileno())

    # -- Journal protocol --------------------------------------------------------------------

    def intent(self, request: JobRequest) -> None:
        self._append(
            event="intent",
            scene_id=request.scene_id,
            provider=request.provider.value,
            fingerprint=request.fingerprint(),
            detail=request.spec.describe(),
        )

    def created(self, request: JobRequest, job_id: str, billed_usd: float) -> None:
        self._append(
            event="created",
            scene_id=request.scene_id,
            provider=request.provider.value,
            fingerprint=request.fingerprint(),
            job_id=job_id,
            usd=billed_usd,
        )

    def completed(self, request: JobRequest, job_id: str) -> None:
        self._append(
            event="completed",
            scene_id=request.scene_id,
            provider=request.provider.value,
            job_id=job_id,
        )

    def downloaded(self, request: JobRequest, result: JobResult) -> None:
        self._append(
            event="downloaded",
            scene_id=request.scene_id,
            provider=request.provider.value,
            job_id=result.job_id,
            detail=str(result.clip_path),
        )

    def failed(self, request: JobRequest, job_id: str | None, kind: str, message: str) -> None:
        self._append(
            event="failed",
            scene_id=request.scene_id,
            provider=request.provider.value,
            fingerprint=request.fingerprint(),
            job_id=job_id,
            detail=f"{kind}: {message}",
        )

    def note(self, scene_id: str, provider: str, job_id: str, event: str, detail: str) -> None:
        """Record an outside report about a job (e.g. a webhook saying it completed)."""
        self._append(
            event=event, scene_id=scene_id, provider=provider, job_id=job_id, detail=detail
        )

    # -- reading ------------------------------------------------------------------------------

    def entries(self) -> list[LedgerEntry]:
        """All readable entries; a torn or corrupt line (from a crash) is skipped and logged."""
        if not self.path.exists():
            return []
        result: list[LedgerEntry] = []
        with self._lock:
            lines = self.path.read_text(encoding="utf-8", errors="replace").splitlines()
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                result.append(LedgerEntry.model_validate(json.loads(line)))
            except (ValueError, TypeError):
                log.warning("%s:%d: unreadable ledger line skipped", self.path, number)
        return result

    def spent_by_scene(self) -> dict[str, float]:
        """Billed USD per scene id: every create the provider accepted."""
        spent: dict[str, float] = {}
        for entry in self.entries():
            if entry.event == "created":
                spent[entry.scene_id] = round(spent.get(entry.scene_id, 0.0) + entry.usd, 4)
        return spent

    def total_spent(self) -> float:
        return round(sum(self.spent_by_scene().values()), 4)

    def unsettled_intents(self) -> dict[str, int]:
        """Per scene id, how many creates were sent without a settled outcome ("possibly billed").

        An intent is settled by a ``created`` of its fingerprint, or by a sure failure of the
        create itself (no job id); a failure recorded as outcome_unknown settles nothing. Each
        lost create counts: a scene sent twice with both answers lost may be billed twice.
        """
        pending: dict[tuple[str, str], int] = {}
        for entry in self.entries():
            key = (entry.scene_id, entry.fingerprint)
            if entry.event == "intent":
                pending[key] = pending.get(key, 0) + 1
            elif entry.event == "created" or (
                entry.event == "failed"
                and entry.job_id is None
                and not entry.detail.startswith(ErrorKind.OUTCOME_UNKNOWN.value)
            ):
                if entry.fingerprint == "":  # older ledgers wrote failures without one
                    key = next((k for k in reversed(pending) if k[0] == entry.scene_id), key)
                if pending.get(key, 0) > 0:
                    pending[key] -= 1
        counts: dict[str, int] = {}
        for (scene_id, _), count in pending.items():
            if count:
                counts[scene_id] = counts.get(scene_id, 0) + count
        return counts

    def open_job(self, scene_id: str, fingerprint: str) -> str | None:
        """A created job for this scene and fingerprint that never finished: resume it."""
        open_jobs: dict[str, str] = {}
        for entry in self.entries():
            if entry.scene_id != scene_id or entry.job_id is None:
                continue
            if entry.event == "created" and entry.fingerprint == fingerprint:
                open_jobs[entry.job_id] = fingerprint
            elif entry.event in ("downloaded", "failed"):
                open_jobs.pop(entry.job_id, None)
        return next(reversed(open_jobs), None) if open_jobs else None

    def pending_intent(self, scene_id: str, fingerprint: str) -> LedgerEntry | None:
        """The last intent for this fingerprint not followed by a created or failed entry.

        Variations of one scene are created side by side, so only an entry of the same
        fingerprint settles an intent (or one without any, as older ledgers wrote failures).
        """
        pending: LedgerEntry | None = None
        for entry in self.entries():
            if entry.scene_id != scene_id or entry.fingerprint not in ("", fingerprint):
                continue
            if entry.event == "intent" and entry.fingerprint == fingerprint:
                pending = entry
            elif entry.event in ("created", "failed") and pending is not None:
                pending = None
        return pending


_ledgers: dict[Path, Ledger] = {}
_ledgers_lock = threading.Lock()


def ledger_for(path: Path) -> Ledger:
    """The one `Ledger` of the file at ``path`` in this process, so its appends share a lock."""
    key = path.resolve()
    with _ledgers_lock:
        ledger = _ledgers.get(key)
        if ledger is None:
            ledger = _ledgers[key] = Ledger(key)
        return ledger


def reconcile_billed(project: Project, spent: dict[str, float]) -> Project:
    """The project with each scene's billed cost taken from the ledger, the record of spend.

    After a crash the ledger can know of creates the project file never saw; it wins.
    """
    scenes = tuple(
        scene.model_copy(update={"billed_usd": spent[scene.id]})
        if scene.id in spent and abs(spent[scene.id] - scene.billed_usd) > 1e-9
        else scene
        for scene in project.scenes
    )
    return project if scenes == project.scenes else project.model_copy(update={"scenes": scenes})
