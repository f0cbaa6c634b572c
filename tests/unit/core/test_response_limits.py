"""Response caps: JSON answers, error bodies and clips stop at their bounds, never at the disk's."""

from __future__ import annotations

import itertools
import threading
from typing import TYPE_CHECKING

import httpx2
import pytest

from imageai.core.downloads import resumable_download, write_chunks
from imageai.core.response_limits import (
    CappedTransport,
    ResponseTooLargeError,
    head_bytes,
    request_clip_limit,
)

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path


def _endless(chunk: bytes = b"x" * 65536) -> Iterator[bytes]:
    return itertools.repeat(chunk)


def test_an_endless_error_body_is_read_only_to_its_head() -> None:
    assert len(head_bytes(_endless(), 1000)) == 1000
    assert head_bytes(iter([b"short"]), 1000) == b"short"


def test_write_chunks_stops_past_max_bytes_counting_what_is_already_there(tmp_path: Path) -> None:
    part = tmp_path / "clip.part"
    part.write_bytes(b"\0" * 1000)
    with pytest.raises(ResponseTooLargeError):
        write_chunks(part, _endless(b"y" * 100), append=True, max_bytes=1500)
    assert part.stat().st_size <= 1500


class _Stream:
    status_code = 200
    headers: dict[str, str] = {}  # noqa: RUF012 - a fixed fake answer

    def iter_bytes(self, chunk_size: int | None = None) -> Iterator[bytes]:
        return _endless()


def test_resumable_download_of_an_endless_clip_leaves_nothing(tmp_path: Path) -> None:
    import contextlib

    @contextlib.contextmanager
    def open_from(offset: int) -> Iterator[_Stream]:
        yield _Stream()

    dest = tmp_path / "clips" / "s1.mp4"
    with pytest.raises(ResponseTooLargeError):
        resumable_download(
            open_from,
            dest,
            threading.Event(),
            expect=None,
            max_bytes=4 << 20,
            sleep=lambda _s: None,
        )
    assert list((tmp_path / "clips").iterdir()) == []


def test_the_capped_transport_stops_json_but_not_media() -> None:
    class Body(httpx2.SyncByteStream):
        def __iter__(self) -> Iterator[bytes]:
            yield from [b"x" * 1000] * 5

    def answer(request: httpx2.Request) -> httpx2.Response:
        kind = "video/mp4" if request.url.path.endswith("/content") else "application/json"
        return httpx2.Response(200, headers={"content-type": kind}, stream=Body())

    client = httpx2.Client(transport=CappedTransport(httpx2.MockTransport(answer), limit=1000))
    with pytest.raises(ResponseTooLargeError):
        client.get("http://api.test/v1/videos")
    assert len(client.get("http://api.test/v1/videos/v1/content").content) == 5000
    client.close()


def test_an_extend_may_return_more_than_its_new_seconds(tmp_path: Path) -> None:
    from imageai.core.clip_check import ExpectedClip
    from imageai.core.jobs import JobRequest
    from imageai.core.models import OmniSettings, ProviderName
    from imageai.core.shot import ShotSpec

    spec = ShotSpec(provider=ProviderName.OMNI, model="gemini-omni-1.1-flash", seconds=4)
    request = JobRequest(
        scene_id="s1",
        index=1,
        spec=spec,
        prompt="p",
        settings=OmniSettings(),
        project_dir=tmp_path,
    )
    extended = ExpectedClip(ranges=((3.5, 4.5), (23.5, 24.5)))
    assert request_clip_limit(request, extended) > request_clip_limit(request)


class _Body(httpx2.SyncByteStream):
    """A body as a socket gives it: read only when the client reads (``content=`` reads at once)."""

    def __init__(self, data: bytes) -> None:
        self._data = data

    def __iter__(self) -> Iterator[bytes]:
        for start in range(0, len(self._data), 65536):
            yield self._data[start : start + 65536]


def _capped_client(headers: dict[str, str], body: bytes, limit: int = 1 << 20) -> httpx2.Client:
    def answer(_request: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(200, headers=headers, stream=_Body(body))

    return httpx2.Client(transport=CappedTransport(httpx2.MockTransport(answer), limit=limit))


@pytest.mark.parametrize("encoding", ["gzip", "gzip, gzip", "deflate"])
def test_the_json_cap_counts_decoded_bytes_not_a_compressed_bomb(encoding: str) -> None:
    import gzip
    import zlib

    body = b"\0" * (64 << 20)  # 64 MB that compresses to ~64 kB (a gzip bomb, small)
    for coding in reversed([c.strip() for c in encoding.split(",")]):
        body = gzip.compress(body) if coding == "gzip" else zlib.compress(body)
    assert len(body) < 1 << 20  # under the cap as sent
    headers = {"content-type": "application/json", "content-encoding": encoding}
    with _capped_client(headers, body) as client, pytest.raises(ResponseTooLargeError):
        client.get("http://api.test/v1/videos")


def test_a_small_compressed_json_answer_still_decodes() -> None:
    import gzip

    headers = {"content-type": "application/json", "content-encoding": "gzip"}
    with _capped_client(headers, gzip.compress(b'{"data": []}')) as client:
        assert client.get("http://api.test/v1/videos").json() == {"data": []}


def test_a_json_endpoint_answering_as_video_is_still_capped() -> None:
    # The server chooses its content-type; only the request says what is a media download.
    video = {"content-type": "video/mp4"}
    with _capped_client(video, b"x" * 5000, 1000) as client, pytest.raises(ResponseTooLargeError):
        client.get("http://api.test/v1/videos", headers={"accept": "application/json"})


def test_a_media_download_redirected_elsewhere_is_left_to_the_clip_cap() -> None:
    # The SDK's download_content asks for application/binary; a redirect keeps that header.
    video = {"content-type": "video/mp4"}
    with _capped_client(video, b"x" * 5000, 1000) as client:
        got = client.get("http://cdn.test/a.mp4", headers={"accept": "application/binary"})
        assert len(got.content) == 5000
