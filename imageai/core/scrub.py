"""The one scrubber: text bound for a log, a terminal or a dialog loses every key it holds."""

from __future__ import annotations

import logging
import re
import threading

# Every key the app has read, so text bound for logs and error messages can be scrubbed of it
# even when an API or a library echoes it back.
_known: set[str] = set()
_known_lock = threading.Lock()
#: Shorter values are not scrubbed by value: they would match ordinary words.
MIN_SECRET_LENGTH = 6
REDACTED = "***"
#: A run of key characters this long that is part of a known key goes too, so a key broken
#: across lines (a wrapped log line, a server's formatting) leaves no long piece of itself.
MIN_PIECE_LENGTH = 12
_RUN = re.compile(rf"[A-Za-z0-9_\-]{{{MIN_PIECE_LENGTH},}}")

#: Anything shaped like a key, for keys the app never read (a server echoing another key, a
#: pasted one): OpenAI ``sk-...``, Google ``AIza...``, bearer tokens and webhook secrets.
_KEY_SHAPES = re.compile(
    r"(?<![A-Za-z0-9])sk-[A-Za-z0-9_\-]{8,}"
    r"|(?<![A-Za-z0-9])AIza[A-Za-z0-9_\-]{20,}"
    r"|(?<![A-Za-z0-9])whsec_[A-Za-z0-9+/=_\-]*"
    r"|(?i:\bBearer\s+)[^\s'\",]+"
)


def remember_secret(value: str) -> None:
    """Scrub ``value`` from every text from now on (a key as read from the env or the keyring)."""
    if len(value) >= MIN_SECRET_LENGTH:
        with _known_lock:
            _known.add(value)


def _shape(match: re.Match[str]) -> str:
    text = match.group(0)
    if text.lower().startswith("bearer"):
        return text.split(None, 1)[0] + " " + REDACTED
    return REDACTED


def scrub(text: str) -> str:
    """``text`` with every key the app has read, and anything shaped like a key, as ``***``."""
    with _known_lock:
        known = sorted(_known, key=len, reverse=True)
    for value in known:
        if value in text:
            text = text.replace(value, REDACTED)
    if known:
        text = _RUN.sub(lambda m: _piece(m.group(0), known), text)
    return _KEY_SHAPES.sub(_shape, text)


def _piece(run: str, known: list[str]) -> str:
    return REDACTED if any(run in value for value in known) else run


class ScrubbingFilter(logging.Filter):
    """Rewrites each record so no handler can print a key: message, args and traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # a bad format string: keep its parts, scrubbed
            message = f"{record.msg} {record.args}"
        record.msg = scrub(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = scrub(record.exc_text)
            # The formatter would format the traceback again from exc_info, unscrubbed.
            record.exc_info = None
        if record.stack_info:
            record.stack_info = scrub(record.stack_info)
        return True


class RedactingFormatter(logging.Formatter):
    """A log formatter whose output (message and traceback) never holds a key."""

    def format(self, record: logging.LogRecord) -> str:
        return scrub(super().format(record))
