"""The one rule for creates whose outcome was never learned, and the bounded search for their job."""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Protocol, TypeVar, runtime_checkable

from imageai.core.errors import ErrorKind, JobCancelledError, ProviderError

if TYPE_CHECKING:
    import threading
    from collections.abc import Callable, Iterable

    from imageai.core.jobs import JobRequest, StartedJob
    from imageai.core.ledger import LedgerEntry

log = logging.getLogger(__name__)

T = TypeVar("T")

#: Pauses between looks for a lost create's job in a list that may lag behind the create:
#: looks at 0, 1, 3, 6, 11, 19, 32, 47, 62 and 77 s. A list lagging a few seconds (seen on
#: /v1/videos) is outlasted many times over, and the render is held up little more than a minute.
RECONCILE_DELAYS: tuple[float, ...] = (1.0, 2.0, 3.0, 5.0, 8.0, 13.0, 15.0, 15.0, 15.0)


def create_refused(http_status: int) -> bool:
    """An HTTP answer to a create that proves the server turned it away (nothing made or billed),
    for every provider: a 4xx, except 408 (the server gave up reading the request) and 409 (a
    conflict, possibly with this very request). A 5xx, with an error body or not, proves
    nothing: a server can bill the create and then fail. A 429 is a refusal too; whether it
    may be sent again (a rate limit) or not (out of quota) is the provider's to say.
    """
    return 400 <= http_status < 500 and http_status not in (408, 409)


@runtime_checkable
class JobFinder(Protocol):
    """A provider whose API lists its jobs, so a create whose answer was lost can be found."""

    #: Pauses between looks (see `RECONCILE_DELAYS`).
    reconcile_delays: tuple[float, ...]

    def find_existing(self, request: JobRequest, exclude: frozenset[str]) -> StartedJob | None:
        """The job a create of ``request`` made, none of ``exclude`` (jobs of other creates).

        Matched by what the create asked for (model, size, seconds, prompt), never by the
        clock: a server clock behind ours must not hide the job.
        """
        ...


@dataclass(frozen=True)
class OpenIntent:
    """An ``intent`` line whose create has no settled outcome: it may have been billed."""

    entry: LedgerEntry
    #: A failure after it recorded the outcome as unknown: the user was told, and a render the
    #: user asks for again is their word to create anew.
    told: bool = False


def _is_unknown(entry: LedgerEntry) -> bool:
    return entry.detail.startswith(ErrorKind.OUTCOME_UNKNOWN.value)


def open_intents(entries: Iterable[LedgerEntry]) -> list[OpenIntent]:
    """Every intent of the ledger not settled yet, in ledger order.

    The rule, in one place: an intent is settled by the next ``created`` of the same scene and
    fingerprint, or by a sure failure of the create itself (a ``failed`` line without a job
    id whose kind is not outcome_unknown). A failure recorded as outcome_unknown settles
    nothing; it marks the intent as told. Entries of another scene or fingerprint never settle
    it (a remix or edit of the scene has its own fingerprint). A failure without a fingerprint
    (older ledgers wrote them so) applies to the scene's latest open intent. Each settling
    line settles the latest open intent of its key: an earlier one left open was abandoned
    and stays possibly billed.
    """
    stacks: dict[tuple[str, str], list[tuple[int, OpenIntent]]] = {}
    # Keys by their latest intent, for fingerprint-less lines (a dict: moving a key to the end
    # is O(1), so a ledger of tens of thousands of intents is read in linear time).
    order: dict[tuple[str, str], None] = {}
    for position, entry in enumerate(entries):
        key = (entry.scene_id, entry.fingerprint)
        if entry.event == "intent":
            stacks.setdefault(key, []).append((position, OpenIntent(entry)))
            order.pop(key, None)
            order[key] = None
            continue
        if entry.event not in ("created", "failed") or (
            entry.event == "failed" and entry.job_id is not None
        ):
            # A failure of a job that exists comes after its created, which settled the intent.
            continue
        if not entry.fingerprint:
            key = next((k for k in reversed(order) if k[0] == entry.scene_id and stacks[k]), key)
        stack = stacks.get(key)
        if not stack:
            continue
        if entry.event == "failed" and _is_unknown(entry):
            position, intent = stack[-1]
            stack[-1] = (position, replace(intent, told=True))
        else:
            stack.pop()
    return [intent for _, intent in sorted(p for stack in stacks.values() for p in stack)]


def open_intent(
    entries: Iterable[LedgerEntry], scene_id: str, fingerprint: str
) -> OpenIntent | None:
    """The latest open intent of this scene and fingerprint, or None when all are settled."""
    mine = [
        i
        for i in open_intents(entries)
        if i.entry.scene_id == scene_id and i.entry.fingerprint == fingerprint
    ]
    return mine[-1] if mine else None


def last_create_unknown(entries: Iterable[LedgerEntry], scene_id: str, fingerprint: str) -> bool:
    """True when the latest create of this scene and fingerprint has no settled outcome."""
    entries = list(entries)
    last = next(
        (
            e
            for e in reversed(entries)
            if e.event == "intent" and e.scene_id == scene_id and e.fingerprint == fingerprint
        ),
        None,
    )
    found = open_intent(entries, scene_id, fingerprint)
    return last is not None and found is not None and found.entry is last


def open_counts(entries: Iterable[LedgerEntry]) -> dict[str, int]:
    """Per scene id, how many creates are possibly billed: each open intent counts once."""
    counts: dict[str, int] = {}
    for intent in open_intents(entries):
        counts[intent.entry.scene_id] = counts.get(intent.entry.scene_id, 0) + 1
    return counts


def known_job_ids(entries: Iterable[LedgerEntry]) -> frozenset[str]:
    """Every job the ledger gives to some scene: never another create's lost job."""
    return frozenset(e.job_id for e in entries if e.job_id)


def reconcile(
    look: Callable[[], T | None],
    cancel: threading.Event,
    delays: tuple[float, ...] = RECONCILE_DELAYS,
    on_miss: Callable[[int, int], None] | None = None,
    label: str = "lost create",
) -> T | None:
    """Look for a lost create's job until found or ``delays`` run out; None when never found.

    A look that fails (the list could not be read) counts as a miss: the list is a GET, safe to
    repeat, and the create itself is never sent again here.

    Raises:
        JobCancelledError: ``cancel`` was set while waiting; the intent stays open.
    """
    looks = len(delays) + 1
    for number in range(looks):
        try:
            found = look()
        except ProviderError as exc:
            log.info("look %d of %d for a lost create failed: %s", number + 1, looks, exc.kind)
            found = None
        if found is not None:
            return found
        if number == len(delays):
            break
        if on_miss is not None:
            on_miss(number + 1, looks)
        if cancel.wait(delays[number]):
            raise JobCancelledError(label)
    return None
