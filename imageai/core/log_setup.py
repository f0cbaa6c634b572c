"""Logging to a file in the app's log folder, scrubbed of API keys, for the GUI and the CLI."""

from __future__ import annotations

import logging

from imageai.core.paths import log_dir
from imageai.core.scrub import RedactingFormatter, ScrubbingFilter

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def setup_logging(file_name: str, *, to_stderr: bool = False, verbose: bool = False) -> None:
    """Log to ``<log dir>/<file_name>`` (and stderr when asked); no key ever reaches a log."""
    handlers: list[logging.Handler] = []
    try:
        log_dir().mkdir(parents=True, exist_ok=True)
        handlers.append(logging.FileHandler(log_dir() / file_name, encoding="utf-8"))
    except OSError:
        to_stderr = True  # no writable log folder: keep the messages somewhere
    if to_stderr:
        handlers.append(logging.StreamHandler())
    formatter = RedactingFormatter(LOG_FORMAT)
    for handler in handlers:
        handler.setFormatter(formatter)
        # The filter scrubs the record itself (message, args, traceback text), so a handler
        # added later with its own formatter that sees this record cannot print a key either.
        handler.addFilter(ScrubbingFilter())
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO, handlers=handlers, force=True
    )
