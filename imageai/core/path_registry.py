"""One object per file or folder in this process, whatever the spelling of its path."""

from __future__ import annotations

import os
import threading
from typing import TYPE_CHECKING, Generic, TypeVar

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

T = TypeVar("T")

#: What a path and its folder are now (device and inode of each; None where there is none).
_Identity = tuple[tuple[int, int] | None, tuple[int, int] | None]


def _inode(path: Path) -> tuple[int, int] | None:
    try:
        found = os.stat(path)
    except (OSError, ValueError):
        return None
    return found.st_dev, found.st_ino


def _identity(path: Path) -> _Identity:
    return _inode(path), _inode(path.parent)


class PathRegistry(Generic[T]):
    """Makes one ``T`` per canonical path (``canonical(path)``) and hands it out again.

    An absolute spelling is canonicalised again only when what it and its folder lead to has
    changed (a link pointed elsewhere, a folder moved): callers ask per job and per event, and
    a resolve walks every component with lstat (10 ms for one press of Render), where two stats
    take a quarter of that. A relative spelling follows the working folder, so it is
    canonicalised at each ask.
    """

    def __init__(self, make: Callable[[Path], T], canonical: Callable[[Path], Path]) -> None:
        self._make = make
        self._canonical = canonical
        self._lock = threading.Lock()
        self._by_key: dict[Path, T] = {}
        self._by_spelling: dict[Path, tuple[_Identity, T]] = {}

    def get(self, path: Path) -> T:
        identity = _identity(path) if path.is_absolute() else None
        if identity is not None:
            with self._lock:
                known = self._by_spelling.get(path)
            if known is not None and known[0] == identity:
                return known[1]
        key = self._canonical(path)
        with self._lock:
            found = self._by_key.get(key)
            if found is None:
                found = self._by_key[key] = self._make(key)
            if identity is not None:
                self._by_spelling[path] = (identity, found)
            return found
