"""One object per file or folder in this process, whatever the spelling of its path."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Generic, TypeVar

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

T = TypeVar("T")


class PathRegistry(Generic[T]):
    """Makes one ``T`` per canonical path (``canonical(path)``) and hands it out again.

    Each absolute spelling is canonicalised once: callers ask per job and per event, and a
    resolve walks every component with lstat (10 ms for one press of Render). A relative
    spelling follows the working folder, so it is canonicalised at each ask.
    """

    def __init__(self, make: Callable[[Path], T], canonical: Callable[[Path], Path]) -> None:
        self._make = make
        self._canonical = canonical
        self._lock = threading.Lock()
        self._by_key: dict[Path, T] = {}
        self._by_spelling: dict[Path, T] = {}

    def get(self, path: Path) -> T:
        with self._lock:
            if (known := self._by_spelling.get(path)) is not None:
                return known
        key = self._canonical(path)
        with self._lock:
            found = self._by_key.get(key)
            if found is None:
                found = self._by_key[key] = self._make(key)
            if path.is_absolute():
                self._by_spelling[path] = found
            return found
