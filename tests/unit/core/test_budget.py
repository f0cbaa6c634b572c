"""Budget reservations: every check counts what queued jobs hold, and no headroom is used twice."""

from __future__ import annotations

import threading

import pytest

from imageai.core.budget import BudgetReservations
from imageai.core.errors import BudgetExceededError


def test_check_counts_the_reservations_of_queued_jobs() -> None:
    held = BudgetReservations()
    held.reserve({"render-s1": 1.0}, spent_usd=0.0, budget_usd=1.2)
    held.check(0.2, spent_usd=0.0, budget_usd=1.2)  # exactly at the budget passes
    with pytest.raises(BudgetExceededError) as info:
        held.check(0.5, spent_usd=0.0, budget_usd=1.2)
    assert info.value.spent_usd == pytest.approx(1.0)


def test_check_counts_spend_too() -> None:
    with pytest.raises(BudgetExceededError):
        BudgetReservations().check(0.5, spent_usd=1.0, budget_usd=1.2)


def test_no_budget_checks_nothing() -> None:
    held = BudgetReservations()
    held.reserve({"a": 100.0})
    held.check(1e6, spent_usd=1e6, budget_usd=None)


def test_reserve_counts_what_is_already_held() -> None:
    held = BudgetReservations()
    held.reserve({"render-s1": 1.0}, spent_usd=0.0, budget_usd=1.2)
    with pytest.raises(BudgetExceededError):
        held.reserve({"render-s2": 0.5}, spent_usd=0.0, budget_usd=1.2)
    assert held.total() == pytest.approx(1.0)  # the refused one holds nothing
    assert held.held() == frozenset({"render-s1"})


def test_two_threads_cannot_both_pass_on_the_same_headroom() -> None:
    held = BudgetReservations()
    barrier = threading.Barrier(8)
    passed: list[str] = []

    def take(key: str) -> None:
        barrier.wait()
        try:
            held.reserve({key: 1.0}, spent_usd=0.0, budget_usd=1.5)
        except BudgetExceededError:
            return
        passed.append(key)

    threads = [threading.Thread(target=take, args=(f"k{i}",)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(passed) == 1


def test_fit_counts_reservations_and_lets_paid_resumes_through() -> None:
    held = BudgetReservations()
    held.reserve({"render-s1": 1.0}, spent_usd=0.0, budget_usd=2.0)
    fits, over = held.fit(
        {"render-s2": 0.6, "render-s3": 0.0, "render-s4": 0.6}, spent_usd=0.2, budget_usd=2.0
    )
    assert fits == ["render-s2", "render-s3"]
    assert over == ["render-s4"]


def test_release_frees_the_headroom() -> None:
    held = BudgetReservations()
    held.reserve({"render-s1": 1.0}, spent_usd=0.0, budget_usd=1.2)
    held.release("render-s1")
    held.reserve({"render-s2": 1.0}, spent_usd=0.0, budget_usd=1.2)
    assert held.total() == pytest.approx(1.0)
