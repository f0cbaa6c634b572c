"""Veo on Vertex AI under a hostile endpoint: no SDK answer is read past its cap (issue 13 item 6)."""

from __future__ import annotations

import base64
import json
import threading
from typing import TYPE_CHECKING

import httpx
import pytest

from imageai.core.errors import OutcomeUnknownError
from imageai.core.jobs import PollState
from imageai.core.key_check import KeyStatus
from imageai.core.response_limits import MAX_INLINE_ANSWER_BYTES, ResponseTooLargeError
from tests.fakes.bombs import gzip_bomb
from tests.unit.providers.google.test_veo_vertex import (  # noqa: F401 - fixtures
    CREATE,
    FETCH,
    MODEL,
    MP4,
    OP,
    _request,
    api,
    client,
)

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    import respx

    from imageai.providers.google.veo_client import VeoClient

CHUNK = 1 << 20
#: Twice the cap: without one the SDK would read it all and fail only on the JSON.
PAST_CAP = 2 * MAX_INLINE_ANSWER_BYTES
JSON = {"content-type": "application/json"}


def _flood(pulled: list[int], total: int = PAST_CAP) -> Iterator[bytes]:
    chunk = b"x" * CHUNK  # one object, so the test itself holds no copies
    for _ in range(total // CHUNK):
        pulled.append(CHUNK)
        yield chunk


def _counted(chunks: Iterator[bytes], pulled: list[int]) -> Iterator[bytes]:
    for chunk in chunks:
        pulled.append(len(chunk))
        yield chunk


def test_an_endless_create_answer_stops_at_the_cap_and_is_never_sent_again(
    api: respx.MockRouter,  # noqa: F811
    client: VeoClient,  # noqa: F811
    tmp_path: Path,
) -> None:
    pulled: list[int] = []
    route = api.post(CREATE).mock(
        side_effect=lambda _req: httpx.Response(200, headers=JSON, content=_flood(pulled))
    )
    with pytest.raises(OutcomeUnknownError) as caught:
        client.start(_request(tmp_path))
    assert route.call_count == 1  # the create may have been billed: never re-sent
    assert f"{MAX_INLINE_ANSWER_BYTES >> 20} MB" in caught.value.user_message
    assert sum(pulled) <= MAX_INLINE_ANSWER_BYTES + CHUNK


def test_an_endless_poll_answer_stops_at_the_cap(
    api: respx.MockRouter,  # noqa: F811
    client: VeoClient,  # noqa: F811
) -> None:
    pulled: list[int] = []
    api.post(FETCH).mock(return_value=httpx.Response(200, headers=JSON, content=_flood(pulled)))
    with pytest.raises(ResponseTooLargeError) as caught:
        client.poll(OP)
    assert caught.value.final  # the same endpoint would send the same again
    assert sum(pulled) <= MAX_INLINE_ANSWER_BYTES + CHUNK


@pytest.mark.parametrize(("encoding", "layers"), [("gzip", 1), ("gzip, gzip", 2)])
def test_a_gzip_bomb_poll_answer_stops_at_the_decoded_cap(
    api: respx.MockRouter,  # noqa: F811
    client: VeoClient,  # noqa: F811
    encoding: str,
    layers: int,
) -> None:
    pulled: list[int] = []
    bomb = _counted(gzip_bomb(PAST_CAP, layers), pulled)
    headers = {**JSON, "content-encoding": encoding}
    api.post(FETCH).mock(return_value=httpx.Response(200, headers=headers, content=bomb))
    with pytest.raises(ResponseTooLargeError):
        client.poll(OP)
    assert sum(pulled) < 8 << 20  # stopped by what it decodes to, not by what came in


def test_a_gzip_bomb_create_answer_is_outcome_unknown_and_sent_once(
    api: respx.MockRouter,  # noqa: F811
    client: VeoClient,  # noqa: F811
    tmp_path: Path,
) -> None:
    headers = {**JSON, "content-encoding": "gzip"}
    route = api.post(CREATE).mock(
        side_effect=lambda _req: httpx.Response(200, headers=headers, content=gzip_bomb(PAST_CAP))
    )
    with pytest.raises(OutcomeUnknownError) as caught:
        client.start(_request(tmp_path))
    assert route.call_count == 1
    assert f"{MAX_INLINE_ANSWER_BYTES >> 20} MB" in caught.value.user_message


def test_an_endless_answer_to_the_key_check_is_a_clear_status(
    api: respx.MockRouter,  # noqa: F811
    client: VeoClient,  # noqa: F811
) -> None:
    api.get(url__regex=rf".*/publishers/google/models/{MODEL}$").mock(
        return_value=httpx.Response(200, headers=JSON, content=_flood([]))
    )
    check = client.check_key()
    assert check.status is KeyStatus.UNKNOWN
    assert "MB" in check.message


def test_a_gzipped_inline_clip_answer_still_renders(
    api: respx.MockRouter,  # noqa: F811
    client: VeoClient,  # noqa: F811
    tmp_path: Path,
) -> None:
    import gzip

    video = {"bytesBase64Encoded": base64.b64encode(MP4).decode(), "mimeType": "video/mp4"}
    done = {"name": OP, "done": True, "response": {"videos": [video]}}
    headers = {**JSON, "content-encoding": "gzip"}
    api.post(FETCH).mock(
        return_value=httpx.Response(
            200, headers=headers, content=gzip.compress(json.dumps(done).encode())
        )
    )
    assert client.poll(OP).state is PollState.COMPLETED
    result = client.download(OP, _request(tmp_path), threading.Event())
    assert result.clip_path.read_bytes() == MP4
