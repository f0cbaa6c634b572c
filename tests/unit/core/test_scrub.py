"""The scrubber: known keys and key-shaped text leave logs, tracebacks and advice as ***."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import pytest

from imageai.core.errors import ErrorKind, JobError
from imageai.core.log_setup import setup_logging
from imageai.core.paths import log_dir
from imageai.core.scrub import remember_secret, scrub
from imageai.services.error_advice import advise

if TYPE_CHECKING:
    from pathlib import Path


@pytest.mark.parametrize(
    "text",
    [
        "Incorrect API key provided: sk-proj-abcdefghij0123456789",
        "key=AIzaSyA1234567890abcdefghijklmnopqrstu",
        "Illegal header value b'Bearer sk-abc\\nother'",
        "secret whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw=",
        "Authorization: bearer ya29.a0AfH6SMBxyz",
    ],
)
def test_key_shaped_text_is_scrubbed_without_being_known(text: str) -> None:
    cleaned = scrub(text)
    assert "***" in cleaned
    for secret in ("abcdefghij0123456789", "1234567890abcdefghij", "MfKQ9r8G", "ya29", "sk-abc"):
        assert secret not in cleaned


def test_ordinary_text_is_left_alone() -> None:
    text = "task-abcdefgh0123 video_123 risk-free models/gemini-omni-1.1-flash"
    assert scrub(text) == text


def test_log_records_are_scrubbed_in_args_and_tracebacks(tmp_path: Path) -> None:
    remember_secret("plain-known-secret-42")
    setup_logging("scrub.log")
    log = logging.getLogger("imageai.test.scrub")
    log.warning("calling with %s and %r", "plain-known-secret-42", {"k": "sk-live-0123456789abc"})
    try:
        raise ValueError("Illegal header value b'Bearer plain-known-secret-42'")
    except ValueError:
        log.exception("request failed")
    for handler in logging.getLogger().handlers:
        handler.flush()
    text = (log_dir() / "scrub.log").read_text(encoding="utf-8")
    assert "request failed" in text and "Traceback" in text
    assert "plain-known-secret-42" not in text
    assert "sk-live-0123456789abc" not in text


def test_a_handler_added_later_cannot_print_a_key(tmp_path: Path) -> None:
    """The filter scrubs the record: a second handler with a plain formatter sees it scrubbed."""
    remember_secret("another-known-secret-7")
    setup_logging("scrub2.log")
    seen: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            seen.append(logging.Formatter().format(record))

    first = logging.getLogger().handlers[0]
    collect = Collect()
    for f in first.filters:
        collect.addFilter(f)
    logging.getLogger().addHandler(collect)
    try:
        try:
            raise RuntimeError("boom another-known-secret-7")
        except RuntimeError:
            logging.getLogger("imageai.x").exception("key %s", "another-known-secret-7")
    finally:
        logging.getLogger().removeHandler(collect)
    assert seen and all("another-known-secret-7" not in s for s in seen)


def test_gui_advice_never_shows_a_key() -> None:
    error = JobError(kind=ErrorKind.UNKNOWN, user_message="Bad key sk-proj-abcdefghij0123456789")
    advice = advise(error)
    assert "sk-proj" not in advice.message and "***" in advice.message


@pytest.mark.parametrize("cut", [12, 17, 23])
def test_a_known_key_split_across_lines_leaves_no_long_piece(
    cut: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A server or a log wrapper may break a long key; each piece is still most of the key.
    from imageai.core import scrub as scrub_module

    monkeypatch.setattr(scrub_module, "_known", set())  # this key is not left for other tests
    key = "gw-Qz7xK2mN9pL4vB8cR1tY6wE3uI5oA0sD"  # a gateway key of no known shape
    remember_secret(key)
    text = scrub(f"bad key {key[:cut]}\n  {key[cut:]} (check it)")
    assert key[:cut] not in text
    assert key[cut:] not in text
    assert text.startswith("bad key ")
    assert text.endswith(" (check it)")
