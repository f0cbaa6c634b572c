"""Paid jobs a provider's endpoint still holds for a project: created or sent, never fetched."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from imageai.core import settling

if TYPE_CHECKING:
    from collections.abc import Iterable

    from imageai.core.ledger import LedgerEntry


@dataclass(frozen=True)
class OpenJob:
    """A create of ``scene_id`` that may be paid and whose clip is not in the project yet."""

    scene_id: str
    #: None: the create's answer was lost, so only the endpoint's list can tell its id.
    job_id: str | None


def open_jobs(entries: Iterable[LedgerEntry], provider: str) -> list[OpenJob]:
    """``provider``'s jobs the ledger shows created but neither downloaded nor failed, and its
    creates whose outcome is unknown (`settling.open_intents`), in ledger order.

    A job id means something only to the endpoint that made it: polled elsewhere it is "not
    found", and the scene would be created (paid) again.
    """
    entries = list(entries)
    created: dict[str, str] = {}
    for entry in entries:
        if entry.provider != provider or entry.job_id is None:
            continue
        if entry.event == "created":
            created[entry.job_id] = entry.scene_id
        elif entry.event in ("downloaded", "failed"):
            created.pop(entry.job_id, None)
    unknown = [
        OpenJob(i.entry.scene_id, None)
        for i in settling.open_intents(entries)
        if i.entry.provider == provider
    ]
    return [OpenJob(scene, job) for job, scene in created.items()] + unknown
