"""Caps on what a server may send: JSON answers at a few MB, clips by their seconds and size."""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

import httpx2

from imageai.core.errors import ErrorKind, ProviderError

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from imageai.core.clip_check import ExpectedClip
    from imageai.core.jobs import JobRequest

#: An API answer (a video's status, a page of the list, the model list) is a few kB; a body
#: past this is a broken or hostile server and is refused before it fills memory.
MAX_JSON_BYTES = 8 << 20
#: An answer that may carry a whole clip inline as base64 (Gemini Omni's ``delivery: inline``):
#: far above any inline clip (Google keeps inline output to a few MB), far below a full disk.
MAX_INLINE_ANSWER_BYTES = 128 << 20
#: Bytes per pixel per frame a clip may take: H.264 at its most generous is ~0.1; 0.5 leaves a
#: wide margin for any codec or container overhead the providers use.
BYTES_PER_PIXEL_FRAME = 0.5
MAX_FPS = 60
#: The floor of any clip's bound (a tiny clip with large headers), and the size assumed when
#: a request does not say its resolution (4K).
MIN_CLIP_BYTES = 32 << 20
DEFAULT_PIXELS = 3840 * 2160


class ResponseTooLargeError(ProviderError):
    """A server sent more than any correct answer could need; nothing more is read."""

    kind = ErrorKind.INVALID_REQUEST
    final = True  # the same server would send the same again

    def __init__(self, what: str, limit: int) -> None:
        super().__init__(
            f"The server sent more than {limit // (1 << 20)} MB for {what}, far more than it "
            "can need; it was stopped and nothing was kept. Check the endpoint (base URL)."
        )


def clip_byte_limit(seconds: float, frame_size: tuple[int, int] | None = None) -> int:
    """The most bytes a clip of ``seconds`` at ``frame_size`` may take: the one place that says."""
    pixels = frame_size[0] * frame_size[1] if frame_size else DEFAULT_PIXELS
    per_second = pixels * MAX_FPS * BYTES_PER_PIXEL_FRAME
    return max(MIN_CLIP_BYTES, int(max(seconds, 1.0) * per_second))


def request_clip_limit(request: JobRequest, expect: ExpectedClip | None = None) -> int:
    """`clip_byte_limit` for a request: its frame size, and the longest length it may return
    (an Omni extend returns the source with the new seconds joined on)."""
    seconds = float(request.spec.seconds)
    if expect is not None and expect.ranges:
        seconds = max(seconds, *(high for _low, high in expect.ranges))
    return clip_byte_limit(seconds, request.spec.frame_size)


def capped(chunks: Iterable[bytes], limit: int, what: str) -> Iterator[bytes]:
    """``chunks`` until more than ``limit`` bytes have passed; then `ResponseTooLargeError`."""
    total = 0
    for chunk in chunks:
        total += len(chunk)
        if total > limit:
            raise ResponseTooLargeError(what, limit)
        yield chunk


def head_bytes(chunks: Iterable[bytes], limit: int = MAX_JSON_BYTES) -> bytes:
    """At most ``limit`` bytes of ``chunks``, the rest left unread (an error body to classify)."""
    parts: list[bytes] = []
    total = 0
    for chunk in chunks:
        parts.append(chunk[: limit - total])
        total += len(parts[-1])
        if total >= limit:
            break
    return b"".join(parts)


class _CappedStream(httpx2.SyncByteStream):
    def __init__(self, inner: httpx2.SyncByteStream, limit: int, what: str) -> None:
        self._inner = inner
        self._limit = limit
        self._what = what

    def __iter__(self) -> Iterator[bytes]:
        yield from capped(self._inner, self._limit, self._what)

    def close(self) -> None:
        self._inner.close()


class _DecodedStream(httpx2.SyncByteStream):
    def __init__(self, encoded: httpx2.Response) -> None:
        self._encoded = encoded

    def __iter__(self) -> Iterator[bytes]:
        yield from self._encoded.iter_bytes()

    def close(self) -> None:
        self._encoded.close()


def _asks_for_media(request: httpx2.Request) -> bool:
    # What the request asked for, never what the server answers: a hostile server could label
    # an endless answer to a JSON call ``video/mp4``. The openai SDK's download_content asks
    # for application/binary (kept across redirects); the path covers other callers.
    accept = request.headers.get("accept", "")
    return request.url.path.endswith("/content") or accept.startswith("application/binary")


class CappedTransport(httpx2.BaseTransport):
    """Wraps a transport so no answer but a media download exceeds `MAX_JSON_BYTES`.

    The cap counts decoded bytes: a gzip answer is decoded here, as a few MB of gzip can
    inflate to GB. Media (a request for ``.../content`` or ``application/binary``) is left
    to the download code, which caps it by the clip's own bound.
    """

    def __init__(self, inner: httpx2.BaseTransport, limit: int = MAX_JSON_BYTES) -> None:
        self._inner = inner
        self._limit = limit

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        response = self._inner.handle_request(request)
        if _asks_for_media(request):
            return response
        stream = response.stream
        if not isinstance(stream, httpx2.SyncByteStream):
            return response
        if "content-encoding" in response.headers:
            encoded = httpx2.Response(response.status_code, headers=response.headers, stream=stream)
            stream = _DecodedStream(encoded)
            # The client must not decode again, nor compare against the encoded length.
            del response.headers["content-encoding"]
            response.headers.pop("content-length", None)
        response.stream = _CappedStream(stream, self._limit, f"{request.url.path}")
        return response

    def close(self) -> None:
        self._inner.close()


class _ClosingClient(httpx2.Client):
    def __del__(self) -> None:
        # As the SDKs' own default clients do: a client nobody closed closes when collected.
        with contextlib.suppress(Exception):
            if not self.is_closed:
                self.close()


def capped_client(limit: int = MAX_JSON_BYTES) -> httpx2.Client:
    """An ``httpx2.Client`` (for an SDK's ``http_client``/``httpx_client``) whose answers stop
    at ``limit`` bytes, media downloads excepted."""
    return _ClosingClient(transport=CappedTransport(httpx2.HTTPTransport(), limit))
