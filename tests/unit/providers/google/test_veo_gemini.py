"""VeoClient on the Gemini API at the HTTP layer (respx): every route, retries, errors, downloads."""

from __future__ import annotations

import json
import threading
from typing import TYPE_CHECKING, Any

import httpx
import pytest
import respx
from pydantic import SecretStr

from imageai.core.errors import (
    AuthError,
    ContentPolicyError,
    InvalidRequestError,
    JobCancelledError,
    NetworkError,
    NotFoundError,
    OutcomeUnknownError,
    PermissionDeniedError,
    RateLimitError,
)
from imageai.core.jobs import PollState
from imageai.core.key_check import KeyStatus
from imageai.core.models import VeoSettings
from imageai.providers.google.veo_client import CREATE_ATTEMPTS, VeoClient
from tests.unit.providers.google.test_veo_payload import FAST, decoded_size, make_image, veo_request

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

BASE = "https://veo.test"
KEY = "gemini-test-key-123"
CREATE = f"{BASE}/v1beta/models/{FAST}:predictLongRunning"
OP = f"models/{FAST}/operations/op1"
FILE = f"{BASE}/v1beta/files/f1:download?alt=media"
MP4 = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2" + b"\x00" * 4000


def _error(status: int, name: str, message: str = "m", reason: str | None = None) -> httpx.Response:
    error: dict[str, Any] = {"code": status, "status": name, "message": message}
    if reason:
        error["details"] = [{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": reason}]
    return httpx.Response(status, json={"error": error})


def _done(uri: str = FILE) -> dict[str, Any]:
    samples = [{"video": {"uri": uri}}]
    return {
        "name": OP,
        "done": True,
        "response": {"generateVideoResponse": {"generatedSamples": samples}},
    }


@pytest.fixture
def api() -> Iterator[respx.MockRouter]:
    with respx.mock(assert_all_called=False) as router:
        yield router


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def client(sleeps: list[float]) -> Iterator[VeoClient]:
    veo = VeoClient(
        VeoSettings(),
        api_key=SecretStr(KEY),
        base_url=BASE,
        poll_interval=0.01,
        sleep=sleeps.append,
        backoff_s=0.0,
    )
    yield veo
    veo.close()


# ---- create -----------------------------------------------------------------------------------


def test_create_posts_the_payload_with_the_key_header(
    api: respx.MockRouter, client: VeoClient, tmp_path: Path
) -> None:
    route = api.post(CREATE).mock(return_value=httpx.Response(200, json={"name": OP}))
    image = make_image(tmp_path / "wide.png", (1000, 1000))
    started = client.start(veo_request(tmp_path, reference_image=image))
    assert started.job_id == OP
    assert started.billed_usd == pytest.approx(1.20)
    sent = route.calls.last.request
    assert sent.headers["x-goog-api-key"] == KEY
    body = json.loads(sent.content)
    assert body["parameters"]["durationSeconds"] == 8
    assert decoded_size(body["instances"][0]["image"]) == (1280, 720)


def test_base_url_comes_from_the_environment(
    api: respx.MockRouter, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("GOOGLE_GEMINI_BASE_URL", BASE)
    route = api.post(CREATE).mock(return_value=httpx.Response(200, json={"name": OP}))
    VeoClient(VeoSettings(), api_key=SecretStr(KEY)).start(veo_request(tmp_path))
    assert route.call_count == 1


@pytest.mark.parametrize(
    "failure",
    [
        httpx.Response(429, json={"error": {"code": 429, "status": "RESOURCE_EXHAUSTED"}}),
        httpx.Response(503, json={"error": {"code": 503, "status": "UNAVAILABLE"}}),
        httpx.ConnectError("refused"),
    ],
)
def test_create_retries_only_where_nothing_was_created(
    api: respx.MockRouter, client: VeoClient, tmp_path: Path, failure: Any
) -> None:
    route = api.post(CREATE).mock(side_effect=[failure, httpx.Response(200, json={"name": OP})])
    assert client.start(veo_request(tmp_path)).job_id == OP
    assert route.call_count == 2


def test_create_honours_retry_after(
    api: respx.MockRouter, client: VeoClient, sleeps: list[float], tmp_path: Path
) -> None:
    limited = httpx.Response(
        429,
        json={"error": {"code": 429, "status": "RESOURCE_EXHAUSTED"}},
        headers={"Retry-After": "3"},
    )
    api.post(CREATE).mock(side_effect=[limited, httpx.Response(200, json={"name": OP})])
    client.start(veo_request(tmp_path))
    assert sleeps == [3.0]


def test_create_retries_are_bounded(
    api: respx.MockRouter, client: VeoClient, tmp_path: Path
) -> None:
    route = api.post(CREATE).mock(return_value=_error(429, "RESOURCE_EXHAUSTED"))
    with pytest.raises(RateLimitError):
        client.start(veo_request(tmp_path))
    assert route.call_count == CREATE_ATTEMPTS


def test_a_long_retry_after_is_not_waited_out(
    api: respx.MockRouter, client: VeoClient, sleeps: list[float], tmp_path: Path
) -> None:
    long_wait = httpx.Response(
        429,
        json={"error": {"code": 429, "status": "RESOURCE_EXHAUSTED"}},
        headers={"Retry-After": "3600"},
    )
    route = api.post(CREATE).mock(return_value=long_wait)
    with pytest.raises(RateLimitError) as caught:
        client.start(veo_request(tmp_path))
    assert route.call_count == 1
    assert caught.value.retry_after == 3600
    assert sleeps == []


@pytest.mark.parametrize(
    "ambiguous",
    [
        httpx.ReadTimeout("no answer"),
        httpx.RemoteProtocolError("Server disconnected without sending a response."),
        httpx.ReadError("connection reset"),
        httpx.Response(502, text="<html>Bad Gateway</html>"),
        httpx.Response(200, json={}),
    ],
)
def test_create_is_never_retried_after_an_ambiguous_failure(
    api: respx.MockRouter, client: VeoClient, tmp_path: Path, ambiguous: Any
) -> None:
    route = api.post(CREATE).mock(side_effect=[ambiguous, httpx.Response(200, json={"name": OP})])
    with pytest.raises(OutcomeUnknownError) as caught:
        client.start(veo_request(tmp_path))
    assert route.call_count == 1
    assert "Retry" in caught.value.user_message


@pytest.mark.parametrize(
    ("response", "expected"),
    [
        (_error(400, "INVALID_ARGUMENT", "API key not valid.", "API_KEY_INVALID"), AuthError),
        (_error(403, "PERMISSION_DENIED"), PermissionDeniedError),
        (_error(400, "INVALID_ARGUMENT", "resolution 4k is not supported"), InvalidRequestError),
        (_error(404, "NOT_FOUND"), NotFoundError),
    ],
)
def test_final_create_errors_are_not_retried(
    api: respx.MockRouter,
    client: VeoClient,
    tmp_path: Path,
    response: httpx.Response,
    expected: type,
) -> None:
    route = api.post(CREATE).mock(return_value=response)
    with pytest.raises(expected):
        client.start(veo_request(tmp_path))
    assert route.call_count == 1


def test_missing_key_fails_before_any_call(api: respx.MockRouter, tmp_path: Path) -> None:
    route = api.post(CREATE)
    with pytest.raises(AuthError):
        VeoClient(VeoSettings(), base_url=BASE).start(veo_request(tmp_path))
    assert route.call_count == 0


def test_key_never_appears_in_errors(
    api: respx.MockRouter, client: VeoClient, tmp_path: Path
) -> None:
    api.post(CREATE).mock(return_value=_error(400, "INVALID_ARGUMENT", "bad", "API_KEY_INVALID"))
    with pytest.raises(AuthError) as caught:
        client.start(veo_request(tmp_path))
    assert KEY not in str(caught.value) + caught.value.detail


# ---- poll -------------------------------------------------------------------------------------


def test_poll_running_then_completed(api: respx.MockRouter, client: VeoClient) -> None:
    route = api.get(f"{BASE}/v1beta/{OP}").mock(
        side_effect=[httpx.Response(200, json={"name": OP}), httpx.Response(200, json=_done())]
    )
    assert client.poll(OP).state is PollState.RUNNING
    assert client.poll(OP).state is PollState.COMPLETED
    assert route.calls.last.request.headers["x-goog-api-key"] == KEY


def test_poll_safety_filter_shows_googles_reason(api: respx.MockRouter, client: VeoClient) -> None:
    filtered = {
        "name": OP,
        "done": True,
        "response": {
            "generateVideoResponse": {
                "raiMediaFilteredCount": 1,
                "raiMediaFilteredReasons": ["The prompt names a real person."],
            }
        },
    }
    api.get(f"{BASE}/v1beta/{OP}").mock(return_value=httpx.Response(200, json=filtered))
    status = client.poll(OP)
    assert status.state is PollState.FAILED
    assert isinstance(status.error, ContentPolicyError)
    assert "The prompt names a real person." in status.error.user_message


def test_poll_failed_operation(api: respx.MockRouter, client: VeoClient) -> None:
    failed = {"name": OP, "done": True, "error": {"code": 3, "message": "image too small"}}
    api.get(f"{BASE}/v1beta/{OP}").mock(return_value=httpx.Response(200, json=failed))
    status = client.poll(OP)
    assert isinstance(status.error, InvalidRequestError)
    assert "image too small" in status.error.user_message


def test_poll_errors(api: respx.MockRouter, client: VeoClient) -> None:
    api.get(f"{BASE}/v1beta/{OP}").mock(
        side_effect=[
            _error(404, "NOT_FOUND"),
            httpx.ConnectError("down"),
            _error(503, "UNAVAILABLE"),
        ]
    )
    with pytest.raises(NotFoundError):
        client.poll(OP)
    with pytest.raises(NetworkError) as caught:
        client.poll(OP)
    assert not caught.value.final
    with pytest.raises(NetworkError):
        client.poll(OP)


# ---- download ---------------------------------------------------------------------------------


def test_download_streams_the_clip_into_clips(
    api: respx.MockRouter, client: VeoClient, tmp_path: Path
) -> None:
    api.get(f"{BASE}/v1beta/{OP}").mock(return_value=httpx.Response(200, json=_done()))
    files = api.get(FILE).mock(return_value=httpx.Response(200, content=MP4))
    result = client.download(OP, veo_request(tmp_path, scene_id="sc9"), threading.Event())
    assert result.clip_path == tmp_path / "clips" / "sc9.mp4"
    assert result.clip_path.read_bytes() == MP4
    assert files.calls.last.request.headers["x-goog-api-key"] == KEY
    assert list((tmp_path / "clips").iterdir()) == [result.clip_path]


def test_download_redirect_to_another_host_drops_the_key(
    api: respx.MockRouter, client: VeoClient, tmp_path: Path
) -> None:
    api.get(f"{BASE}/v1beta/{OP}").mock(return_value=httpx.Response(200, json=_done()))
    api.get(FILE).mock(
        return_value=httpx.Response(302, headers={"Location": "https://cdn.test/v.mp4"})
    )
    cdn = api.get("https://cdn.test/v.mp4").mock(return_value=httpx.Response(200, content=MP4))
    client.download(OP, veo_request(tmp_path), threading.Event())
    assert "x-goog-api-key" not in cdn.calls.last.request.headers


def test_download_retries_transient_failures(
    api: respx.MockRouter, client: VeoClient, tmp_path: Path
) -> None:
    api.get(f"{BASE}/v1beta/{OP}").mock(return_value=httpx.Response(200, json=_done()))
    files = api.get(FILE).mock(
        side_effect=[
            _error(503, "UNAVAILABLE"),
            httpx.ReadError("reset"),
            httpx.Response(200, content=b"not a video at all"),
            httpx.Response(200, content=MP4),
        ]
    )
    result = client.download(OP, veo_request(tmp_path), threading.Event())
    assert files.call_count == 4
    assert result.clip_path.read_bytes() == MP4


def test_download_of_an_expired_file_is_not_found(
    api: respx.MockRouter, client: VeoClient, tmp_path: Path
) -> None:
    api.get(f"{BASE}/v1beta/{OP}").mock(return_value=httpx.Response(200, json=_done()))
    files = api.get(FILE).mock(return_value=_error(404, "NOT_FOUND"))
    with pytest.raises(NotFoundError, match="two days"):
        client.download(OP, veo_request(tmp_path), threading.Event())
    assert files.call_count == 1
    assert not (tmp_path / "clips" / "s1.mp4").exists()


def test_cancelled_download_leaves_no_file(
    api: respx.MockRouter, client: VeoClient, tmp_path: Path
) -> None:
    api.get(f"{BASE}/v1beta/{OP}").mock(return_value=httpx.Response(200, json=_done()))
    api.get(FILE).mock(return_value=httpx.Response(200, content=MP4))
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(JobCancelledError):
        client.download(OP, veo_request(tmp_path), cancel)
    assert list((tmp_path / "clips").glob("*")) == []


def test_completed_poll_is_reused_by_download(
    api: respx.MockRouter, client: VeoClient, tmp_path: Path
) -> None:
    ops = api.get(f"{BASE}/v1beta/{OP}").mock(return_value=httpx.Response(200, json=_done()))
    api.get(FILE).mock(return_value=httpx.Response(200, content=MP4))
    client.poll(OP)
    client.download(OP, veo_request(tmp_path), threading.Event())
    assert ops.call_count == 1


# ---- key check --------------------------------------------------------------------------------


def _models(*names: str) -> httpx.Response:
    models = [
        {"name": f"models/{n}", "supportedGenerationMethods": ["predictLongRunning"]} for n in names
    ]
    return httpx.Response(200, json={"models": models})


@pytest.mark.parametrize(
    ("answer", "status"),
    [
        (_models(FAST, "veo-3.1-generate-preview"), KeyStatus.OK),
        (_models(), KeyStatus.NO_VIDEO_ACCESS),
        (
            _error(400, "INVALID_ARGUMENT", "API key not valid.", "API_KEY_INVALID"),
            KeyStatus.BAD_KEY,
        ),
        (_error(403, "PERMISSION_DENIED"), KeyStatus.NO_VIDEO_ACCESS),
        (httpx.ConnectError("no route"), KeyStatus.NETWORK),
    ],
)
def test_check_key_tells_the_cases_apart(
    api: respx.MockRouter, client: VeoClient, answer: Any, status: KeyStatus
) -> None:
    api.get(f"{BASE}/v1beta/models").mock(side_effect=[answer])
    assert client.check_key().status is status


def test_check_key_follows_pages(api: respx.MockRouter, client: VeoClient) -> None:
    first = httpx.Response(200, json={"models": [], "nextPageToken": "p2"})
    route = api.get(f"{BASE}/v1beta/models").mock(side_effect=[first, _models(FAST)])
    assert client.check_key().ok
    assert route.calls.last.request.url.params["pageToken"] == "p2"


def test_check_key_without_a_key_is_missing() -> None:
    assert VeoClient(VeoSettings(), base_url=BASE).check_key().status is KeyStatus.MISSING
