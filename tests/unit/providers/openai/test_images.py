"""OpenAIImageProvider at the HTTP layer (respx via pytest-httpx2): requests, images, errors."""

from __future__ import annotations

import base64
import io
import json
from typing import TYPE_CHECKING

import httpx
import pytest
from PIL import Image
from pydantic import SecretStr

from imageai.core.errors import (
    AuthError,
    ContentPolicyError,
    ErrorKind,
    InvalidRequestError,
    NetworkError,
    NotFoundError,
    QuotaError,
    RateLimitError,
)
from imageai.core.image_catalog import ImageProviderName, load_image_catalog
from imageai.core.image_jobs import ImageRequest
from imageai.providers.openai.images import OpenAIImageProvider

if TYPE_CHECKING:
    from pathlib import Path

    import respx

URL = "https://api.openai.com/v1/images/generations"
EDIT_URL = "https://api.openai.com/v1/images/edits"
CATALOG = load_image_catalog()


def png_b64() -> str:
    buf = io.BytesIO()
    Image.new("RGB", (4, 4), (0, 128, 255)).save(buf, format="PNG")
    return base64.b64encode(buf.getvalue()).decode()


def ok(n: int = 1, fmt: str = "png") -> httpx.Response:
    return httpx.Response(
        200, json={"created": 1, "output_format": fmt, "data": [{"b64_json": png_b64()}] * n}
    )


def err(status: int, code: str | None, message: str = "nope") -> httpx.Response:
    body = {"error": {"message": message, "type": "x", "code": code, "param": None}}
    return httpx.Response(status, json=body)


def req(tmp_path: Path, **kw: object) -> ImageRequest:
    base: dict[str, object] = {
        "provider": ImageProviderName.OPENAI,
        "model": "gpt-image-2",
        "prompt": "a boat",
        "size": "1536x1024",
        "quality": "high",
        "count": 2,
        "out_dir": tmp_path,
    }
    base.update(kw)
    return ImageRequest.model_validate(base)


def model(model_id: str = "gpt-image-2"):  # type: ignore[no-untyped-def]
    info = CATALOG.get(ImageProviderName.OPENAI, model_id)
    assert info is not None
    return info


@pytest.fixture
def provider() -> OpenAIImageProvider:
    return OpenAIImageProvider(SecretStr("sk-test-123456"))


def test_generate_sends_model_size_quality_n_and_decodes_images(
    httpx2_mock: respx.Router, provider: OpenAIImageProvider, tmp_path: Path
) -> None:
    route = httpx2_mock.post(URL).mock(return_value=ok(2))
    images = provider.generate(req(tmp_path), model(), 2)
    sent = json.loads(route.calls.last.request.content)
    assert sent == {
        "model": "gpt-image-2",
        "prompt": "a boat",
        "n": 2,
        "size": "1536x1024",
        "quality": "high",
    }
    assert route.calls.last.request.headers["authorization"] == "Bearer sk-test-123456"
    assert len(images) == 2
    assert images[0].mime_type == "image/png"
    assert images[0].data.startswith(b"\x89PNG")


def test_webp_output_format_sets_the_mime_type(
    httpx2_mock: respx.Router, provider: OpenAIImageProvider, tmp_path: Path
) -> None:
    httpx2_mock.post(URL).mock(return_value=ok(1, "webp"))
    assert provider.generate(req(tmp_path, count=1), model(), 1)[0].mime_type == "image/webp"


def test_edit_sends_image_and_mask_as_multipart(
    httpx2_mock: respx.Router, provider: OpenAIImageProvider, tmp_path: Path
) -> None:
    source, mask = tmp_path / "src.png", tmp_path / "mask.png"
    Image.new("RGB", (4, 4)).save(source)
    Image.new("RGBA", (4, 4), (0, 0, 0, 0)).save(mask)
    route = httpx2_mock.post(EDIT_URL).mock(return_value=ok(1))
    provider.generate(req(tmp_path, count=1, edit_image=source, mask_image=mask), model(), 1)
    sent = route.calls.last.request
    assert sent.headers["content-type"].startswith("multipart/form-data")
    body = sent.read()
    assert b'name="image"; filename="src.png"' in body
    assert b'name="mask"; filename="mask.png"' in body
    assert b'name="prompt"' in body and b"a boat" in body


@pytest.mark.parametrize(
    ("response", "error", "kind"),
    [
        (err(401, "invalid_api_key"), AuthError, ErrorKind.AUTH),
        (err(429, "insufficient_quota"), QuotaError, ErrorKind.QUOTA),
        (err(429, "rate_limit_exceeded"), RateLimitError, ErrorKind.RATE_LIMIT),
        (err(400, "moderation_blocked"), ContentPolicyError, ErrorKind.CONTENT_POLICY),
        (err(400, "invalid_value", "bad size"), InvalidRequestError, ErrorKind.INVALID_REQUEST),
        (err(404, "model_not_found"), NotFoundError, ErrorKind.NOT_FOUND),
    ],
)
def test_api_errors_map_to_kinds_by_status_and_code(
    httpx2_mock: respx.Router,
    provider: OpenAIImageProvider,
    tmp_path: Path,
    response: httpx.Response,
    error: type[Exception],
    kind: ErrorKind,
) -> None:
    route = httpx2_mock.post(URL).mock(return_value=response)
    with pytest.raises(error) as info:
        provider.generate(req(tmp_path), model(), 2)
    assert info.value.kind is kind  # type: ignore[attr-defined]
    assert route.call_count == 1  # never resent: a generate may already be billed


def test_connection_failure_is_a_network_error_without_retry(
    httpx2_mock: respx.Router, provider: OpenAIImageProvider, tmp_path: Path
) -> None:
    route = httpx2_mock.post(URL).mock(side_effect=httpx.ConnectError("refused"))
    with pytest.raises(NetworkError):
        provider.generate(req(tmp_path), model(), 2)
    assert route.call_count == 1


def test_empty_data_is_reported_as_filtered(
    httpx2_mock: respx.Router, provider: OpenAIImageProvider, tmp_path: Path
) -> None:
    httpx2_mock.post(URL).mock(return_value=httpx.Response(200, json={"created": 1, "data": []}))
    with pytest.raises(ContentPolicyError):
        provider.generate(req(tmp_path), model(), 2)


def test_key_never_appears_in_the_error(
    httpx2_mock: respx.Router, provider: OpenAIImageProvider, tmp_path: Path
) -> None:
    httpx2_mock.post(URL).mock(return_value=err(401, "invalid_api_key", "Incorrect key"))
    with pytest.raises(AuthError) as info:
        provider.generate(req(tmp_path), model(), 2)
    assert "sk-test-123456" not in str(info.value) + info.value.detail
