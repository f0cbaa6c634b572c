"""OmniClient on the Gemini API at the HTTP layer: the SDK's real requests under pytest-httpx2."""

from __future__ import annotations

import base64
import json
import threading
import time
from typing import TYPE_CHECKING, Any

import httpx
import pytest
from google import genai
from google.genai import types
from pydantic import SecretStr

from imageai.core.errors import (
    AuthError,
    InvalidRequestError,
    JobCancelledError,
    ModelGoneError,
    NetworkError,
    OutcomeUnknownError,
    PermissionDeniedError,
    QuotaError,
)
from imageai.core.job_loop import run_job
from imageai.core.jobs import Created, PollState, Progress, SourceClip, SourceMode
from imageai.core.key_check import KeyStatus
from imageai.core.models import OmniSettings
from imageai.providers.google.omni_client import OmniClient
from tests.unit.providers.google.test_omni_payload import (
    MP4,
    OMNI,
    image_of,
    make_image,
    omni_request,
)

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    import respx

KEY = "AIza-omni-test"
HOST = "https://generativelanguage.googleapis.com"
CREATE = f"{HOST}/v1/interactions"
GET = f"{HOST}/v1/interactions/int-1"
FILE = f"{HOST}/v1beta/files/vid-1:download?alt=media"


def interaction(status: str = "in_progress", **extra: Any) -> httpx.Response:
    return httpx.Response(200, json={"id": "int-1", "status": status, **extra})


def finished(**video: Any) -> httpx.Response:
    output = {"type": "video", "mime_type": "video/mp4", **video}
    steps = [
        {"type": "user_input", "content": [{"type": "text", "text": "p"}]},
        {"type": "model_output", "content": [output]},
    ]
    return interaction("completed", steps=steps)


def api_error(status: int, body: dict[str, Any], **headers: str) -> httpx.Response:
    return httpx.Response(status, json=body, headers=headers)


def rpc(status: int, name: str, message: str = "m", reason: str | None = None) -> dict[str, Any]:
    error: dict[str, Any] = {"code": status, "status": name, "message": message}
    if reason:
        error["details"] = [{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": reason}]
    return {"error": error}


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def client(sleeps: list[float]) -> Iterator[OmniClient]:
    omni = OmniClient(
        OmniSettings(), api_key=SecretStr(KEY), sleep=sleeps.append, poll_interval=0.01
    )
    yield omni
    omni.close()


def _sent(route: respx.Route, n: int = -1) -> dict[str, Any]:
    body: dict[str, Any] = json.loads(route.calls[n].request.content)
    return body


def test_text_to_video_sends_exactly_the_interactions_body(
    httpx2_mock: respx.Router, client: OmniClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The version is pinned: the SDK's environment override must not move it.
    monkeypatch.setenv("GOOGLE_GENAI_API_VERSION", "v1alpha")
    route = httpx2_mock.post(CREATE).mock(return_value=interaction())
    job = client.start(omni_request(tmp_path))
    assert job.job_id == "int-1"
    assert job.billed_usd == pytest.approx(0.60)
    assert route.call_count == 1
    assert route.calls[0].request.headers["x-goog-api-key"] == KEY
    assert _sent(route) == {
        "model": OMNI,
        "background": True,
        "input": [
            {"type": "user_input", "content": [{"type": "text", "text": "a lighthouse at dusk"}]}
        ],
        "response_format": {
            "type": "video",
            "aspect_ratio": "16:9",
            "resolution": "720p",
            "duration": "6s",
        },
        "generation_config": {"video_config": {"task": "text_to_video"}},
    }


def test_first_frame_is_one_image_for_image_to_video(
    httpx2_mock: respx.Router, client: OmniClient, tmp_path: Path
) -> None:
    route = httpx2_mock.post(CREATE).mock(return_value=interaction())
    first = make_image(tmp_path / "first.png", (900, 600))
    client.start(omni_request(tmp_path, reference_image=first, aspect="9:16"))
    body = _sent(route)
    content = body["input"][0]["content"]
    assert [part["type"] for part in content] == ["text", "image"]
    with image_of(content[1]) as img:
        assert img.size == (720, 1280)
    assert body["generation_config"]["video_config"] == {"task": "image_to_video"}
    assert body["response_format"]["aspect_ratio"] == "9:16"


def test_first_and_last_frame_are_two_images_for_image_to_video(
    httpx2_mock: respx.Router, client: OmniClient, tmp_path: Path
) -> None:
    route = httpx2_mock.post(CREATE).mock(return_value=interaction())
    first = make_image(tmp_path / "first.png", color="red")
    last = make_image(tmp_path / "last.png", color="blue")
    client.start(omni_request(tmp_path, reference_image=first, last_frame_image=last))
    body = _sent(route)
    content = body["input"][0]["content"]
    assert [part["type"] for part in content] == ["text", "image", "image"]
    with image_of(content[1]) as a, image_of(content[2]) as b:
        assert a.convert("RGB").getpixel((5, 5)) == (255, 0, 0)
        assert b.convert("RGB").getpixel((5, 5)) == (0, 0, 255)
    assert body["generation_config"]["video_config"] == {"task": "image_to_video"}


def test_reference_images_seed_and_1080p_uri_delivery(
    httpx2_mock: respx.Router, tmp_path: Path
) -> None:
    route = httpx2_mock.post(CREATE).mock(return_value=interaction())
    refs = tuple(make_image(tmp_path / f"r{i}.png") for i in range(3))
    omni = OmniClient(OmniSettings(seed=42), api_key=SecretStr(KEY))
    request = omni_request(
        tmp_path, extra_reference_images=refs, resolution="1080p", settings=OmniSettings(seed=42)
    )
    omni.start(request)
    body = _sent(route)
    assert [p["type"] for p in body["input"][0]["content"]] == ["text"] + ["image"] * 3
    assert body["generation_config"] == {"seed": 42, "video_config": {"task": "reference_to_video"}}
    assert body["response_format"]["delivery"] == "uri"
    assert body["response_format"]["resolution"] == "1080p"
    omni.close()


def test_edit_refers_to_the_previous_interaction(
    httpx2_mock: respx.Router, client: OmniClient, tmp_path: Path
) -> None:
    route = httpx2_mock.post(CREATE).mock(return_value=interaction())
    source = SourceClip(mode=SourceMode.EDIT, job_id="int-prev")
    client.start(omni_request(tmp_path, prompt="make it night", source=source))
    body = _sent(route)
    assert body["previous_interaction_id"] == "int-prev"
    assert body["generation_config"]["video_config"] == {"task": "edit"}
    assert body["input"] == [
        {"type": "user_input", "content": [{"type": "text", "text": "make it night"}]}
    ]


def test_extend_sends_the_clip_when_there_is_no_interaction_to_refer_to(
    httpx2_mock: respx.Router, client: OmniClient, tmp_path: Path
) -> None:
    route = httpx2_mock.post(CREATE).mock(return_value=interaction())
    clip = tmp_path / "prev.mp4"
    clip.write_bytes(MP4)
    source = SourceClip(mode=SourceMode.EXTEND, clip_path=clip)
    client.start(omni_request(tmp_path, seconds=5, source=source))
    body = _sent(route)
    assert "previous_interaction_id" not in body
    assert body["generation_config"]["video_config"] == {"task": "extend"}
    video = body["input"][0]["content"][1]
    assert video == {
        "type": "video",
        "mime_type": "video/mp4",
        "data": base64.b64encode(MP4).decode(),
    }
    assert body["response_format"]["duration"] == "5s"


def test_the_sdk_resends_a_create_by_default_so_ours_sends_one(
    httpx2_mock: respx.Router, client: OmniClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("google.genai._gaos.utils.retries.time.sleep", lambda _s: None)
    route = httpx2_mock.post(CREATE).mock(
        return_value=api_error(503, {"error": {"code": "unavailable", "message": "busy"}})
    )
    default = genai.Client(api_key=KEY, http_options=types.HttpOptions(api_version="v1"))
    with pytest.raises(Exception, match="503"):
        default.interactions.create(model=OMNI, input="x", background=True)
    assert route.call_count == 5  # the SDK's default: 1 + 4 retries of a billable POST
    route.reset()
    with pytest.raises(OutcomeUnknownError):
        client.start(omni_request(tmp_path))
    assert route.call_count == 1


@pytest.mark.parametrize(
    "fault",
    [
        httpx.RemoteProtocolError("reset after send"),
        httpx.ReadTimeout("no answer"),
        api_error(500, {"error": {"code": "internal", "message": "oops"}}),
        httpx.Response(502, text="<html>bad gateway</html>"),
    ],
)
def test_a_lost_create_answer_is_outcome_unknown_and_never_resent(
    httpx2_mock: respx.Router, client: OmniClient, tmp_path: Path, fault: Any
) -> None:
    route = httpx2_mock.post(CREATE)
    if isinstance(fault, Exception):
        route.mock(side_effect=fault)
    else:
        route.mock(return_value=fault)
    with pytest.raises(OutcomeUnknownError, match="may or may not"):
        client.start(omni_request(tmp_path))
    assert route.call_count == 1


def test_connect_refused_and_429_are_retried_as_nothing_was_created(
    httpx2_mock: respx.Router, client: OmniClient, sleeps: list[float], tmp_path: Path
) -> None:
    busy = api_error(429, rpc(429, "RESOURCE_EXHAUSTED"), **{"Retry-After": "3"})
    route = httpx2_mock.post(CREATE).mock(
        side_effect=[httpx.ConnectError("refused"), busy, interaction()]
    )
    assert client.start(omni_request(tmp_path)).job_id == "int-1"
    assert route.call_count == 3
    assert sleeps[1] == 3.0  # Retry-After honoured


@pytest.mark.parametrize(
    ("response", "error"),
    [
        (api_error(400, rpc(400, "INVALID_ARGUMENT", "API key not valid", "API_KEY_INVALID")), AuthError),
        (api_error(403, rpc(403, "PERMISSION_DENIED", "no access")), PermissionDeniedError),
        (api_error(400, {"error": {"code": "invalid_argument", "message": "bad"}}), InvalidRequestError),
        (api_error(429, {"error": {"code": 429, "status": "RESOURCE_EXHAUSTED", "message": "day", "details": [
            {"@type": "type.googleapis.com/google.rpc.QuotaFailure",
             "violations": [{"quotaId": "GenerateRequestsPerDay"}]}]}}), QuotaError),
    ],
)  # fmt: skip
def test_final_create_errors_are_typed_and_not_retried(
    httpx2_mock: respx.Router, client: OmniClient, tmp_path: Path, response: httpx.Response,
    error: type[Exception],
) -> None:  # fmt: skip
    route = httpx2_mock.post(CREATE).mock(return_value=response)
    with pytest.raises(error):
        client.start(omni_request(tmp_path))
    assert route.call_count == 1


def test_a_retired_model_names_its_successor(
    httpx2_mock: respx.Router, client: OmniClient, tmp_path: Path
) -> None:
    message = (
        "This model models/gemini-omni-1.1-flash is no longer available. Please update your "
        "code to use models/gemini-omni-1.2-flash instead."
    )
    httpx2_mock.post(CREATE).mock(
        return_value=api_error(404, {"error": {"code": "not_found", "message": message}})
    )
    with pytest.raises(ModelGoneError) as err:
        client.start(omni_request(tmp_path))
    assert err.value.successor == "gemini-omni-1.2-flash"
    assert err.value.model == OMNI
    assert "gemini-omni-1.2-flash" in err.value.user_message


def test_inline_video_lands_in_clips(
    httpx2_mock: respx.Router, client: OmniClient, tmp_path: Path
) -> None:
    data = base64.b64encode(MP4).decode()
    httpx2_mock.get(GET).mock(side_effect=[interaction("queued"), finished(data=data)])
    request = omni_request(tmp_path)
    assert client.poll("int-1").state is PollState.QUEUED
    assert client.poll("int-1").state is PollState.COMPLETED
    result = client.download("int-1", request, threading.Event())
    assert result.clip_path == tmp_path / "clips" / "s1.mp4"
    assert result.clip_path.read_bytes() == MP4
    assert list((tmp_path / "clips").iterdir()) == [result.clip_path]  # no temp file left


def test_uri_video_streams_and_resumes_with_range_after_a_cut(
    httpx2_mock: respx.Router, client: OmniClient, tmp_path: Path
) -> None:
    httpx2_mock.get(GET).mock(return_value=finished(uri=FILE))
    cut = httpx.Response(200, content=MP4[:700], headers={"content-length": str(len(MP4))})
    rest = httpx.Response(
        206, content=MP4[700:], headers={"content-range": f"bytes 700-{len(MP4) - 1}/{len(MP4)}"}
    )
    files = httpx2_mock.get(FILE).mock(side_effect=[cut, rest])
    result = client.download("int-1", omni_request(tmp_path), threading.Event())
    assert result.clip_path.read_bytes() == MP4
    assert files.calls[1].request.headers["range"] == "bytes=700-"
    assert files.calls[0].request.headers["x-goog-api-key"] == KEY


def test_the_key_is_not_sent_to_another_host(
    httpx2_mock: respx.Router, client: OmniClient, tmp_path: Path
) -> None:
    other = "https://cdn.example.com/v.mp4"
    httpx2_mock.get(GET).mock(return_value=finished(uri=other))
    files = httpx2_mock.get(f"{other}?alt=media").mock(
        return_value=httpx.Response(200, content=MP4)
    )
    client.download("int-1", omni_request(tmp_path), threading.Event())
    assert "x-goog-api-key" not in files.calls[0].request.headers


def test_a_truncated_download_that_never_completes_leaves_no_clip(
    httpx2_mock: respx.Router, client: OmniClient, tmp_path: Path
) -> None:
    httpx2_mock.get(GET).mock(return_value=finished(uri=FILE))
    httpx2_mock.get(FILE).mock(
        return_value=httpx.Response(200, content=MP4[:100], headers={"content-length": "5000"})
    )
    with pytest.raises(NetworkError):
        client.download("int-1", omni_request(tmp_path), threading.Event())
    assert not any((tmp_path / "clips").iterdir())


def test_cancel_wakes_the_poll_at_once_and_cancels_remotely(
    httpx2_mock: respx.Router, tmp_path: Path
) -> None:
    httpx2_mock.post(CREATE).mock(return_value=interaction())
    httpx2_mock.get(GET).mock(return_value=interaction())
    remote = httpx2_mock.post(f"{GET}/cancel").mock(return_value=interaction("cancelled"))
    omni = OmniClient(OmniSettings(), api_key=SecretStr(KEY), poll_interval=60.0)
    cancel = threading.Event()
    seen: list[float] = []

    def render() -> None:
        for event in run_job(omni_request(tmp_path), omni, cancel):
            if isinstance(event, Progress):
                threading.Timer(0.1, cancel.set).start()
                seen.append(time.monotonic())
            assert not isinstance(event, Created) or event.job_id == "int-1"

    with pytest.raises(JobCancelledError):
        render()
    assert time.monotonic() - seen[0] < 5.0  # not the 60 s poll interval
    assert remote.call_count == 1
    omni.close()


def test_check_key_tells_a_bad_key_from_a_good_one(
    httpx2_mock: respx.Router, client: OmniClient
) -> None:
    model = httpx2_mock.get(f"{HOST}/v1/models/{OMNI}")
    model.mock(return_value=httpx.Response(200, json={"name": f"models/{OMNI}"}))
    assert client.check_key().status is KeyStatus.OK
    model.mock(return_value=api_error(400, rpc(400, "INVALID_ARGUMENT", "bad", "API_KEY_INVALID")))
    assert client.check_key().status is KeyStatus.BAD_KEY
    assert OmniClient(OmniSettings()).check_key().status is KeyStatus.MISSING


def test_the_factory_builds_omni_from_the_gemini_key_and_base_url(
    httpx2_mock: respx.Router, tmp_path: Path
) -> None:
    from imageai.core.catalog import default_catalog
    from imageai.core.errors import AuthError as MissingKey
    from imageai.core.models import ProviderName, VeoBackend
    from imageai.core.secrets import InMemorySecretStore
    from imageai.providers.factory import provider_factory

    env = {"GEMINI_API_KEY": KEY, "GOOGLE_GEMINI_BASE_URL": "http://fake.test"}
    build = provider_factory(InMemorySecretStore(), default_catalog(), env)
    provider = build(ProviderName.OMNI, OmniSettings())
    assert isinstance(provider, OmniClient)
    route = httpx2_mock.post("http://fake.test/v1/interactions").mock(return_value=interaction())
    provider.start(omni_request(tmp_path))
    assert route.calls[0].request.headers["x-goog-api-key"] == KEY
    provider.close()
    without_key = provider_factory(InMemorySecretStore(), default_catalog(), {})
    with pytest.raises(MissingKey):
        without_key(ProviderName.OMNI, OmniSettings())
    vertex = OmniSettings(backend=VeoBackend.VERTEX, vertex_project="p")
    assert isinstance(without_key(ProviderName.OMNI, vertex), OmniClient)


@pytest.mark.parametrize(
    "body",
    [
        {"id": 5, "status": ["x"], "steps": "nope"},
        {"id": "int-1", "status": "completed", "steps": [{"type": "model_output", "content": "x"}]},
        {"id": "int-1", "status": "completed", "steps": [{"type": "model_output", "content": [
            {"type": "video", "data": 7}]}]},
        {"id": "int-1", "status": "failed", "errors": ["x", {"code": 3}]},
        {"id": "int-1", "status": "completed", "steps": [{"type": "model_output", "content": [
            {"type": "video", "data": "not base64!"}]}]},
        [],
        "text",
    ],
)  # fmt: skip
def test_a_hostile_interaction_body_never_escapes_as_anything_but_a_provider_error(
    httpx2_mock: respx.Router, client: OmniClient, tmp_path: Path, body: Any
) -> None:
    from imageai.core.errors import ProviderError

    httpx2_mock.get(GET).mock(return_value=httpx.Response(200, json=body))
    try:
        status = client.poll("int-1")
        if status.state is PollState.COMPLETED:
            client.download("int-1", omni_request(tmp_path), threading.Event())
    except ProviderError:
        pass
    assert not (tmp_path / "clips").exists() or not any((tmp_path / "clips").iterdir())


@pytest.mark.parametrize("uri", ["file:///etc/passwd", "http://evil.example/v.mp4", "ftp://x/v"])
def test_a_video_address_that_is_not_https_is_not_fetched(
    httpx2_mock: respx.Router, client: OmniClient, tmp_path: Path, uri: str
) -> None:
    from imageai.core.errors import ProviderError

    httpx2_mock.get(GET).mock(return_value=finished(uri=uri))
    with pytest.raises(ProviderError, match="will not fetch"):
        client.download("int-1", omni_request(tmp_path), threading.Event())
    assert len(httpx2_mock.calls) == 1  # only the poll: nothing was fetched
