"""Plain-httpx plumbing shared by Google's APIs: timeouts, chunked reads, JSON bodies."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import httpx

from imageai.core.errors import JobCancelledError

if TYPE_CHECKING:
    import threading
    from collections.abc import Iterator


#: Connect fast; allow a slow upload of inline images; reads bounded so cancel stays responsive.
TIMEOUT = httpx.Timeout(connect=10.0, read=60.0, write=120.0, pool=10.0)
CHUNK = 1 << 20


def iter_chunks(response: httpx.Response, cancel: threading.Event) -> Iterator[bytes]:
    """The body in 1 MiB chunks, stopping at once when ``cancel`` is set."""
    for chunk in response.iter_bytes(CHUNK):
        if cancel.is_set():
            raise JobCancelledError("download cancelled")
        yield chunk


def json_body(response: httpx.Response) -> dict[str, Any]:
    """The response's JSON object, or ``{}`` for anything else."""
    try:
        data = response.json()
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}
