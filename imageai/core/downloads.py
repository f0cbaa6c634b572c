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

from imageai.core.clip_check import ClipCheckError, check_clip, give_up
from imageai.core.errors import (
    InvalidRequestError,
    JobCancelledError,
    NetworkError,
    NotFoundError,
    ProviderError,
)
from imageai.core.media import looks_like_mp4
from imageai.core.response_limits import capped

if TYPE_CHECKING:
    import threading
    from collections.abc import Callable, Iterable, Iterator, Mapping
    from contextlib import AbstractContextManager

    from imageai.core.clip_check import ExpectedClip

log = logging.getLogger(__name__)

CHUNK = 1 << 20
#: Fetches of one clip before a clip that keeps failing its check is given up (never re-created).
CLIP_ATTEMPTS = 3
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


def write_chunks(
    tmp: Path, chunks: Iterable[bytes], append: bool = False, *, max_bytes: int | None = None
) -> int:
    """Write chunks as they arrive (memory stays flat); returns the bytes written.

    ``max_bytes`` caps the whole file (`response_limits.clip_byte_limit`): past it the download
    stops with `ResponseTooLargeError` (final) instead of filling the disk.
    """
    written = 0
    if max_bytes is not None:
        already = tmp.stat().st_size if append and tmp.exists() else 0
        chunks = capped(chunks, max_bytes - already, "the clip")
    with tmp.open("ab" if append else "wb") as out:
        for chunk in chunks:
            out.write(chunk)
            written += len(chunk)
        out.flush()
        os.fsync(out.fileno())
    return written


def finalize_clip(
    tmp: Path, dest: Path, expected_size: int | None = None, *, expect: ExpectedClip | None
) -> Path:
    """Check a finished download and rename it into place; every provider's clip comes here.

    Checks: the size, the MP4 header, top-level boxes that add up to the file with ``moov`` and
    ``mdat``, a first video track that decodes to its last frame, and (``expect``) the length
    the provider promised (`clip_check.expected_clip`).

    Raises:
        ClipCheckError: the clip is not whole or not what was asked; ``resumable`` says whether
            the bytes so far are worth continuing with ``Range``.
    """
    size = tmp.stat().st_size
    if expected_size is not None and size < expected_size:
        raise ClipCheckError(
            f"The download stopped early ({size} of {expected_size} bytes).",
            resumable=True,
            detail=str(dest),
        )
    if expected_size is not None and size != expected_size:
        raise ClipCheckError(
            f"The download is longer than announced ({size} of {expected_size} bytes).",
            detail=str(dest),
        )
    if size == 0 or not looks_like_mp4(tmp):
        raise ClipCheckError("The downloaded file is not an MP4 video.", detail=str(dest))
    check_clip(tmp, expect)
    os.replace(tmp, dest)
    return dest


def fetch_checked_clip(
    fetch: Callable[[Path], int | None],
    dest: Path,
    cancel: threading.Event,
    *,
    expect: ExpectedClip | None,
    attempts: int = CLIP_ATTEMPTS,
    sleep: Callable[[float], None] = time.sleep,
) -> Path:
    """Fetch a clip into a temp file until it passes `finalize_clip`; never creates a job.

    ``fetch(tmp)`` writes the body into ``tmp`` (appending with ``Range`` from its size when it
    can) and returns the full size if known; it handles its own network retries. A clip cut
    short keeps its bytes for the next fetch; a garbage one is emptied first.

    Raises:
        BadClipError: still failing after ``attempts`` fetches; what arrived is in
            ``clips/.rejected/``.
        JobCancelledError: ``cancel`` was set.
        ProviderError: ``fetch`` failed.
    """
    last: ClipCheckError | None = None
    with temp_download(dest) as tmp:
        for attempt in range(attempts):
            if cancel.is_set():
                raise JobCancelledError("download cancelled")
            _before_refetch(tmp, last)
            total = fetch(tmp)
            try:
                return finalize_clip(tmp, dest, total, expect=expect)
            except ClipCheckError as exc:
                last = exc
                log.info("clip %s failed its check (%s)", dest.name, exc.user_message)
            if attempt + 1 < attempts:
                sleep(min(8.0, 2.0**attempt) * random.uniform(0.5, 1.0))
        assert last is not None
        raise give_up(tmp, dest, last, attempts, expect)


def _before_refetch(tmp: Path, failed: ProviderError | None) -> None:
    """Empty ``tmp`` after a clip that failed as garbage, so the next fetch starts at byte 0
    (done only before a fetch, so the last garbage stays for `give_up` to keep)."""
    if isinstance(failed, ClipCheckError) and not failed.resumable:
        tmp.write_bytes(b"")


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
    expect: ExpectedClip | None,
    max_bytes: int | None = None,
) -> Path:
    """Stream a clip to a temp file, resuming with ``Range`` after a cut; rename when checked.

    ``max_bytes`` (`response_limits.request_clip_limit`) stops a body that never ends.

    A server that answers 206 continues where the temp file stops; one that ignores ``Range``
    (200) starts over. The clip lands at ``dest`` only once `finalize_clip` passes it; a clip
    that fails the check is fetched again (continued if only its end is missing).

    Raises:
        JobCancelledError: ``cancel`` was set (no partial file is left).
        BadClipError: the clip failed its check on every stream; it is kept in
            ``clips/.rejected/``.
        ProviderError: a final error answer, or still failing after ``attempts`` streams.
    """
    last: ProviderError | None = None
    with temp_download(dest) as tmp:
        for attempt in range(attempts):
            _before_refetch(tmp, last)
            offset = tmp.stat().st_size
            try:
                with open_from(offset) as response:
                    total = _write_response(response, tmp, offset, cancel, max_bytes)
                if total is None or tmp.stat().st_size >= total:
                    return finalize_clip(tmp, dest, total, expect=expect)
                last = NetworkError(
                    f"The download stopped at {tmp.stat().st_size} of {total} bytes."
                )
            except ClipCheckError as exc:
                last = exc
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
        if isinstance(last, ClipCheckError):
            raise give_up(tmp, dest, last, attempts, expect)
        raise last  # inside the block, so the partial temp file is removed


def _write_response(
    response: BodyStream,
    tmp: Path,
    offset: int,
    cancel: threading.Event,
    max_bytes: int | None = None,
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
    chunks = until_cancelled(response.iter_bytes(CHUNK), cancel)
    write_chunks(tmp, chunks, append=append, max_bytes=max_bytes)
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
