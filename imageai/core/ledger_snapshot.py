"""`LedgerSnapshot`: the ledger read once, so one render plan sees one record of spend."""

from __future__ import annotations

from typing import Any

from imageai.core.ledger import Ledger, LedgerRead


class LedgerSnapshot(Ledger):
    """A read-only `Ledger` whose every question (spend, open jobs, unsettled intents) is
    answered from one parse of ``ledger.jsonl``.

    Planning a render asks the ledger many things per scene; each used to parse the whole
    file again (26 parses for 8 scenes), and a line appended in between could make two
    answers of one plan disagree.
    """

    def __init__(self, ledger: Ledger) -> None:
        super().__init__(ledger.path)
        self._snapshot = ledger.read()

    def read(self) -> LedgerRead:
        return self._snapshot

    def _append(self, **fields: Any) -> None:
        raise TypeError("a ledger snapshot is read-only: record events in the ledger itself")
