"""A Veo download stops at cancel: no byte is fetched after the user cancelled."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

import httpx
import pytest

from imageai.core.errors import JobCancelledError
from imageai.providers.google.http import CHUNK
from tests.unit.providers.google.test_veo_vertex import (  # noqa: F401 - fixtures
    FETCH,
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

GCS = "https://storage.googleapis.com/download/storage/v1/b/bucket/o/out%2Fclip.mp4"


def _done(api: respx.MockRouter) -> respx.Route:  # noqa: F811
    done = {
        "name": OP,
        "done": True,
        "response": {"videos": [{"gcsUri": "gs://bucket/out/clip.mp4"}]},
    }
    api.post(FETCH).mock(return_value=httpx.Response(200, json=done))
    return api.get(GCS).mock(return_value=httpx.Response(200, content=MP4))


def test_download_after_cancel_fetches_nothing(
    api: respx.MockRouter,  # noqa: F811
    client: VeoClient,  # noqa: F811
    tmp_path: Path,
) -> None:
    gcs = _done(api)
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(JobCancelledError):
        client.download(OP, _request(tmp_path), cancel)
    assert not gcs.called
    assert not list((tmp_path / "clips").glob("*.mp4"))


def test_download_without_cancel_fetches_the_clip(
    api: respx.MockRouter,  # noqa: F811
    client: VeoClient,  # noqa: F811
    tmp_path: Path,
) -> None:
    gcs = _done(api)
    result = client.download(OP, _request(tmp_path), threading.Event())
    assert gcs.called
    assert result.clip_path.read_bytes() == MP4


def test_cancel_mid_stream_stops_reading_the_body(
    api: respx.MockRouter,  # noqa: F811
    client: VeoClient,  # noqa: F811
    tmp_path: Path,
) -> None:
    done = {
        "name": OP,
        "done": True,
        "response": {"videos": [{"gcsUri": "gs://bucket/out/clip.mp4"}]},
    }
    api.post(FETCH).mock(return_value=httpx.Response(200, json=done))
    cancel = threading.Event()
    pulled: list[int] = []

    def body() -> Iterator[bytes]:
        for number in range(20):
            pulled.append(number)
            yield b"\0" * CHUNK
            cancel.set()  # the user cancels once the first MiB has arrived

    api.get(GCS).mock(return_value=httpx.Response(200, content=body()))
    with pytest.raises(JobCancelledError):
        client.download(OP, _request(tmp_path), cancel)
    assert len(pulled) <= 2  # stopped at once, not after the whole body
    assert not list((tmp_path / "clips").glob("*.mp4"))
