"""`env_number`: a tuning variable is used when it is a finite number in range, else ignored aloud."""

from __future__ import annotations

import logging

import pytest

from imageai.core.env_numbers import env_number

NAME = "IMAGEAI_SOME_SECONDS"


def test_unset_gives_the_default_quietly(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        assert env_number({}, NAME, 5.0) == 5.0
    assert caplog.records == []


@pytest.mark.parametrize(("raw", "value"), [("0.25", 0.25), (" 3 ", 3.0), ("1e2", 100.0)])
def test_a_finite_positive_number_is_taken(raw: str, value: float) -> None:
    assert env_number({NAME: raw}, NAME, 5.0) == value
    assert env_number({NAME: raw}, NAME, 5.0, zero_ok=True) == value


@pytest.mark.parametrize("raw", ["", "   ", "soon", "1,5", "inf", "-inf", "nan", "-1", "-0.5", "0"])
def test_anything_else_is_ignored_with_a_warning(
    raw: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING):
        assert env_number({NAME: raw}, NAME, 5.0) == 5.0
    assert [r.getMessage() for r in caplog.records] == [
        f"ignoring {NAME}={raw!r}: not a number > 0"
    ]


def test_zero_is_taken_only_when_allowed(caplog: pytest.LogCaptureFixture) -> None:
    assert env_number({NAME: "0"}, NAME, 5.0, zero_ok=True) == 0.0
    with caplog.at_level(logging.WARNING):
        assert env_number({NAME: "-0.5"}, NAME, 5.0, zero_ok=True) == 5.0
        assert env_number({NAME: "nan"}, NAME, 5.0, zero_ok=True) == 5.0
    assert [r.getMessage() for r in caplog.records] == [
        f"ignoring {NAME}='-0.5': not a number >= 0",
        f"ignoring {NAME}='nan': not a number >= 0",
    ]
