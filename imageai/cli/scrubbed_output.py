"""Standard output and error pass through the scrubber while a command runs."""

from __future__ import annotations

import contextlib
import sys
from typing import TYPE_CHECKING, Any, TextIO

from imageai.core.scrub import scrub

if TYPE_CHECKING:
    from collections.abc import Iterator


class ScrubbedStream:
    """A text stream whose every write is scrubbed of keys before it reaches the terminal.

    Every command prints through ``print`` (one write per message), so a server's echo of a key
    in an error, a progress line or a JSON event is caught here, whichever command printed it.
    """

    def __init__(self, inner: TextIO) -> None:
        self._inner = inner

    def write(self, text: str) -> int:
        self._inner.write(scrub(text))
        return len(text)

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:  # flush, isatty, encoding, fileno ...
        return getattr(self._inner, name)


@contextlib.contextmanager
def scrubbed_output() -> Iterator[None]:
    """Scrub ``sys.stdout`` and ``sys.stderr`` for the block; restores them after."""
    out, err = sys.stdout, sys.stderr
    sys.stdout = ScrubbedStream(out)
    sys.stderr = ScrubbedStream(err)
    try:
        yield
    finally:
        sys.stdout, sys.stderr = out, err
