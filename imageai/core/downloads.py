"""Streaming downloads land in a temp file and become a clip only when complete and checked."""

from __future__ import annotations

import contextlib
import logging
import os
import random
import re
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import httpx
import httpx2

from imageai.core.errors import (
    InvalidRequestError,
    JobCancelledError,
    NetworkError,
    NotFoundError,
    ProviderError,
)
from imageai.core.media import looks_like_mp4, mp4_whole

if TYPE_CHECKING:
    import threading
    from collections.abc import Callable, Iterable, Iterator, Mapping
    from contextlib import AbstractContextManager

log = logging.getLogger(__name__)

CHUNK = 1 << 20
#: Failures that leave a partial download worth resuming.
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (httpx.TransportError, httpx2.TransportError)


@contextlib.contextmanager
def temp_download(dest: Path) -> Iterator[Path]:
    """A temp file beside ``dest``; removed if the block fails."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".part", dir=dest.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_chunks(tmp: Path, chunks: Iterable[bytes], append: bool = False) -> int:
    """Write chunks as they arrive (memory stays flat); returns the bytes written."""
    written = 0
    with tmp.open("ab" if append else "wb") as out:
        for chunk in chunks:
            out.write(chunk)
            written += len(chunk)
        out.flush()
        os.fsync(out.fileno())
    return written


def finalize_clip(tmp: Path, dest: Path, expected_size: int | None = None) -> Path:
    """Check a finished download (size, MP4 header, box sizes) and rename it into place."""
    size = tmp.stat().st_size
    if expected_size is not None and size != expected_size:
        raise NetworkError(
            f"The download stopped early ({size} of {expected_size} bytes).", detail=str(dest)
        )
    if size == 0 or not looks_like_mp4(tmp):
        raise NetworkError("The downloaded file is not an MP4 video.", detail=str(dest))
    if not mp4_whole(tmp):
        # A body cut short with no Content-Length still starts with ``ftyp``: only the box
        # sizes show bytes are missing. Retryable: a resumable download continues from here.
        raise NetworkError("The video arrived cut short; fetching the rest.", detail=str(dest))
    os.replace(tmp, dest)
    return dest


def finalize_file(tmp: Path, dest: Path) -> Path:
    """Rename a finished non-video download (thumbnail, spritesheet) into place."""
    if tmp.stat().st_size == 0:
        raise NetworkError("The downloaded file is empty.", detail=str(dest))
    os.replace(tmp, dest)
    return dest


class BodyStream(Protocol):
    """A streamed HTTP response (httpx, httpx2 or an SDK's streamed response)."""

    @property
    def status_code(self) -> int: ...
    @property
    def headers(self) -> Mapping[str, str]: ...
    def iter_bytes(self, chunk_size: int | None = None) -> Iterator[bytes]: ...


def resumable_download(
    open_from: Callable[[int], AbstractContextManager[BodyStream]],
    dest: Path,
    cancel: threading.Event,
    *,
    attempts: int = 4,
    sleep: Callable[[float], None] = time.sleep,
) -> Path:
    """Stream a clip to a temp file, resuming with ``Range`` after a cut; rename when checked.

    A server that answers 206 continues where the temp file stops; one that ignores ``Range``
    (200) starts over. The clip lands at ``dest`` only once complete (size) and an MP4.

    Raises:
        JobCancelledError: ``cancel`` was set (no partial file is left).
        ProviderError: a final error answer, or still failing after ``attempts`` streams.
    """
    last: ProviderError | None = None
    with temp_download(dest) as tmp:
        for attempt in range(attempts):
            offset = tmp.stat().st_size
            try:
                with open_from(offset) as response:
                    total = _write_response(response, tmp, offset, cancel)
                if total is None or tmp.stat().st_size >= total:
                    return finalize_clip(tmp, dest, total)
                last = NetworkError(
                    f"The download stopped at {tmp.stat().st_size} of {total} bytes."
                )
            except ProviderError as exc:
                if exc.final:
                    raise
                last = exc
            except TRANSIENT_ERRORS as exc:
                last = NetworkError("The download was interrupted.", detail=repr(exc))
            log.info("download of %s interrupted (%s); resuming", dest.name, last.user_message)
            if attempt + 1 < attempts:
                wait = last.retry_after or min(8.0, 2.0**attempt) * random.uniform(0.5, 1.0)
                sleep(wait)
        assert last is not None
        raise last  # inside the block, so the partial temp file is removed


def _write_response(
    response: BodyStream, tmp: Path, offset: int, cancel: threading.Event
) -> int | None:
    """Append (206 from ``offset``) or rewrite (200) ``tmp``; returns the full size if known."""
    if response.status_code >= 400:
        raise NetworkError(f"The download failed with HTTP {response.status_code}.")
    total: int | None = None
    append = False
    if response.status_code == 206:
        match = re.fullmatch(r"bytes (\d+)-\d+/(\d+)", response.headers.get("content-range", ""))
        if match is None or int(match[1]) != offset:
            tmp.write_bytes(b"")  # appending from another place would corrupt it: start over
            raise NetworkError("The server resumed the download at the wrong place.")
        total, append = int(match[2]), True
    elif (length := response.headers.get("content-length")) is not None and length.isdigit():
        total = int(length)
    write_chunks(tmp, until_cancelled(response.iter_bytes(CHUNK), cancel), append=append)
    return total


def until_cancelled(chunks: Iterable[bytes], cancel: threading.Event) -> Iterator[bytes]:
    for chunk in chunks:
        if cancel.is_set():
            raise JobCancelledError("download cancelled")
        yield chunk


def http_opener(
    client: httpx.Client, url: str, headers: Mapping[str, str] | None = None
) -> Callable[[int], AbstractContextManager[BodyStream]]:
    """An opener for `resumable_download` over a plain httpx client."""

    @contextlib.contextmanager
    def open_from(offset: int) -> Iterator[BodyStream]:
        extra = {"Range": f"bytes={offset}-"} if offset else {}
        with client.stream("GET", url, headers={**(headers or {}), **extra}) as response:
            if response.status_code >= 400:
                response.read()
                raise _http_error(response.status_code, response.headers.get("retry-after"))
            yield response

    return open_from


def _http_error(status: int, retry_after: str | None) -> ProviderError:
    message = f"The download failed with HTTP {status}."
    if status == 429 or status >= 500:
        wait = float(retry_after) if retry_after and retry_after.isdigit() else None
        return NetworkError(message, status_code=status, retry_after=wait)
    if status == 404:
        return NotFoundError("The video to download was not found (it may have expired).")
    return InvalidRequestError(message, status_code=status)
