"""Unreadable ledger lines are reported, never silently dropped; a torn last line is set aside."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from imageai.core.errors import ValidationError
from imageai.core.ledger import Ledger
from tests.unit.core.test_job_loop import make_request

if TYPE_CHECKING:
    from pathlib import Path


def _line(**fields: object) -> str:
    base = {"ts": 1.0, "event": "created", "scene_id": "s1", "provider": "animatic"}
    return json.dumps({**base, **fields}) + "\n"


def test_garbage_line_mid_file_is_reported_with_its_number(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "ledger.jsonl")
    ledger.path.write_text(
        _line(event="intent") + _line(job_id="j1", usd=0.4) + "garbage\n" + _line(job_id="j2")
    )
    read = ledger.read()
    assert read.unreadable == (3,)
    assert read.torn_tail is None
    assert [e.job_id for e in read.entries] == [None, "j1", "j2"]
    assert ledger.unreadable_lines() == (3,)


@pytest.mark.parametrize("usd", ['"NaN"', "NaN", "Infinity", '"-1"', "1e400"])
def test_a_line_with_a_non_finite_usd_is_unreadable_not_free(tmp_path: Path, usd: str) -> None:
    ledger = Ledger(tmp_path / "ledger.jsonl")
    bad = _line(job_id="j2").replace('"job_id": "j2"', f'"job_id": "j2", "usd": {usd}')
    ledger.path.write_text(_line(job_id="j1", usd=0.4) + bad + _line(job_id="j3", usd=0.4))
    assert ledger.unreadable_lines() == (2,)
    assert ledger.total_spent() == pytest.approx(0.8)


def test_torn_last_line_is_not_unreadable_and_is_set_aside_by_the_next_append(
    tmp_path: Path,
) -> None:
    ledger = Ledger(tmp_path / "ledger.jsonl")
    request = make_request(tmp_path)
    ledger.intent(request)
    with ledger.path.open("a") as f:
        f.write('{"ts": 1, "event": "crea')  # killed mid-append
    read = ledger.read()
    assert read.unreadable == ()
    assert read.torn_tail == 2

    ledger.created(request, "job-1", 0.4)
    assert ledger.read().torn_tail is None
    assert ledger.unreadable_lines() == ()
    assert [e.event for e in ledger.entries()] == ["intent", "created"]
    kept = list(tmp_path.glob("ledger.jsonl.torn-*"))
    assert len(kept) == 1
    assert kept[0].read_text() == '{"ts": 1, "event": "crea'


def test_complete_last_line_without_newline_is_kept(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "ledger.jsonl")
    ledger.path.write_text(_line(job_id="j1", usd=0.4).rstrip("\n"))
    assert ledger.read().torn_tail is None
    ledger.created(make_request(tmp_path), "job-2", 0.4)
    assert [e.job_id for e in ledger.entries()] == ["j1", "job-2"]
    assert ledger.unreadable_lines() == ()
    assert not list(tmp_path.glob("ledger.jsonl.torn-*"))


def test_garbage_last_line_that_is_json_but_not_an_entry_stays_unreadable(
    tmp_path: Path,
) -> None:
    # Valid JSON is never a torn write: a hand-edited NaN stays and blocks the budget.
    ledger = Ledger(tmp_path / "ledger.jsonl")
    ledger.path.write_text(_line(job_id="j1", usd=0.4) + '{"usd": "NaN"}')
    assert ledger.read().torn_tail is None
    ledger.created(make_request(tmp_path), "job-2", 0.4)
    assert ledger.unreadable_lines() == (2,)


def test_setting_aside_a_torn_tail_does_not_follow_a_symlink(tmp_path: Path) -> None:
    outside = tmp_path / "outside.txt"
    outside.write_text("precious\nhalf a line")
    folder = tmp_path / "film"
    folder.mkdir()
    (folder / "ledger.jsonl").symlink_to(outside)
    ledger = Ledger(folder / "ledger.jsonl")
    with pytest.raises((OSError, ValidationError)):
        ledger.created(make_request(tmp_path), "job-1", 0.4)
    assert outside.read_text() == "precious\nhalf a line"


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=300))
def test_reading_any_bytes_never_raises_and_accounts_for_every_line(
    tmp_path: Path, data: bytes
) -> None:
    path = tmp_path / "ledger.jsonl"
    path.write_bytes(data)
    read = Ledger(path).read()
    lines = [
        n for n, text in enumerate(data.decode("utf-8", "replace").split("\n"), 1) if text.strip()
    ]
    counted = len(read.entries) + len(read.unreadable) + (read.torn_tail is not None)
    assert counted == len(lines)


def test_a_line_separator_inside_a_detail_does_not_split_the_line(tmp_path: Path) -> None:
    # U+2028 and U+0085 are line breaks to str.splitlines() but plain characters in JSON.
    ledger = Ledger(tmp_path / "ledger.jsonl")
    request = make_request(tmp_path)
    ledger.failed(request, "job-1", "unknown", "server said\u2028no\x85really")
    ledger.created(request, "job-2", 0.4)
    assert ledger.unreadable_lines() == ()
    assert [e.event for e in ledger.entries()] == ["failed", "created"]
