"""One `CappedTransport` caps plain httpx (v1) clients as it caps httpx2 ones, decoded bytes counted."""

from __future__ import annotations

import zlib
from typing import TYPE_CHECKING

import httpx
import pytest

from imageai.core.response_limits import (
    CappedTransport,
    ResponseTooLargeError,
    capped_client,
    capped_httpx_client,
)
from tests.fakes.bombs import gzip_bomb

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    import httpx2

LIMIT = 1 << 20


class _Lazy(httpx.SyncByteStream):
    """A body read only as the client reads it, as from a socket."""

    def __init__(self, chunks: Iterator[bytes], pulled: list[int]) -> None:
        self._chunks = chunks
        self._pulled = pulled

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self._chunks:
            self._pulled.append(len(chunk))
            yield chunk


def _client(
    answer: Callable[[httpx.Request], tuple[dict[str, str], Iterator[bytes]]],
    pulled: list[int],
) -> httpx.Client:
    def handler(request: httpx.Request) -> httpx.Response:
        headers, body = answer(request)
        return httpx.Response(200, headers=headers, stream=_Lazy(body, pulled))

    return httpx.Client(transport=CappedTransport(httpx.MockTransport(handler), limit=LIMIT))


def _endless(_request: httpx.Request) -> tuple[dict[str, str], Iterator[bytes]]:
    chunk = b"x" * 65536
    return {"content-type": "application/json"}, iter([chunk] * (64 * LIMIT // len(chunk)))


def test_an_httpx_client_stops_an_endless_json_answer_at_the_cap() -> None:
    pulled: list[int] = []
    with _client(_endless, pulled) as client, pytest.raises(ResponseTooLargeError):
        client.get("http://api.test/v1/operations/op-7")
    assert sum(pulled) <= LIMIT + 65536


@pytest.mark.parametrize(("encoding", "layers"), [("gzip", 1), ("gzip, gzip", 2)])
def test_an_httpx_client_counts_decoded_bytes_of_a_gzip_bomb(encoding: str, layers: int) -> None:
    pulled: list[int] = []

    def bomb(_request: httpx.Request) -> tuple[dict[str, str], Iterator[bytes]]:
        headers = {"content-type": "application/json", "content-encoding": encoding}
        return headers, gzip_bomb(64 * LIMIT, layers)

    with _client(bomb, pulled) as client, pytest.raises(ResponseTooLargeError):
        client.get("http://api.test/v1/operations/op-7")
    assert sum(pulled) < LIMIT  # stopped while the compressed body was still small


def test_an_httpx_client_still_decodes_a_small_gzip_answer() -> None:
    def small(_request: httpx.Request) -> tuple[dict[str, str], Iterator[bytes]]:
        headers = {"content-type": "application/json", "content-encoding": "gzip"}
        return headers, iter([zlib.compress(b'{"name": "op-7"}', wbits=31)])

    with _client(small, []) as client:
        answer = client.get("http://api.test/v1/operations/op-7")
    assert answer.json() == {"name": "op-7"}
    assert "content-encoding" not in answer.headers


def test_an_httpx_client_leaves_a_media_download_to_the_clip_cap() -> None:
    with _client(_endless, []) as client:
        got = client.get("http://cdn.test/a.mp4", headers={"accept": "application/binary"})
    assert len(got.content) == 64 * LIMIT


@pytest.mark.parametrize("make", [capped_client, capped_httpx_client])
def test_the_capped_clients_of_both_libraries_carry_the_cap(
    make: Callable[[int], httpx.Client | httpx2.Client],
) -> None:
    client = make(LIMIT)
    assert isinstance(client._transport, CappedTransport)  # the client's own, not a mock
    client.close()
