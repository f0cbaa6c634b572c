"""Ledger spend counts created jobs only, and each append is on disk before the call returns."""

from __future__ import annotations

import json
import os
from typing import TYPE_CHECKING

import pytest

from imageai.core.jobs import JobResult
from imageai.core.ledger import Ledger
from imageai.core.models import ProviderName
from tests.unit.core.test_job_loop import make_request

if TYPE_CHECKING:
    from pathlib import Path


@pytest.mark.parametrize("event", ["intent", "completed", "downloaded", "failed", "webhook"])
def test_only_created_entries_are_spend(tmp_path: Path, event: str) -> None:
    ledger = Ledger(tmp_path / "ledger.jsonl")
    request = make_request(tmp_path)
    ledger.created(request, "job-1", 0.4)
    # A line of another kind carrying an amount (an estimate, a hand edit) is not spend.
    other = {"ts": 2.0, "event": event, "scene_id": "s1", "provider": "animatic", "usd": 0.4}
    with ledger.path.open("a") as f:
        f.write(json.dumps(other) + "\n")
    assert ledger.spent_by_scene() == {"s1": 0.4}
    assert ledger.total_spent() == pytest.approx(0.4)


def test_spend_adds_up_per_scene(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "ledger.jsonl")
    ledger.created(make_request(tmp_path), "job-1", 0.4)
    ledger.created(make_request(tmp_path), "job-2", 0.4)
    ledger.created(make_request(tmp_path, scene_id="s2"), "job-3", 0.8)
    assert ledger.spent_by_scene() == pytest.approx({"s1": 0.8, "s2": 0.8})


def test_every_append_is_fsynced_after_its_line_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ledger = Ledger(tmp_path / "ledger.jsonl")
    request = make_request(tmp_path)
    synced: list[int] = []
    real_fsync = os.fsync

    def recording_fsync(fd: int) -> None:
        # What is on disk when fsync is called: the line must already be written.
        synced.append(ledger.path.read_text().count("\n"))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", recording_fsync)
    ledger.intent(request)
    ledger.created(request, "job-1", 0.4)
    ledger.completed(request, "job-1")
    result = JobResult(
        scene_id="s1", provider=ProviderName.ANIMATIC, job_id="job-1", clip_path=tmp_path / "c.mp4"
    )
    ledger.downloaded(request, result)
    ledger.failed(request, "job-1", "network", "lost")
    ledger.note("s1", "animatic", "job-1", "completed", "webhook")
    assert synced == [1, 2, 3, 4, 5, 6]
