"""Caps on what a server may send: JSON answers at a few MB, clips by their seconds and size."""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Any, Protocol, cast, overload

import httpx
import httpx2

from imageai.core.errors import ErrorKind, ProviderError

if TYPE_CHECKING:
    import ssl
    from collections.abc import Iterable, Iterator

    from imageai.core.clip_check import ExpectedClip
    from imageai.core.jobs import JobRequest

    _Response = httpx.Response | httpx2.Response

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
        self.limit = limit
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


class _Closable(Protocol):
    def close(self) -> None: ...


class _Stream(httpx2.SyncByteStream, httpx.SyncByteStream):
    """``chunks`` as a body either library reads (both check only this base class)."""

    def __init__(self, chunks: Iterable[bytes], closes: _Closable) -> None:
        self._chunks = chunks
        self._closes = closes

    def __iter__(self) -> Iterator[bytes]:
        yield from self._chunks

    def close(self) -> None:
        self._closes.close()


def _asks_for_media(request: httpx.Request | httpx2.Request) -> bool:
    # What the request asked for, never what the server answers: a hostile server could label
    # an endless answer to a JSON call ``video/mp4``. The openai SDK's download_content asks
    # for application/binary (kept across redirects); the path covers other callers.
    accept = request.headers.get("accept", "")
    return request.url.path.endswith("/content") or accept.startswith("application/binary")


def _cap(request: httpx.Request | httpx2.Request, response: _Response, limit: int) -> None:
    """Swap ``response``'s body for its decoded bytes, stopped past ``limit``."""
    raw = response.stream
    if _asks_for_media(request) or not isinstance(
        raw, httpx2.SyncByteStream | httpx.SyncByteStream
    ):
        return
    chunks: Iterable[bytes] = raw
    closes: _Closable = raw
    if coding := response.headers.get("content-encoding"):
        # httpx2's decoders inflate in bounded pieces (httpx 0.28's would inflate a whole
        # network read at once), so they decode for both libraries.
        encoded = httpx2.Response(
            200, headers={"content-encoding": coding}, stream=_Stream(raw, raw)
        )
        chunks, closes = encoded.iter_bytes(), encoded
        # The client must not decode again, nor compare against the encoded length.
        del response.headers["content-encoding"]
        response.headers.pop("content-length", None)
    response.stream = _Stream(capped(chunks, limit, request.url.path), closes)


class CappedTransport(httpx2.BaseTransport, httpx.BaseTransport):
    """Wraps a transport (httpx2's or httpx's) so no answer but a media download exceeds ``limit``.

    The cap counts decoded bytes: a gzip answer is decoded here, as a few MB of gzip can
    inflate to GB. Media (a request for ``.../content`` or ``application/binary``) is left
    to the download code, which caps it by the clip's own bound.
    """

    def __init__(
        self, inner: httpx2.BaseTransport | httpx.BaseTransport, limit: int = MAX_JSON_BYTES
    ) -> None:
        self._inner = inner
        self._limit = limit

    @overload
    def handle_request(self, request: httpx2.Request) -> httpx2.Response: ...
    @overload
    def handle_request(self, request: httpx.Request) -> httpx.Response: ...
    def handle_request(self, request: Any) -> Any:
        response = self._inner.handle_request(request)
        _cap(request, response, self._limit)
        return response

    def close(self) -> None:
        self._inner.close()


class _ClosesWhenCollected:
    def __del__(self) -> None:
        # As the SDKs' own default clients do: a client nobody closed closes when collected.
        client = cast("httpx.Client | httpx2.Client", self)
        with contextlib.suppress(Exception):
            if not client.is_closed:
                client.close()


class _ClosingClient(_ClosesWhenCollected, httpx2.Client):
    pass


class _ClosingHttpxClient(_ClosesWhenCollected, httpx.Client):
    pass


def capped_client(
    limit: int = MAX_JSON_BYTES, verify: ssl.SSLContext | bool = True
) -> httpx2.Client:
    """An ``httpx2.Client`` (for an SDK's ``http_client``/``httpx_client``) whose answers stop
    at ``limit`` bytes, media downloads excepted; ``verify`` as httpx2 takes it (a shared
    context spares reading the trust store again)."""
    return _ClosingClient(
        transport=CappedTransport(httpx2.HTTPTransport(verify=verify), limit), verify=verify
    )


def capped_httpx_client(limit: int = MAX_JSON_BYTES) -> httpx.Client:
    """`capped_client` on httpx (0.28), for code and tests built on it (Veo on Vertex AI)."""
    return _ClosingHttpxClient(transport=CappedTransport(httpx.HTTPTransport(), limit))
