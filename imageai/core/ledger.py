"""The per-project job ledger: an append-only, fsynced record of every billable step."""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict

from imageai.core import project_files, settling
from imageai.core.job_endpoint import created_on
from imageai.core.money import Money
from imageai.core.path_registry import PathRegistry
from imageai.core.scrub import scrub

if TYPE_CHECKING:
    from pathlib import Path

    from imageai.core.jobs import JobRequest, JobResult
    from imageai.core.models import Project

log = logging.getLogger(__name__)

LEDGER_NAME = "ledger.jsonl"
#: Never write through a link a received project planted; no newline translation on Windows.
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_BINARY = getattr(os, "O_BINARY", 0)


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
    #: Where an intent or create was sent (`job_endpoint.normalized`); a job id means something
    #: only there. Empty: unknown (a line from before it was recorded, or no such notion).
    endpoint: str = ""


@dataclass(frozen=True)
class LedgerRead:
    """What reading ``ledger.jsonl`` found."""

    entries: tuple[LedgerEntry, ...]
    #: Line numbers (from 1) of lines that are not an entry: garbage, a hand edit, a NaN.
    unreadable: tuple[int, ...] = ()
    #: The last line when a crash cut it short mid-append (no newline, not JSON); the next
    #: append moves it to ``ledger.jsonl.torn-<time>``.
    torn_tail: int | None = None


def _is_json(text: str) -> bool:
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


def _parse_line(text: str) -> LedgerEntry | None:
    try:
        # pydantic's own JSON parser: twice as fast as json.loads + model_validate, and it
        # refuses NaN/Infinity literals and nesting past its depth limit as errors.
        return LedgerEntry.model_validate_json(text)
    except (ValueError, TypeError, RecursionError):
        return None


class Ledger:
    """Thread-safe appender and reader of ``ledger.jsonl``; implements the `Journal` protocol.

    Each line is written and fsynced before the call returns, so a crash right after a create
    still leaves the job id on disk to resume from.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        #: The last `read`, keyed by the file's (inode, size, mtime): a plan reads the ledger
        #: several times, and a long-lived project's ledger holds tens of thousands of lines.
        self._read_cache: tuple[tuple[int, int, int], LedgerRead] | None = None

    def _append(self, **fields: Any) -> None:
        # Details can hold an API's own error text, which may echo a key back.
        fields["detail"] = scrub(str(fields.get("detail", "")))
        entry = LedgerEntry(ts=time.time(), **fields)
        line = entry.model_dump_json(exclude_defaults=False) + "\n"
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # A crash can leave a last line without its newline (see `_end_torn_tail`).
            needs_newline = self._end_torn_tail()
            # No-follow: a received project's ledger.jsonl may be a link to a shell start-up file.
            with project_files.open_append(self.path) as out:
                out.write((("\n" if needs_newline else "") + line).encode("utf-8"))
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
            endpoint=request.endpoint,
        )

    def created(self, request: JobRequest, job_id: str, billed_usd: float) -> None:
        self._append(
            event="created",
            scene_id=request.scene_id,
            provider=request.provider.value,
            fingerprint=request.fingerprint(),
            job_id=job_id,
            usd=billed_usd,
            endpoint=request.endpoint,
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

    def created_endpoint(self, job_id: str) -> str:
        """The endpoint ``job_id`` was created on; empty when the ledger does not say."""
        return created_on(self.entries(), job_id)

    # -- reading ------------------------------------------------------------------------------

    def read(self) -> LedgerRead:
        """Every entry, and the numbers of the lines that are not one (none is dropped unsaid)."""
        try:
            stat = os.stat(self.path)
        except FileNotFoundError:
            return LedgerRead(())
        key = (stat.st_ino, stat.st_size, stat.st_mtime_ns)
        cached = self._read_cache
        if cached is not None and cached[0] == key:
            return cached[1]
        with self._lock:
            # Read after the stat: if the file grew in between, the cache holds newer text
            # under the older key, and the next read (a new size) reads it again.
            text = self.path.read_bytes().decode("utf-8", errors="replace")
        # Split on newlines only: str.splitlines() also cuts at U+2028 and U+0085, which JSON
        # strings (a server's error text in ``detail``) may hold unescaped.
        lines = text.split("\n")
        entries: list[LedgerEntry] = []
        unreadable: list[int] = []
        torn: int | None = None
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            entry = _parse_line(line)
            if entry is not None:
                entries.append(entry)
            elif number == len(lines) and not _is_json(line):
                torn = number  # the last line, without its newline: cut short mid-append
            else:
                unreadable.append(number)
        read = LedgerRead(tuple(entries), tuple(unreadable), torn)
        self._read_cache = (key, read)
        return read

    def entries(self) -> list[LedgerEntry]:
        """All readable entries; unreadable lines are logged (see `read` and `unreadable_lines`)."""
        read = self.read()
        for number in read.unreadable:
            log.warning("%s:%d: unreadable ledger line", self.path, number)
        return list(read.entries)

    def unreadable_lines(self) -> tuple[int, ...]:
        """Line numbers (from 1) of lines that are not an entry; a torn last line is not one."""
        return self.read().unreadable

    def _end_torn_tail(self) -> bool:
        """Ready the file's end for an append (called under the lock); True: write a newline first.

        A crash mid-append leaves a last line without its newline. If it is not JSON it was cut
        short: its write never finished, so run_job never went on from it (an intent cut short
        means no create was sent; a ``created`` cut short leaves its intent open, counted as
        possibly billed). It is moved to ``ledger.jsonl.torn-<time>`` rather than left to
        become an unreadable line mid-file, which would block every budgeted render. A
        complete line that only lacks its newline is kept.
        """
        if self.path.is_symlink() or not self.path.exists():
            return False  # the append itself refuses a link
        fd = os.open(self.path, os.O_RDWR | _BINARY | _NOFOLLOW)
        with open(fd, "r+b") as handle:
            size = handle.seek(0, os.SEEK_END)
            if size == 0:
                return False
            handle.seek(size - 1)
            if handle.read(1) == b"\n":
                return False
            start, tail = size, b""
            while start > 0 and b"\n" not in tail:
                start = max(0, start - 4096)
                handle.seek(start)
                tail = handle.read(size - start)
            cut = tail.rfind(b"\n") + 1
            fragment = tail[cut:]
            if not fragment.strip() or _is_json(fragment.decode("utf-8", errors="replace")):
                return True
            self._keep_torn(fragment)
            handle.truncate(start + cut)
            handle.flush()
            os.fsync(handle.fileno())
        return False

    def _keep_torn(self, fragment: bytes) -> None:
        """Save a torn last line beside the ledger (fsynced) before it is cut from it."""
        stamp = time.strftime("%Y%m%d-%H%M%S")
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _BINARY | _NOFOLLOW
        for attempt in range(100):
            name = f"{self.path.name}.torn-{stamp}" + (f"-{attempt}" if attempt else "")
            try:
                fd = os.open(self.path.with_name(name), flags, 0o600)
            except FileExistsError:
                continue
            with open(fd, "wb") as out:
                out.write(fragment)
                out.flush()
                os.fsync(out.fileno())
            log.warning("%s: a torn last line (a crash mid-write) was moved to %s", self.path, name)
            return
        raise FileExistsError(f"{self.path}: no free name for the torn last line")

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

        The rule is `settling.open_intents`; each lost create counts: a scene sent twice with
        both answers lost may be billed twice.
        """
        return settling.open_counts(self.entries())

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
        """The latest open intent of this scene and fingerprint (`settling.open_intent`)."""
        found = settling.open_intent(self.entries(), scene_id, fingerprint)
        return None if found is None else found.entry


# The link itself, never its target: a ledger is its folder's file of that name.
_ledgers: PathRegistry[Ledger] = PathRegistry(
    Ledger, lambda path: path.parent.resolve() / path.name
)


def ledger_for(path: Path) -> Ledger:
    """The one `Ledger` of the file at ``path`` in this process, so its appends share a lock."""
    return _ledgers.get(path)


def reconcile_billed(project: Project, spent: dict[str, float]) -> Project:
    """The project with each scene's billed cost the larger of the ledger's and its own.

    After a crash the ledger can know of creates the project file never saw; an unreadable
    ledger line can hide one the project file saw. Neither figure is ever lowered.
    """
    scenes = tuple(
        scene.model_copy(update={"billed_usd": spent[scene.id]})
        if scene.id in spent and spent[scene.id] > scene.billed_usd + 1e-9
        else scene
        for scene in project.scenes
    )
    return project if scenes == project.scenes else project.model_copy(update={"scenes": scenes})
