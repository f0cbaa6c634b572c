"""A ledger the disk refuses (full, read-only) never loses a paid job: the loop goes on and retries."""

from __future__ import annotations

import errno
import logging
import threading
from typing import TYPE_CHECKING

import pytest

from imageai.core.errors import ErrorKind, JobError, LedgerWriteError
from imageai.core.job_loop import run_job
from imageai.core.jobs import Created, Done, JobRequest, JobResult, Progress
from imageai.core.ledger import Ledger
from imageai.core.models import ProviderName
from tests.fakes.fake_provider import FakeProvider
from tests.unit.core.test_job_loop import make_request

if TYPE_CHECKING:
    from pathlib import Path


class FullDiskLedger(Ledger):
    """A real ledger whose named writes fail with ENOSPC the first ``times`` calls."""

    def __init__(self, path: Path, fail: str, times: int) -> None:
        super().__init__(path)
        self.fail = fail
        self.left = times

    def _refuse(self, event: str) -> None:
        if event == self.fail and self.left > 0:
            self.left -= 1
            raise OSError(errno.ENOSPC, "No space left on device")

    def intent(self, request: JobRequest) -> None:
        self._refuse("intent")
        super().intent(request)

    def created(self, request: JobRequest, job_id: str, billed_usd: float) -> None:
        self._refuse("created")
        super().created(request, job_id, billed_usd)

    def completed(self, request: JobRequest, job_id: str) -> None:
        self._refuse("completed")
        super().completed(request, job_id)

    def downloaded(self, request: JobRequest, result: JobResult) -> None:
        self._refuse("downloaded")
        super().downloaded(request, result)


def test_created_write_fails_once_job_goes_on_and_line_is_written_on_retry(
    tmp_path: Path,
) -> None:
    ledger = FullDiskLedger(tmp_path / "ledger.jsonl", "created", times=1)
    provider = FakeProvider([0.5, "done"], name=ProviderName.VEO)
    events = list(run_job(make_request(tmp_path), provider, threading.Event(), ledger))

    created = next(e for e in events if isinstance(e, Created))
    assert created.job_id == provider.started[0]
    done = events[-1]
    assert isinstance(done, Done) and done.result.clip_path.is_file()
    assert ledger.left == 0  # the write was refused once
    # The created line came on retry, before completed: the job reads as paid and finished.
    lines = [(e.event, e.job_id) for e in ledger.entries()]
    job = created.job_id
    assert lines == [
        ("intent", None),
        ("created", job),
        ("completed", job),
        ("downloaded", job),
    ]
    assert ledger.spent_by_scene() == {"s1": created.billed_usd} and created.billed_usd > 0
    assert not any(isinstance(e, Progress) and "ledger" in e.message for e in events)


def test_ledger_full_to_the_end_keeps_the_clip_and_says_so(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    ledger = FullDiskLedger(tmp_path / "ledger.jsonl", "created", times=99)
    provider = FakeProvider(["done"], name=ProviderName.VEO)
    with caplog.at_level(logging.WARNING):
        events = list(run_job(make_request(tmp_path), provider, threading.Event(), ledger))

    job = provider.started[0]
    assert any(isinstance(e, Created) and e.job_id == job for e in events)
    done = events[-1]
    assert isinstance(done, Done) and done.result.clip_path.is_file()
    warnings = [e.message for e in events if isinstance(e, Progress) and e.message]
    expected = (
        f"Could not write the ledger (No space left on device); the job {job} was kept in "
        "project.json."
    )
    assert any(w.startswith(expected) for w in warnings)
    assert expected in caplog.text
    # Nothing after the refused line was written out of order (completed before created).
    assert [e.event for e in ledger.entries()] == ["intent"]


def test_completed_write_fails_once_later_lines_stay_in_order(tmp_path: Path) -> None:
    ledger = FullDiskLedger(tmp_path / "ledger.jsonl", "completed", times=1)
    provider = FakeProvider(["done"], name=ProviderName.OMNI)
    events = list(run_job(make_request(tmp_path), provider, threading.Event(), ledger))
    assert isinstance(events[-1], Done)
    assert [e.event for e in ledger.entries()] == ["intent", "created", "completed", "downloaded"]


def test_intent_write_failure_sends_nothing_and_is_reported_plainly(tmp_path: Path) -> None:
    ledger = FullDiskLedger(tmp_path / "ledger.jsonl", "intent", times=1)
    provider = FakeProvider(["done"], name=ProviderName.VEO)
    with pytest.raises(LedgerWriteError) as caught:
        list(run_job(make_request(tmp_path), provider, threading.Event(), ledger))
    assert provider.started == []
    error = JobError.from_exception(caught.value)
    assert error.kind is ErrorKind.STORAGE
    assert error.user_message == (
        "Could not write the ledger (No space left on device); nothing was sent to the provider."
    )
    assert "Unexpected" not in error.user_message
