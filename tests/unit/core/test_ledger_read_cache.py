"""Ledger reads are parsed once per version of the file, and every change is seen."""

from __future__ import annotations

from typing import TYPE_CHECKING

from imageai.core import ledger as ledger_module
from imageai.core.ledger import Ledger
from tests.unit.core.test_job_loop import make_request

if TYPE_CHECKING:
    from pathlib import Path

    import pytest


def _count_parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    parsed: list[str] = []
    real = ledger_module._parse_line

    def counting(text: str) -> ledger_module.LedgerEntry | None:
        parsed.append(text)
        return real(text)

    monkeypatch.setattr(ledger_module, "_parse_line", counting)
    return parsed


def test_reading_an_unchanged_ledger_again_parses_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ledger = Ledger(tmp_path / "ledger.jsonl")
    request = make_request(tmp_path)
    ledger.intent(request)
    ledger.created(request, "job-1", 0.4)
    parsed = _count_parses(monkeypatch)

    first = ledger.entries()
    for _ in range(5):
        assert ledger.entries() == first
        ledger.unsettled_intents()
    assert len(parsed) == 2


def test_a_line_another_process_appends_is_seen(tmp_path: Path) -> None:
    path = tmp_path / "ledger.jsonl"
    ours, theirs = Ledger(path), Ledger(path)  # two processes' views of one file
    request = make_request(tmp_path)
    ours.intent(request)
    assert [e.event for e in ours.entries()] == ["intent"]

    theirs.created(request, "job-1", 0.4)

    assert [e.event for e in ours.entries()] == ["intent", "created"]
    assert ours.total_spent() == 0.4


def test_a_hand_edit_of_the_same_length_is_seen(tmp_path: Path) -> None:
    path = tmp_path / "ledger.jsonl"
    ledger = Ledger(path)
    request = make_request(tmp_path)
    ledger.intent(request)
    ledger.created(request, "job-1", 0.4)
    assert ledger.total_spent() == 0.4
    lines = path.read_text().splitlines()
    text = lines[1].replace('"usd":0.4', '"usd":0.5')
    # Same byte length, written in place (same inode): only the mtime tells the change.
    assert text != lines[1] and len(text) == len(lines[1])
    path.write_text(lines[0] + "\n" + text + "\n")

    assert ledger.total_spent() == 0.5


def test_a_replaced_file_is_read_again(tmp_path: Path) -> None:
    path = tmp_path / "ledger.jsonl"
    ledger = Ledger(path)
    request = make_request(tmp_path)
    ledger.intent(request)
    assert len(ledger.entries()) == 1
    path.unlink()
    assert ledger.entries() == []
    path.write_text("garbage\n")
    assert ledger.read().unreadable == (1,)
