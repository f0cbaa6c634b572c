"""VeoClient on Vertex AI: google-genai in Vertex mode on a plain httpx client, under respx."""

from __future__ import annotations

import base64
import json
import threading
from typing import TYPE_CHECKING, Any

import httpx
import pytest
import respx
from google.oauth2.credentials import Credentials

from imageai.cli.progress import RenderReport
from imageai.core.errors import (
    AuthError,
    ContentPolicyError,
    InvalidRequestError,
    JobError,
    ModelGoneError,
    NotFoundError,
    OutcomeUnknownError,
    PermissionDeniedError,
    RateLimitError,
)
from imageai.core.jobs import PollState
from imageai.core.key_check import KeyStatus
from imageai.core.models import ProviderName, VeoBackend, VeoSettings
from imageai.providers.google.veo_client import VeoClient
from imageai.services.error_advice import ErrorAction, advise
from tests.fakes.clips import mp4_clip
from tests.unit.providers.google.test_veo_payload import decoded_size, make_image, veo_request

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

MODEL = "veo-3.1-generate-001"
HOST = "https://us-central1-aiplatform.googleapis.com"
RESOURCE = f"projects/proj/locations/us-central1/publishers/google/models/{MODEL}"
CREATE = f"{HOST}/v1beta1/{RESOURCE}:predictLongRunning"
FETCH = f"{HOST}/v1beta1/{RESOURCE}:fetchPredictOperation"
OP = f"{RESOURCE}/operations/op-7"
MP4 = mp4_clip(8)  # `veo_request`'s 8 s, real and playable: passes the clip check


def _settings(**kw: Any) -> VeoSettings:
    return VeoSettings(
        backend=VeoBackend.VERTEX,
        model=MODEL,
        vertex_project="proj",
        vertex_location="us-central1",
        **kw,
    )


def _request(tmp_path: Path, **kw: Any) -> Any:
    settings = kw.pop("settings", _settings())
    return veo_request(tmp_path, model=MODEL, settings=settings, **kw)


def _error(status: int, name: str, headers: dict[str, str] | None = None) -> httpx.Response:
    body = {"error": {"code": status, "status": name, "message": f"{name} from vertex"}}
    return httpx.Response(status, json=body, headers=headers)


@pytest.fixture
def api() -> Iterator[respx.MockRouter]:
    with respx.mock(assert_all_called=False) as router:
        yield router


@pytest.fixture
def client() -> Iterator[VeoClient]:
    veo = VeoClient(
        _settings(),
        credentials=Credentials(token="vertex-token"),
        sleep=lambda _: None,
        backoff_s=0.0,
    )
    yield veo
    veo.close()


def test_create_goes_through_the_sdk_with_bearer_auth(
    api: respx.MockRouter, client: VeoClient, tmp_path: Path
) -> None:
    route = api.post(CREATE).mock(return_value=httpx.Response(200, json={"name": OP}))
    first = make_image(tmp_path / "first.png", (640, 640))
    last = make_image(tmp_path / "last.png", (300, 900))
    settings = _settings(enhance_prompt=True, seed=7, negative_prompt="fog")
    started = client.start(
        _request(
            tmp_path, settings=settings, audio=False, reference_image=first, last_frame_image=last
        )
    )
    assert started.job_id == OP
    assert started.billed_usd == pytest.approx(8 * 0.20)
    sent = route.calls.last.request
    assert sent.headers["authorization"] == "Bearer vertex-token"
    body = json.loads(sent.content)
    assert body["parameters"] == {
        "sampleCount": 1,
        "durationSeconds": 8,
        "seed": 7,
        "aspectRatio": "16:9",
        "resolution": "720p",
        "negativePrompt": "fog",
        "enhancePrompt": True,
        "generateAudio": False,
    }
    instance = body["instances"][0]
    assert decoded_size(instance["image"]) == (1280, 720)
    assert decoded_size(instance["lastFrame"]) == (1280, 720)


def test_reference_images_are_sent_as_assets(
    api: respx.MockRouter, client: VeoClient, tmp_path: Path
) -> None:
    route = api.post(CREATE).mock(return_value=httpx.Response(200, json={"name": OP}))
    refs = tuple(make_image(tmp_path / f"r{i}.png", (500, 300 + 100 * i)) for i in range(2))
    client.start(_request(tmp_path, extra_reference_images=refs))
    refs_sent = json.loads(route.calls.last.request.content)["instances"][0]["referenceImages"]
    assert [r["referenceType"].lower() for r in refs_sent] == ["asset", "asset"]
    assert {decoded_size(r["image"]) for r in refs_sent} == {(1280, 720)}


def test_the_sdk_does_not_retry_a_create_on_its_own(
    api: respx.MockRouter, client: VeoClient, tmp_path: Path
) -> None:
    route = api.post(CREATE).mock(
        side_effect=[httpx.ReadTimeout("slow"), httpx.Response(200, json={"name": OP})]
    )
    with pytest.raises(OutcomeUnknownError):
        client.start(_request(tmp_path))
    assert route.call_count == 1


def test_429_and_a_refused_connection_are_retried_by_us_only(
    api: respx.MockRouter, client: VeoClient, tmp_path: Path
) -> None:
    # A 5xx is not here: it may come after the video was made (test_veo_money).
    route = api.post(CREATE).mock(
        side_effect=[
            _error(429, "RESOURCE_EXHAUSTED", {"Retry-After": "0"}),
            httpx.ConnectError("refused"),
            httpx.Response(200, json={"name": OP}),
        ]
    )
    assert client.start(_request(tmp_path)).job_id == OP
    assert route.call_count == 3


@pytest.mark.parametrize(
    ("response", "expected"),
    [
        (_error(401, "UNAUTHENTICATED"), AuthError),
        (_error(403, "PERMISSION_DENIED"), PermissionDeniedError),
        (_error(400, "INVALID_ARGUMENT"), InvalidRequestError),
        (_error(404, "NOT_FOUND"), NotFoundError),
    ],
)
def test_sdk_errors_are_classified(
    api: respx.MockRouter,
    client: VeoClient,
    tmp_path: Path,
    response: httpx.Response,
    expected: type,
) -> None:
    api.post(CREATE).mock(return_value=response)
    with pytest.raises(expected) as caught:
        client.start(_request(tmp_path))
    if expected is InvalidRequestError:
        assert "INVALID_ARGUMENT from vertex" in caught.value.user_message
    if expected is NotFoundError:
        assert "veo-3.1-fast-generate-001" in caught.value.user_message


def test_rate_limit_carries_retry_after(api: respx.MockRouter, tmp_path: Path) -> None:
    api.post(CREATE).mock(return_value=_error(429, "RESOURCE_EXHAUSTED", {"Retry-After": "900"}))
    veo = VeoClient(_settings(), credentials=Credentials(token="t"))
    with pytest.raises(RateLimitError) as caught:
        veo.start(_request(tmp_path))
    assert caught.value.retry_after == 900


def test_poll_and_download_inline_video(
    api: respx.MockRouter, client: VeoClient, tmp_path: Path
) -> None:
    done = {
        "name": OP,
        "done": True,
        "response": {
            "videos": [
                {"bytesBase64Encoded": base64.b64encode(MP4).decode(), "mimeType": "video/mp4"}
            ]
        },
    }
    fetch = api.post(FETCH).mock(
        side_effect=[httpx.Response(200, json={"name": OP}), httpx.Response(200, json=done)]
    )
    assert client.poll(OP).state is PollState.RUNNING
    assert client.poll(OP).state is PollState.COMPLETED
    assert json.loads(fetch.calls.last.request.content) == {"operationName": OP}
    result = client.download(OP, _request(tmp_path), threading.Event())
    assert result.clip_path.read_bytes() == MP4


def test_download_from_cloud_storage(
    api: respx.MockRouter, client: VeoClient, tmp_path: Path
) -> None:
    done = {
        "name": OP,
        "done": True,
        "response": {"videos": [{"gcsUri": "gs://bucket/out/v 1.mp4"}]},
    }
    api.post(FETCH).mock(return_value=httpx.Response(200, json=done))
    gcs = api.get(
        "https://storage.googleapis.com/download/storage/v1/b/bucket/o/out%2Fv%201.mp4"
    ).mock(return_value=httpx.Response(200, content=MP4))
    result = client.download(OP, _request(tmp_path), threading.Event())
    assert result.clip_path.read_bytes() == MP4
    assert gcs.calls.last.request.headers["authorization"] == "Bearer vertex-token"


def test_filtered_operation(api: respx.MockRouter, client: VeoClient) -> None:
    filtered = {
        "name": OP,
        "done": True,
        "response": {"raiMediaFilteredCount": 1, "raiMediaFilteredReasons": ["Violent content."]},
    }
    api.post(FETCH).mock(return_value=httpx.Response(200, json=filtered))
    status = client.poll(OP)
    assert isinstance(status.error, ContentPolicyError)
    assert "Violent content." in status.error.user_message


@pytest.mark.parametrize(
    ("answer", "status"),
    [
        (httpx.Response(200, json={"name": f"publishers/google/models/{MODEL}"}), KeyStatus.OK),
        (_error(401, "UNAUTHENTICATED"), KeyStatus.BAD_KEY),
        (_error(403, "PERMISSION_DENIED"), KeyStatus.NO_VIDEO_ACCESS),
        (httpx.ConnectError("offline"), KeyStatus.NETWORK),
    ],
)
def test_check_key(
    api: respx.MockRouter, client: VeoClient, answer: Any, status: KeyStatus
) -> None:
    api.get(url__regex=rf".*/publishers/google/models/{MODEL}$").mock(side_effect=[answer])
    assert client.check_key().status is status


def test_missing_application_default_credentials(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(tmp_path / "none.json"))
    veo = VeoClient(_settings())
    assert veo.check_key().status is KeyStatus.MISSING
    with pytest.raises(AuthError):
        veo.start(_request(tmp_path))


def test_a_model_google_says_is_gone_offers_the_successor_it_names(
    api: respx.MockRouter,
    client: VeoClient,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    message = (
        f"This model models/{MODEL} is no longer available. Please update your code to use "
        "models/gemini-omni-1.2-flash instead."
    )
    body = {"error": {"code": 404, "message": message, "status": "NOT_FOUND"}}
    route = api.post(CREATE).mock(return_value=httpx.Response(404, json=body))
    with pytest.raises(ModelGoneError) as caught:
        client.start(_request(tmp_path))
    assert route.call_count == 1
    assert caught.value.successor == "gemini-omni-1.2-flash"
    error = JobError.from_exception(caught.value)
    assert error.successor == "gemini-omni-1.2-flash"
    advice = advise(error, "Scene 1", ProviderName.VEO)
    assert advice.action is ErrorAction.RETARGET
    assert advice.action_label == "Move to gemini-omni-1.2-flash…"
    assert f"{MODEL} is gone" in advice.message
    report = RenderReport({"s1": "scene 1"}, as_json=False, project_dir=tmp_path)
    report.on_failed("s1", error)
    err = capsys.readouterr().err
    assert f"imageai video retarget {tmp_path} --provider omni --model gemini-omni-1.2-flash" in err


def _create_url(model: str) -> str:
    resource = f"projects/proj/locations/us-central1/publishers/google/models/{model}"
    return f"{HOST}/v1beta1/{resource}:predictLongRunning"


def test_lite_text_to_video_sends_only_the_accepted_parameters(
    api: respx.MockRouter, tmp_path: Path
) -> None:
    lite = "veo-3.1-lite-generate-001"
    route = api.post(_create_url(lite)).mock(return_value=httpx.Response(200, json={"name": OP}))
    settings = _settings().model_copy(update={"model": lite})
    veo = VeoClient(settings, credentials=Credentials(token="t"))
    started = veo.start(veo_request(tmp_path, model=lite, settings=settings, seconds=6))
    veo.close()
    # Lite always makes audio: no generateAudio is sent; 6 s at 720p costs 6 x $0.05.
    assert started.billed_usd == pytest.approx(0.30)
    body = json.loads(route.calls.last.request.content)
    assert body == {
        "instances": [{"prompt": "a lighthouse at dusk"}],
        "parameters": {
            "sampleCount": 1,
            "durationSeconds": 6,
            "aspectRatio": "16:9",
            "resolution": "720p",
        },
    }


def test_fast_takes_reference_images_and_prices_audio_off(
    api: respx.MockRouter, tmp_path: Path
) -> None:
    fast = "veo-3.1-fast-generate-001"
    route = api.post(_create_url(fast)).mock(return_value=httpx.Response(200, json={"name": OP}))
    settings = _settings().model_copy(update={"model": fast})
    veo = VeoClient(settings, credentials=Credentials(token="t"))
    refs = tuple(make_image(tmp_path / f"r{i}.png", (400, 300 + 200 * i)) for i in range(3))
    request = veo_request(
        tmp_path, model=fast, settings=settings, audio=False, extra_reference_images=refs
    )
    started = veo.start(request)
    veo.close()
    assert started.billed_usd == pytest.approx(8 * 0.10)
    body = json.loads(route.calls.last.request.content)
    refs_sent = body["instances"][0]["referenceImages"]
    assert len(refs_sent) == 3
    assert {decoded_size(r["image"]) for r in refs_sent} == {(1280, 720)}
    assert body["parameters"]["generateAudio"] is False
