"""OmniClient on Vertex AI at the HTTP layer: google-genai in enterprise mode, ADC bearer token."""

from __future__ import annotations

import json
import threading
from typing import TYPE_CHECKING, Any

import httpx
import pytest
from google.oauth2.credentials import Credentials

from imageai.core.errors import AuthError, OutcomeUnknownError
from imageai.core.jobs import PollState, SourceClip, SourceMode
from imageai.core.models import OmniSettings, VeoBackend
from imageai.providers.google.omni_client import OmniClient
from tests.unit.providers.google.test_omni_payload import MP4, OMNI, make_image, omni_request

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    import respx

ROOT = "https://aiplatform.googleapis.com/v1beta1/projects/proj/locations/global"
CREATE = f"{ROOT}/interactions"
GET = f"{ROOT}/interactions/int-9"
REGIONAL = (
    "https://us-central1-aiplatform.googleapis.com/v1beta1/projects/proj/locations/us-central1"
)
GCS = "https://storage.googleapis.com/download/storage/v1/b/bucket/o/out%2Fv.mp4?alt=media"


def _settings(**kw: Any) -> OmniSettings:
    return OmniSettings(backend=VeoBackend.VERTEX, vertex_project="proj", **kw)


def _client(settings: OmniSettings | None = None) -> OmniClient:
    return OmniClient(
        settings or _settings(), credentials=Credentials(token="vertex-token"), sleep=lambda _: None
    )


@pytest.fixture
def client() -> Iterator[OmniClient]:
    omni = _client()
    yield omni
    omni.close()


def _ok(status: str = "in_progress", **extra: Any) -> httpx.Response:
    return httpx.Response(200, json={"id": "int-9", "status": status, **extra})


def _video(**video: Any) -> httpx.Response:
    steps = [{"type": "model_output", "content": [{"type": "video", **video}]}]
    return _ok("completed", steps=steps)


def test_create_goes_to_the_project_with_a_bearer_token_and_inline_delivery(
    httpx2_mock: respx.Router, client: OmniClient, tmp_path: Path
) -> None:
    route = httpx2_mock.post(CREATE).mock(return_value=_ok())
    first = make_image(tmp_path / "f.png")
    job = client.start(
        omni_request(tmp_path, settings=_settings(seed=7), reference_image=first, resolution="4k")
    )
    assert job.job_id == "int-9"
    request = route.calls[0].request
    assert request.headers["authorization"] == "Bearer vertex-token"
    assert "x-goog-api-key" not in request.headers
    body = json.loads(request.content)
    assert body["model"] == OMNI
    assert body["background"] is True
    assert body["generation_config"] == {"seed": 7, "video_config": {"task": "image_to_video"}}
    # No bucket: inline, even at 4k (Vertex writes uri output only to the user's bucket).
    assert body["response_format"] == {
        "type": "video",
        "aspect_ratio": "16:9",
        "resolution": "4k",
        "duration": "6s",
        "delivery": "inline",
    }


def test_a_bucket_turns_on_uri_delivery_and_the_gs_uri_is_fetched_with_the_token(
    httpx2_mock: respx.Router, tmp_path: Path
) -> None:
    omni = _client(_settings(gcs_uri="gs://bucket/out"))
    route = httpx2_mock.post(CREATE).mock(return_value=_ok())
    omni.start(omni_request(tmp_path, settings=_settings(gcs_uri="gs://bucket/out")))
    fmt = json.loads(route.calls[0].request.content)["response_format"]
    assert (fmt["delivery"], fmt["gcs_uri"]) == ("uri", "gs://bucket/out")
    httpx2_mock.get(GET).mock(return_value=_video(uri="gs://bucket/out/v.mp4"))
    gcs = httpx2_mock.get(GCS).mock(return_value=httpx.Response(200, content=MP4))
    assert omni.poll("int-9").state is PollState.COMPLETED
    result = omni.download("int-9", omni_request(tmp_path), threading.Event())
    assert result.clip_path.read_bytes() == MP4
    assert gcs.calls[0].request.headers["authorization"] == "Bearer vertex-token"
    omni.close()


def test_a_regional_location_uses_the_regional_host(
    httpx2_mock: respx.Router, tmp_path: Path
) -> None:
    settings = _settings(vertex_location="us-central1")
    route = httpx2_mock.post(f"{REGIONAL}/interactions").mock(return_value=_ok())
    omni = _client(settings)
    omni.start(omni_request(tmp_path, settings=settings))
    assert route.call_count == 1
    omni.close()


def test_edit_on_vertex_sends_previous_interaction_id(
    httpx2_mock: respx.Router, client: OmniClient, tmp_path: Path
) -> None:
    route = httpx2_mock.post(CREATE).mock(return_value=_ok())
    source = SourceClip(mode=SourceMode.EDIT, job_id="int-1")
    client.start(omni_request(tmp_path, settings=_settings(), source=source))
    body = json.loads(route.calls[0].request.content)
    assert body["previous_interaction_id"] == "int-1"
    assert body["generation_config"]["video_config"]["task"] == "edit"


def test_a_503_on_create_is_sent_once_and_outcome_unknown(
    httpx2_mock: respx.Router, client: OmniClient, tmp_path: Path
) -> None:
    route = httpx2_mock.post(CREATE).mock(
        return_value=httpx.Response(503, json={"error": {"code": 503, "status": "UNAVAILABLE"}})
    )
    with pytest.raises(OutcomeUnknownError):
        client.start(omni_request(tmp_path, settings=_settings()))
    assert route.call_count == 1


def test_inline_video_on_vertex_lands_in_clips(
    httpx2_mock: respx.Router, client: OmniClient, tmp_path: Path
) -> None:
    import base64

    httpx2_mock.get(GET).mock(return_value=_video(data=base64.b64encode(MP4).decode()))
    result = client.download("int-9", omni_request(tmp_path), threading.Event())
    assert result.clip_path.read_bytes() == MP4


def test_without_credentials_vertex_says_how_to_log_in(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import google.auth
    import google.auth.exceptions

    def no_adc(**_kw: Any) -> Any:
        raise google.auth.exceptions.DefaultCredentialsError("none")

    monkeypatch.setattr(google.auth, "default", no_adc)
    omni = OmniClient(_settings())
    with pytest.raises(AuthError, match="gcloud auth application-default login"):
        omni.start(omni_request(tmp_path, settings=_settings()))
