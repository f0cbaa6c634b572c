"""The one settling rule for creates whose outcome was never learned, and every caller using it."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from imageai.core import remix_plan, settling
from imageai.core.errors import JobCancelledError, NetworkError
from imageai.core.ledger import Ledger, LedgerEntry
from tests.unit.core.test_job_loop import make_request

if TYPE_CHECKING:
    from pathlib import Path

    from imageai.core.jobs import JobRequest

UNKNOWN = "outcome_unknown"


def _ledger(tmp_path: Path) -> Ledger:
    path = tmp_path / "ledger.jsonl"
    path.unlink(missing_ok=True)
    return Ledger(path)


def _open(ledger: Ledger) -> list[tuple[str, str, bool]]:
    return [
        (i.entry.scene_id, i.entry.fingerprint, i.told)
        for i in settling.open_intents(ledger.entries())
    ]


def test_intent_then_created_is_settled(tmp_path: Path) -> None:
    ledger, request = _ledger(tmp_path), make_request(tmp_path)
    ledger.intent(request)
    ledger.created(request, "job-1", 0.4)
    assert _open(ledger) == []


def test_intent_then_sure_failure_is_settled(tmp_path: Path) -> None:
    ledger, request = _ledger(tmp_path), make_request(tmp_path)
    ledger.intent(request)
    ledger.failed(request, None, "rate_limit", "429: nothing was created")
    assert _open(ledger) == []


def test_intent_then_outcome_unknown_failure_stays_open_and_told(tmp_path: Path) -> None:
    ledger, request = _ledger(tmp_path), make_request(tmp_path)
    ledger.intent(request)
    assert _open(ledger) == [("s1", request.fingerprint(), False)]
    ledger.failed(request, None, UNKNOWN, "the answer was lost")
    assert _open(ledger) == [("s1", request.fingerprint(), True)]
    # Before one rule, pending_intent called this settled (so a remix never looked for it).
    assert ledger.pending_intent("s1", request.fingerprint()) is not None
    assert ledger.unsettled_intents() == {"s1": 1}


def test_intents_of_two_fingerprints_settle_apart(tmp_path: Path) -> None:
    ledger = _ledger(tmp_path)
    render, other = make_request(tmp_path), make_request(tmp_path, prompt="a different fox")
    ledger.intent(render)
    ledger.intent(other)
    ledger.created(other, "job-other", 0.4)
    assert _open(ledger) == [("s1", render.fingerprint(), False)]
    ledger.failed(other, None, "network", "refused before sending")  # nothing left to settle
    assert _open(ledger) == [("s1", render.fingerprint(), False)]


def test_a_created_of_another_scene_never_settles_this_one(tmp_path: Path) -> None:
    ledger, request = _ledger(tmp_path), make_request(tmp_path)
    elsewhere = request.model_copy(update={"scene_id": "s2"})
    ledger.intent(request)
    ledger.created(elsewhere, "job-s2", 0.4)
    assert _open(ledger) == [("s1", request.fingerprint(), False)]


def test_a_failure_of_a_created_job_settles_no_other_intent(tmp_path: Path) -> None:
    ledger, request = _ledger(tmp_path), make_request(tmp_path)
    ledger.intent(request)
    ledger.created(request, "job-1", 0.4)
    ledger.intent(request)  # the scene again, e.g. after the job expired
    ledger.failed(request, "job-1", "not_found", "the old job is gone")
    assert _open(ledger) == [("s1", request.fingerprint(), False)]


def test_a_settling_line_settles_the_latest_open_intent(tmp_path: Path) -> None:
    ledger, request = _ledger(tmp_path), make_request(tmp_path)
    ledger.intent(request)
    ledger.failed(request, None, UNKNOWN, "lost")
    ledger.intent(request)  # the user's word: sent again
    ledger.created(request, "job-2", 0.4)
    (left,) = settling.open_intents(ledger.entries())
    assert left.told  # the first, lost create stays possibly billed
    assert ledger.unsettled_intents() == {"s1": 1}
    # ... but the latest create of the request is known: nothing waits for the user's word.
    assert not remix_plan.outcome_unknown(ledger, "s1", request.fingerprint())


def test_known_job_ids_are_every_job_of_any_scene(tmp_path: Path) -> None:
    ledger, request = _ledger(tmp_path), make_request(tmp_path)
    ledger.created(request, "job-1", 0.4)
    ledger.created(request.model_copy(update={"scene_id": "s2"}), "job-2", 0.4)
    assert settling.known_job_ids(ledger.entries()) == {"job-1", "job-2"}


# ---- every caller gives the same answer ----------------------------------------------------

EVENTS = st.lists(
    st.tuples(
        st.sampled_from(["intent", "created", "sure", "unknown", "job_failed"]),
        st.integers(0, 1),  # which scene
        st.integers(0, 1),  # which prompt (fingerprint)
    ),
    max_size=12,
)


def _write(ledger: Ledger, tmp_path: Path, events: list[tuple[str, int, int]]) -> list[JobRequest]:
    requests = [
        make_request(tmp_path, prompt=f"prompt {p}").model_copy(update={"scene_id": f"s{s}"})
        for s in range(2)
        for p in range(2)
    ]
    for n, (event, scene, prompt) in enumerate(events):
        request = requests[scene * 2 + prompt]
        if event == "intent":
            ledger.intent(request)
        elif event == "created":
            ledger.created(request, f"job-{n}", 0.4)
        elif event == "sure":
            ledger.failed(request, None, "rate_limit", "nothing created")
        elif event == "unknown":
            ledger.failed(request, None, UNKNOWN, "lost")
        else:
            ledger.failed(request, f"job-{n}", "not_found", "gone")
    return requests


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(events=EVENTS)
def test_ledger_budget_remix_and_recovery_use_one_rule(
    tmp_path: Path, events: list[tuple[str, int, int]]
) -> None:
    ledger = _ledger(tmp_path)
    requests = _write(ledger, tmp_path, events)
    entries = ledger.entries()
    open_ = settling.open_intents(entries)
    counts: dict[str, int] = {}
    for intent in open_:
        counts[intent.entry.scene_id] = counts.get(intent.entry.scene_id, 0) + 1
    assert ledger.unsettled_intents() == counts
    for request in requests:
        fp = request.fingerprint()
        mine = [
            i for i in open_ if (i.entry.scene_id, i.entry.fingerprint) == (request.scene_id, fp)
        ]
        pending = ledger.pending_intent(request.scene_id, fp)
        assert pending == (mine[-1].entry if mine else None)
        found = settling.open_intent(entries, request.scene_id, fp)
        assert found == (mine[-1] if mine else None)
        # Waiting for the user's word implies an open intent of this very request.
        if remix_plan.outcome_unknown(ledger, request.scene_id, fp):
            assert mine


def test_open_intents_of_a_ledger_line_by_line(tmp_path: Path) -> None:
    """A hand-written ledger, as older versions wrote it, read through the rule."""
    lines = [
        LedgerEntry(ts=1, event="intent", scene_id="a", provider="sora", fingerprint="f"),
        LedgerEntry(ts=2, event="intent", scene_id="b", provider="sora", fingerprint="g"),
        LedgerEntry(ts=3, event="created", scene_id="b", provider="sora", fingerprint="g",
                    job_id="j"),
        LedgerEntry(ts=4, event="failed", scene_id="a", provider="sora", detail="network: x"),
    ]  # fmt: skip
    assert settling.open_intents(lines) == []


# ---- the bounded search -----------------------------------------------------------------


def test_reconcile_looks_until_found_counting_failed_looks_as_misses() -> None:
    answers: list[object] = [None, NetworkError("list unreadable"), None, "job-9"]

    def look() -> str | None:
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer if isinstance(answer, str) else None

    misses: list[tuple[int, int]] = []
    found = settling.reconcile(
        look, threading.Event(), (0.0, 0.0, 0.0, 0.0), on_miss=lambda n, of: misses.append((n, of))
    )
    assert found == "job-9"
    assert misses == [(1, 5), (2, 5), (3, 5)]


def test_reconcile_gives_up_after_its_looks() -> None:
    looks: list[int] = []
    assert settling.reconcile(lambda: looks.append(1), threading.Event(), (0.0, 0.0)) is None
    assert len(looks) == 3


def test_reconcile_stops_at_once_on_cancel() -> None:
    cancel = threading.Event()
    cancel.set()
    looks: list[int] = []
    with pytest.raises(JobCancelledError):
        settling.reconcile(lambda: looks.append(1), cancel, (3600.0,))
    assert looks == [1]


def test_the_default_search_outlasts_a_list_lagging_a_minute() -> None:
    assert 60 <= sum(settling.RECONCILE_DELAYS) <= 90


@pytest.mark.parametrize(
    ("status", "refused"),
    [(400, True), (401, True), (403, True), (404, True), (422, True), (429, True),
     (408, False), (409, False), (500, False), (502, False), (503, False), (200, False)],
)  # fmt: skip
def test_only_a_4xx_other_than_408_and_409_proves_a_create_was_refused(
    status: int, refused: bool
) -> None:
    assert settling.create_refused(status) is refused
