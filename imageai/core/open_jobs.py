"""Paid jobs a provider's endpoint still holds for a project: created or sent, never fetched."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from imageai.core import settling
from imageai.core.shot import resolve

if TYPE_CHECKING:
    from collections.abc import Iterable

    from imageai.core.ledger import LedgerEntry
    from imageai.core.models import Project


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


def left_behind(
    entries: Iterable[LedgerEntry], before: Project, after: Project
) -> list[tuple[int, OpenJob]]:
    """(scene number, job) for each open job of a scene whose provider ``after`` changes:
    the job's clip would never be fetched, and the scene would be paid for again."""
    entries = list(entries)
    moved = {
        scene.id: resolve(before, scene).provider.value
        for scene, changed in zip(before.scenes, after.scenes, strict=True)
        if resolve(before, scene).provider is not resolve(after, changed).provider
    }
    found: list[tuple[int, OpenJob]] = []
    for provider in sorted(set(moved.values())):
        for job in open_jobs(entries, provider):
            if moved.get(job.scene_id) == provider:
                found.append((before.index_of(job.scene_id) + 1, job))
    return found
