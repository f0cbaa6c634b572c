"""The ledger survives torn writes and tells which jobs are still open."""

from __future__ import annotations

from typing import TYPE_CHECKING

from imageai.core.ledger import Ledger
from tests.unit.core.test_job_loop import make_request

if TYPE_CHECKING:
    from pathlib import Path


def test_truncated_last_line_is_tolerated(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "ledger.jsonl")
    request = make_request(tmp_path)
    ledger.intent(request)
    ledger.created(request, "job-1", 0.8)
    with ledger.path.open("a") as f:
        f.write('{"ts": 1, "event": "downl')  # a crash mid-write
    assert [e.event for e in ledger.entries()] == ["intent", "created"]
    assert ledger.open_job("s1", request.fingerprint()) == "job-1"
    # Appending after a torn line starts on a new line and keeps everything readable.
    ledger.failed(request, "job-1", "network", "lost")
    assert [e.event for e in ledger.entries()] == ["intent", "created", "failed"]
    assert ledger.open_job("s1", request.fingerprint()) is None
    assert ledger.total_spent() == 0.8


def test_open_job_needs_same_fingerprint(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "ledger.jsonl")
    request = make_request(tmp_path)
    ledger.created(request, "job-1", 0.4)
    changed = make_request(tmp_path, prompt="a different fox")
    assert ledger.open_job("s1", changed.fingerprint()) is None


def test_pending_intent(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "ledger.jsonl")
    request = make_request(tmp_path)
    ledger.intent(request)
    assert ledger.pending_intent("s1", request.fingerprint()) is not None
    ledger.created(request, "job-1", 0.4)
    assert ledger.pending_intent("s1", request.fingerprint()) is None


def test_reconcile_takes_billed_costs_from_the_ledger() -> None:
    from imageai.core.ledger import reconcile_billed
    from imageai.core.models import Project, Scene

    seen, unseen, free = Scene(prompt="a", billed_usd=0.4), Scene(prompt="b"), Scene(prompt="c")
    project = Project(scenes=(seen, unseen, free))
    fixed = reconcile_billed(project, {seen.id: 0.4, unseen.id: 0.8})
    assert [s.billed_usd for s in fixed.scenes] == [0.4, 0.8, 0.0]
    assert reconcile_billed(fixed, {seen.id: 0.4, unseen.id: 0.8}) is fixed


def test_failure_details_are_scrubbed_of_keys(tmp_path: Path) -> None:
    from pydantic import SecretStr

    from imageai.core.secrets import remember_secret

    remember_secret(SecretStr("sk-echoed-key-778899"))
    ledger = Ledger(tmp_path / "ledger.jsonl")
    ledger.failed(
        make_request(tmp_path), "job-1", "invalid_request", "bad key sk-echoed-key-778899"
    )
    text = ledger.path.read_text()
    assert "sk-echoed-key-778899" not in text
    assert "bad key ***" in text
