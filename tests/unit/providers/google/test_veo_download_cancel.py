"""A Veo download stops at cancel: no byte is fetched after the user cancelled."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

import httpx
import pytest

from imageai.core.errors import JobCancelledError
from tests.unit.providers.google.test_veo_vertex import (  # noqa: F401 - fixtures
    FETCH,
    MP4,
    OP,
    _request,
    api,
    client,
)

if TYPE_CHECKING:
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
