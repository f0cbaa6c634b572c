"""GoogleImageProvider at the HTTP layer: Gemini generate_content, Imagen predict, errors."""

from __future__ import annotations

import base64
import io
import json
from typing import TYPE_CHECKING, Any

import httpx
import pytest
from google.oauth2.credentials import Credentials
from PIL import Image
from pydantic import SecretStr

from imageai.core.errors import (
    AuthError,
    ContentPolicyError,
    ErrorKind,
    InvalidRequestError,
    NetworkError,
    NotFoundError,
    PermissionDeniedError,
    ProviderError,
    RateLimitError,
)
from imageai.core.image_catalog import ImageModelInfo, ImageProviderName, load_image_catalog
from imageai.core.image_jobs import ImageRequest
from imageai.providers.google.images import GoogleImageProvider

if TYPE_CHECKING:
    from pathlib import Path

    import respx

GEMINI = "https://generativelanguage.googleapis.com/v1/models/{}:generateContent"
VERTEX = (
    "https://us-central1-aiplatform.googleapis.com/v1beta1/projects/proj/locations/us-central1/"
    "publishers/google/models/{}:predict"
)
CATALOG = load_image_catalog()
KEY = "AIza-test-key-123"


def png() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (6, 4), (9, 9, 9)).save(buf, format="PNG")
    return buf.getvalue()


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def gemini_ok(with_image: bool = True, finish: str = "STOP") -> httpx.Response:
    parts: list[dict[str, Any]] = [{"text": "Here you go"}]
    if with_image:
        parts.append({"inlineData": {"mimeType": "image/png", "data": b64(png())}})
    return httpx.Response(
        200,
        json={
            "candidates": [{"content": {"role": "model", "parts": parts}, "finishReason": finish}]
        },
    )


def google_err(code: int, status: str, reason: str | None = None) -> httpx.Response:
    error: dict[str, Any] = {"code": code, "message": "problem", "status": status}
    if reason:
        error["details"] = [{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": reason}]
    return httpx.Response(code, json={"error": error})


def info(model_id: str) -> ImageModelInfo:
    found = CATALOG.get(ImageProviderName.GOOGLE, model_id)
    assert found is not None
    return found


def req(tmp_path: Path, model: str = "gemini-3-pro-image", **kw: object) -> ImageRequest:
    base: dict[str, object] = {
        "provider": ImageProviderName.GOOGLE,
        "model": model,
        "prompt": "a kite",
        "size": "16:9",
        "quality": "2K",
        "count": 1,
        "out_dir": tmp_path,
    }
    base.update(kw)
    return ImageRequest.model_validate(base)


@pytest.fixture
def provider() -> GoogleImageProvider:
    return GoogleImageProvider(
        SecretStr(KEY), project="proj", credentials=Credentials(token="vertex-token")
    )


def test_gemini_sends_prompt_modalities_and_image_config(
    httpx2_mock: respx.Router, provider: GoogleImageProvider, tmp_path: Path
) -> None:
    route = httpx2_mock.post(GEMINI.format("gemini-3-pro-image")).mock(return_value=gemini_ok())
    images = provider.generate(req(tmp_path), info("gemini-3-pro-image"), 1)
    sent = json.loads(route.calls.last.request.content)
    assert sent["contents"][0]["parts"] == [{"text": "a kite"}]
    config = sent["generationConfig"]
    assert config["responseModalities"] == ["IMAGE"]
    assert config["imageConfig"] == {"aspectRatio": "16:9", "imageSize": "2K"}
    assert route.calls.last.request.headers["x-goog-api-key"] == KEY
    assert len(images) == 1
    assert images[0].data == png()


def test_gemini_single_resolution_model_sends_no_image_size(
    httpx2_mock: respx.Router, provider: GoogleImageProvider, tmp_path: Path
) -> None:
    route = httpx2_mock.post(GEMINI.format("gemini-2.5-flash-image")).mock(return_value=gemini_ok())
    request = req(tmp_path, "gemini-2.5-flash-image", quality=None, size="1:1")
    provider.generate(request, info("gemini-2.5-flash-image"), 1)
    config = json.loads(route.calls.last.request.content)["generationConfig"]
    assert config["imageConfig"] == {"aspectRatio": "1:1"}


def test_gemini_edit_sends_the_image_inline_before_the_prompt(
    httpx2_mock: respx.Router, provider: GoogleImageProvider, tmp_path: Path
) -> None:
    source = tmp_path / "in.jpg"
    Image.new("RGB", (4, 4)).save(source, format="JPEG")
    route = httpx2_mock.post(GEMINI.format("gemini-3-pro-image")).mock(return_value=gemini_ok())
    provider.generate(req(tmp_path, edit_image=source), info("gemini-3-pro-image"), 1)
    parts = json.loads(route.calls.last.request.content)["contents"][0]["parts"]
    inline = parts[0]["inlineData"]
    # the SDK sends the Blob field as mime_type; the API accepts both spellings
    assert inline.get("mimeType", inline.get("mime_type")) == "image/jpeg"
    assert base64.urlsafe_b64decode(inline["data"]) == source.read_bytes()
    assert parts[1] == {"text": "a kite"}


def test_gemini_safety_stop_without_image_is_content_policy(
    httpx2_mock: respx.Router, provider: GoogleImageProvider, tmp_path: Path
) -> None:
    httpx2_mock.post(GEMINI.format("gemini-3-pro-image")).mock(
        return_value=gemini_ok(with_image=False, finish="IMAGE_SAFETY")
    )
    with pytest.raises(ContentPolicyError, match="IMAGE_SAFETY"):
        provider.generate(req(tmp_path), info("gemini-3-pro-image"), 1)


def test_gemini_blocked_prompt_is_content_policy(
    httpx2_mock: respx.Router, provider: GoogleImageProvider, tmp_path: Path
) -> None:
    body = {"promptFeedback": {"blockReason": "PROHIBITED_CONTENT"}}
    httpx2_mock.post(GEMINI.format("gemini-3-pro-image")).mock(
        return_value=httpx.Response(200, json=body)
    )
    with pytest.raises(ContentPolicyError, match="PROHIBITED_CONTENT"):
        provider.generate(req(tmp_path), info("gemini-3-pro-image"), 1)


def test_gemini_text_only_answer_is_a_plain_provider_error(
    httpx2_mock: respx.Router, provider: GoogleImageProvider, tmp_path: Path
) -> None:
    httpx2_mock.post(GEMINI.format("gemini-3-pro-image")).mock(
        return_value=gemini_ok(with_image=False)
    )
    with pytest.raises(ProviderError) as caught:
        provider.generate(req(tmp_path), info("gemini-3-pro-image"), 1)
    assert caught.value.kind is ErrorKind.UNKNOWN


@pytest.mark.parametrize(
    ("response", "error"),
    [
        (google_err(400, "INVALID_ARGUMENT", "API_KEY_INVALID"), AuthError),
        (google_err(400, "INVALID_ARGUMENT"), InvalidRequestError),
        (google_err(403, "PERMISSION_DENIED"), PermissionDeniedError),
        (google_err(404, "NOT_FOUND"), NotFoundError),
        (google_err(429, "RESOURCE_EXHAUSTED"), RateLimitError),
        (google_err(500, "INTERNAL"), ProviderError),
    ],
)
def test_gemini_errors_map_by_status_and_reason(
    httpx2_mock: respx.Router,
    provider: GoogleImageProvider,
    tmp_path: Path,
    response: httpx.Response,
    error: type[ProviderError],
) -> None:
    route = httpx2_mock.post(GEMINI.format("gemini-3-pro-image")).mock(return_value=response)
    with pytest.raises(error) as caught:
        provider.generate(req(tmp_path), info("gemini-3-pro-image"), 1)
    assert type(caught.value) is error
    assert KEY not in str(caught.value) + caught.value.detail
    assert route.call_count == 1


def test_gemini_network_failure_is_network_error(tmp_path: Path) -> None:
    # a real refused connection on the loopback: the SDK lets httpx2's error through
    provider = GoogleImageProvider(SecretStr(KEY), base_url="http://127.0.0.1:9/")
    with pytest.raises(NetworkError):
        provider.generate(req(tmp_path), info("gemini-3-pro-image"), 1)


def test_gemini_without_key_is_auth_error_before_any_call(
    httpx2_mock: respx.Router, tmp_path: Path
) -> None:
    provider = GoogleImageProvider(None, project="proj")
    with pytest.raises(AuthError, match="GEMINI_API_KEY"):
        provider.generate(req(tmp_path), info("gemini-3-pro-image"), 1)


IMAGEN_DEPRECATED = (
    "ignore:The generate_images method is deprecated:google.genai._common.ExperimentalWarning"
)


@pytest.mark.filterwarnings(IMAGEN_DEPRECATED)
def test_imagen_uses_vertex_predict_with_count_and_aspect(
    httpx2_mock: respx.Router, provider: GoogleImageProvider, tmp_path: Path
) -> None:
    predictions = [
        {"bytesBase64Encoded": b64(png()), "mimeType": "image/png"},
        {"bytesBase64Encoded": b64(png()), "mimeType": "image/png"},
    ]
    route = httpx2_mock.post(VERTEX.format("imagen-4.0-generate-001")).mock(
        return_value=httpx.Response(200, json={"predictions": predictions})
    )
    request = req(tmp_path, "imagen-4.0-generate-001", quality="2K", count=2)
    images = provider.generate(request, info("imagen-4.0-generate-001"), 2)
    sent = json.loads(route.calls.last.request.content)
    assert sent["instances"] == [{"prompt": "a kite"}]
    assert sent["parameters"]["sampleCount"] == 2
    assert sent["parameters"]["aspectRatio"] == "16:9"
    assert sent["parameters"]["sampleImageSize"] == "2K"
    assert route.calls.last.request.headers["authorization"] == "Bearer vertex-token"
    assert len(images) == 2


@pytest.mark.filterwarnings(IMAGEN_DEPRECATED)
def test_imagen_all_filtered_is_content_policy(
    httpx2_mock: respx.Router, provider: GoogleImageProvider, tmp_path: Path
) -> None:
    body = {"predictions": [{"raiFilteredReason": "violence"}]}
    httpx2_mock.post(VERTEX.format("imagen-4.0-fast-generate-001")).mock(
        return_value=httpx.Response(200, json=body)
    )
    request = req(tmp_path, "imagen-4.0-fast-generate-001", quality=None)
    with pytest.raises(ContentPolicyError, match="violence"):
        provider.generate(request, info("imagen-4.0-fast-generate-001"), 1)


def test_imagen_without_project_is_auth_error(tmp_path: Path) -> None:
    provider = GoogleImageProvider(SecretStr(KEY))
    request = req(tmp_path, "imagen-4.0-generate-001", quality=None)
    with pytest.raises(AuthError, match="GOOGLE_CLOUD_PROJECT"):
        provider.generate(request, info("imagen-4.0-generate-001"), 1)
