"""Veo creates on Vertex AI under every way an answer can go wrong: one POST, never re-sent if billed."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import httpx
import pytest
import respx
from google.oauth2.credentials import Credentials

from imageai.core.errors import NetworkError, OutcomeUnknownError
from imageai.providers.google.veo_client import VeoClient
from tests.unit.providers.google.test_veo_vertex import CREATE, FETCH, OP, _request, _settings

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path


@pytest.fixture
def api() -> Iterator[respx.MockRouter]:
    with respx.mock(assert_all_called=False) as router:
        yield router


@pytest.fixture
def client() -> Iterator[VeoClient]:
    veo = VeoClient(
        _settings(), credentials=Credentials(token="vertex-token"), sleep=lambda _: None
    )
    yield veo
    veo.close()


def _json(status: int, body: Any) -> httpx.Response:
    return httpx.Response(status, json=body)


def _raw(status: int, text: str, content_type: str = "application/json") -> httpx.Response:
    return httpx.Response(status, text=text, headers={"content-type": content_type})


def _rpc(status: int, name: str) -> httpx.Response:
    return _json(status, {"error": {"code": status, "status": name, "message": name}})


@pytest.mark.parametrize(
    "fault",
    [
        pytest.param(httpx.RemoteProtocolError("reset"), id="reset-after-send"),
        pytest.param(httpx.ReadError("connection reset by peer"), id="read-error"),
        pytest.param(httpx.ReadTimeout("no answer"), id="read-timeout"),
        pytest.param(RuntimeError("TLS library fault"), id="unforeseen-exception"),
        pytest.param(_rpc(500, "INTERNAL"), id="500-billed"),
        pytest.param(_rpc(503, "UNAVAILABLE"), id="503"),
        pytest.param(_raw(502, "<html>bad gateway</html>", "text/html"), id="502-bare"),
        pytest.param(_rpc(408, "DEADLINE_EXCEEDED"), id="408"),
        pytest.param(_rpc(409, "ABORTED"), id="409"),
        pytest.param(_raw(200, '{"name": "projects/p/locat'), id="200-truncated"),
        pytest.param(_raw(200, "<html>ok</html>", "text/html"), id="200-html"),
        pytest.param(_raw(200, ""), id="200-empty"),
        pytest.param(_json(200, {"done": False}), id="200-no-name"),
        pytest.param(_json(200, {"name": 7}), id="200-number-name"),
        pytest.param(_json(200, []), id="200-list"),
    ],
)
def test_a_veo_create_that_may_have_been_billed_is_outcome_unknown_and_sent_once(
    api: respx.MockRouter, client: VeoClient, tmp_path: Path, fault: Any
) -> None:
    route = api.post(CREATE)
    if isinstance(fault, Exception):
        route.mock(side_effect=fault)
    else:
        route.mock(return_value=fault)
    with pytest.raises(OutcomeUnknownError):
        client.start(_request(tmp_path))
    assert route.call_count == 1


def test_only_a_refused_connection_and_429_are_sent_again(
    api: respx.MockRouter, client: VeoClient, tmp_path: Path
) -> None:
    route = api.post(CREATE).mock(
        side_effect=[
            httpx.ConnectError("refused"),
            _rpc(429, "RESOURCE_EXHAUSTED"),
            _json(200, {"name": OP}),
        ]
    )
    assert client.start(_request(tmp_path)).job_id == OP
    assert route.call_count == 3


def test_an_unreadable_poll_answer_is_a_retryable_network_error(
    api: respx.MockRouter, client: VeoClient
) -> None:
    api.post(FETCH).mock(return_value=_raw(200, '{"name": "op", "do'))
    with pytest.raises(NetworkError):
        client.poll(OP)


def test_the_sdk_sends_generate_videos_once_when_retry_options_are_unset(
    api: respx.MockRouter,
) -> None:
    # What veo_vertex relied on before it set attempts=1 explicitly: google-genai 3.6.1's
    # retry_args(None) is stop_after_attempt(1).
    from google import genai
    from google.genai import errors, types

    route = api.post(CREATE).mock(return_value=_rpc(503, "UNAVAILABLE"))
    with httpx.Client() as http:
        sdk = genai.Client(
            vertexai=True,
            project="proj",
            location="us-central1",
            credentials=Credentials(token="t"),
            http_options=types.HttpOptions(httpx_client=http),
        )
        with pytest.raises(errors.ServerError):
            sdk.models.generate_videos(
                model="veo-3.1-generate-001", source=types.GenerateVideosSource(prompt="p")
            )
    assert route.call_count == 1


def test_a_cloud_storage_download_cut_short_without_length_is_fetched_again(
    api: respx.MockRouter, client: VeoClient, tmp_path: Path
) -> None:
    import threading

    from tests.fakes.clips import mp4_clip

    clip = mp4_clip(8)
    done = {"name": OP, "done": True, "response": {"videos": [{"gcsUri": "gs://b/v.mp4"}]}}
    api.post(FETCH).mock(return_value=_json(200, done))
    # A close-delimited body that stops early looks like a clean end: only box sizes tell.
    cut = httpx.Response(200, stream=httpx.ByteStream(clip[:700]))
    gcs = api.get("https://storage.googleapis.com/download/storage/v1/b/b/o/v.mp4").mock(
        side_effect=[cut, httpx.Response(200, content=clip)]
    )
    result = client.download(OP, _request(tmp_path), threading.Event())
    assert result.clip_path.read_bytes() == clip
    assert gcs.call_count == 2
    assert [p.name for p in (tmp_path / "clips").iterdir()] == ["s1.mp4"]
