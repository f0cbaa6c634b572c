"""Webhook ids already applied, kept on disk so a replay is refused after a restart too."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import tempfile
import threading
from collections import OrderedDict
from typing import TYPE_CHECKING

from imageai.core.paths import app_home

if TYPE_CHECKING:
    from pathlib import Path

log = logging.getLogger(__name__)

#: Ids remembered; OpenAI redelivers for about three days, far fewer events than this.
SEEN_LIMIT = 4096
#: A webhook id longer than this is not stored (the signature covers it, but keep the file small).
MAX_ID_LENGTH = 256


def default_seen_file() -> Path:
    return app_home() / "webhooks" / "seen-ids.json"


class SeenIds:
    """A bounded, thread-safe set of webhook ids, saved (atomically) on every addition."""

    def __init__(self, path: Path | None = None, limit: int = SEEN_LIMIT) -> None:
        self.path = path or default_seen_file()
        self._limit = limit
        self._lock = threading.Lock()
        self._ids: OrderedDict[str, None] = OrderedDict((i, None) for i in self._load())

    def _load(self) -> list[str]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return []
        except (OSError, ValueError, RecursionError) as exc:
            # Losing the record can only let a replay of an old event through, which applying
            # twice tolerates (only scenes still waiting on that video change).
            log.warning("webhook id record %s unreadable (%s); starting empty", self.path, exc)
            return []
        if not isinstance(data, list):
            return []
        ids = [i for i in data if isinstance(i, str) and 0 < len(i) <= MAX_ID_LENGTH]
        return ids[-self._limit :]

    def __contains__(self, webhook_id: object) -> bool:
        with self._lock:
            return webhook_id in self._ids

    def add(self, webhook_id: str) -> None:
        if not 0 < len(webhook_id) <= MAX_ID_LENGTH:
            return
        with self._lock:
            self._ids[webhook_id] = None
            while len(self._ids) > self._limit:
                self._ids.popitem(last=False)
            snapshot = list(self._ids)
            try:
                self._save(snapshot)
            except OSError as exc:
                log.warning("cannot save webhook ids to %s: %s", self.path, exc)

    def _save(self, ids: list[str]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=".seen-", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                json.dump(ids, out)
            os.replace(name, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(name)
            raise
