"""Follow a Gemini Omni interaction through its event stream (SSE), falling back to plain gets."""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from imageai.core.jobs import PollState, PollStatus

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator

    from imageai.providers.google.omni_interaction import InteractionView

log = logging.getLogger(__name__)

#: How long one poll reads the stream (also its read timeout): a cancel waits at most this.
STREAM_WINDOW_S = 1.5
#: Stream attempts that end early or bring no event before streaming is given up for the job.
MAX_STREAM_FAILURES = 3
#: One event's bytes at most: lifecycle events are a few hundred bytes; a bigger one (a step's
#: delta carrying output) is skipped, not kept, so an endless event cannot fill memory.
MAX_EVENT_BYTES = 256 << 10
_RUNNING = frozenset({"queued", "in_progress", ""})
_BOUNDARIES = (b"\r\n\r\n", b"\n\n", b"\r\r")


@dataclass(frozen=True)
class StreamEvent:
    """One event of the stream: its resume id and the interaction status it reports, if any."""

    event_id: str | None
    status: str | None
    terminal: bool = False


#: Bytes arrived but no event: a chance for the reader to stop at its deadline.
TICK = StreamEvent(event_id=None, status=None)


def _split(buffer: bytearray) -> tuple[bytes, bytes] | None:
    """The first complete event block of ``buffer`` and its boundary, if there is one."""
    found = [(at, sep) for sep in _BOUNDARIES if (at := buffer.find(sep)) >= 0]
    if not found:
        return None
    at, sep = min(found)
    return bytes(buffer[:at]), sep


def sse_events(chunks: Iterable[bytes], limit: int = MAX_EVENT_BYTES) -> Iterator[StreamEvent]:
    """The events of an SSE byte stream, each block held to ``limit`` bytes (longer ones skipped)."""
    buffer = bytearray()
    skipping = False
    for chunk in chunks:
        buffer += chunk
        yielded = False
        while (split := _split(buffer)) is not None:
            block, sep = split
            del buffer[: len(block) + len(sep)]
            if skipping:
                skipping = False  # the oversized event ended here
                continue
            if (event := _parse(block)) is not None:
                yielded = True
                yield event
        if not yielded:
            # Keep-alives and trickled bytes still let the reader check its deadline.
            yield TICK
        if len(buffer) > limit:
            # Keep only a tail that may hold the start of a boundary.
            del buffer[: len(buffer) - 4]
            skipping = True


def _parse(block: bytes) -> StreamEvent | None:
    sse_id: str | None = None
    data: list[str] = []
    for line in block.decode("utf-8", "replace").splitlines():
        name, _, value = line.partition(":")
        value = value.removeprefix(" ")
        if name == "id" and "\0" not in value:
            sse_id = value
        elif name == "data":
            data.append(value)
    if not data:
        return None  # a comment (keep-alive) or a bare id
    text = "\n".join(data)
    if text == "[DONE]":
        return StreamEvent(event_id=sse_id, status=None, terminal=True)
    try:
        payload = json.loads(text)
    except ValueError:
        return StreamEvent(event_id=sse_id, status=None)
    if not isinstance(payload, dict):
        return StreamEvent(event_id=sse_id, status=None)
    return _read_event(payload, sse_id)


def _read_event(payload: dict[str, Any], sse_id: str | None) -> StreamEvent:
    ident = payload.get("event_id")
    event_id = ident if isinstance(ident, str) and ident else sse_id
    kind = payload.get("event_type")
    inner = payload.get("interaction")
    status = payload.get("status")
    if isinstance(inner, dict) and not isinstance(status, str):
        status = inner.get("status")
    status = status if isinstance(status, str) else None
    # An error event or the completed event ends what the stream can tell: a get says the rest.
    terminal = kind in ("interaction.completed", "error") or (
        status is not None and status not in _RUNNING
    )
    return StreamEvent(event_id=event_id, status=status, terminal=terminal)


class StreamUnavailable(Exception):  # noqa: N818 - a signal to fall back, not an error
    """The server answered a stream request without a stream (it carries the plain answer)."""

    def __init__(self, view: InteractionView) -> None:
        super().__init__("no event stream")
        self.view = view


@dataclass
class _Open:
    events: Iterator[StreamEvent]
    close: Callable[[], None]


@dataclass
class Follower:
    """One interaction followed through its stream; ``poll`` returns within about a window.

    ``open_stream(last_event_id)`` opens the stream (bytes, and how to close it) or raises
    `StreamUnavailable`; ``get()`` is a plain get. Streams only read: nothing is ever created.
    """

    open_stream: Callable[[str | None], tuple[Iterable[bytes], Callable[[], None]]]
    get: Callable[[], InteractionView]
    status_of: Callable[[InteractionView], PollStatus]
    poll_interval: float
    clock: Callable[[], float] = time.monotonic
    window_s: float = STREAM_WINDOW_S
    last_event_id: str | None = None
    last_status: str = ""
    failures: int = 0
    streaming: bool = True
    _open: _Open | None = None
    _last_get: float = field(default=float("-inf"))

    def close(self) -> None:
        if self._open is not None:
            opened, self._open = self._open, None
            opened.close()

    def poll(self) -> PollStatus:
        if not self.streaming:
            return self._plain()
        try:
            seen = self._read()
        except StreamUnavailable as exc:
            log.info("no event stream for Gemini Omni; polling instead")
            self.streaming = False
            return self._status(exc.view)
        except Exception as exc:  # noqa: BLE001 - any stream failure falls back to a get
            log.info("Gemini Omni event stream failed (%s); getting the interaction", exc)
            self.close()
            self._failed()
            return self._plain()
        if seen is None:  # the stream says it ended: the get has the video or the error
            self.close()
            status = self._plain()
            if status.state in (PollState.QUEUED, PollState.RUNNING):
                self._failed()  # the stream and the get disagree: do not loop on the stream
            return status
        if self.clock() - self._last_get >= self.poll_interval:
            # Never later than plain polling: a stream that stays quiet is checked by a get.
            return self._plain()
        return PollStatus(
            state=PollState.QUEUED if seen == "queued" else PollState.RUNNING,
            message="Gemini Omni is generating" if seen != "queued" else "queued at Google",
            poll_after=0.0,
        )

    def _read(self) -> str | None:
        """Reads for up to a window; the status seen, or None when the stream says it ended."""
        if self._open is None:
            chunks, close = self.open_stream(self.last_event_id)
            self._open = _Open(events=sse_events(chunks), close=close)
            fresh = True
        else:
            fresh = False
        deadline = self.clock() + self.window_s
        got = False
        try:
            for event in self._open.events:
                got = True
                if event.event_id:
                    self.last_event_id = event.event_id
                if event.terminal:
                    return None
                if event.status is not None and event.status != self.last_status:
                    self.last_status = event.status
                    return event.status
                if self.clock() >= deadline:
                    return self.last_status
        except Exception:
            if got or not fresh:
                # Quiet for a whole window, or cut after events: resume from the last event.
                self.close()
                return self.last_status
            raise
        # The stream ended without saying the interaction did (a drop): resume next time.
        self.close()
        if not got:
            self._failed()
        return self.last_status

    def _failed(self) -> None:
        self.failures += 1
        if self.failures >= MAX_STREAM_FAILURES:
            log.info("Gemini Omni event stream keeps failing; polling instead")
            self.streaming = False

    def _plain(self) -> PollStatus:
        return self._status(self.get())

    def _status(self, view: InteractionView) -> PollStatus:
        self._last_get = self.clock()
        self.last_status = view.status
        status = self.status_of(view)
        if self.streaming and status.state in (PollState.QUEUED, PollState.RUNNING):
            return status.model_copy(update={"poll_after": 0.0})
        return status
