"""The `/v1/videos` adapter on a compatible endpoint (any model id, the user's price) and on
OpenAI's own (Sora retired: refused before sending), at the HTTP layer with the real SDK."""

from __future__ import annotations

import email
import email.policy
import time
from typing import TYPE_CHECKING, Any

import httpx
import pytest
from pydantic import SecretStr

from imageai.core.errors import ModelRetiredError, ValidationError
from imageai.core.jobs import JobRequest
from imageai.core.models import ProviderName, SoraSettings
from imageai.core.shot import spec_for_settings
from imageai.providers.factory import build_sora
from imageai.providers.openai.sora_client import SoraClient

if TYPE_CHECKING:
    from pathlib import Path

    import respx

from imageai.core.catalog import default_catalog

GATEWAY = "https://videos-gateway.test/v1"
KEY = "sk-gateway-key"


def _request(tmp_path: Path, settings: SoraSettings) -> JobRequest:
    return JobRequest(
        scene_id="s1",
        index=0,
        spec=spec_for_settings(ProviderName.SORA, settings),
        prompt="waves on a rocky shore",
        settings=settings,
        project_dir=tmp_path,
    )


def _form(request: Any) -> dict[str, str]:
    """The fields of the multipart form the SDK sends for a create."""
    head = f"Content-Type: {request.headers['content-type']}\r\n\r\n".encode()
    message = email.message_from_bytes(head + request.content, policy=email.policy.HTTP)
    return {
        str(part.get_param("name", header="content-disposition")): part.get_content().strip()
        for part in message.iter_parts()  # type: ignore[attr-defined]
    }


def _video(model: str, size: str, seconds: int, **kw: Any) -> dict[str, Any]:
    return {
        "id": "video_gw_1",
        "object": "video",
        "created_at": int(time.time()),
        "status": "queued",
        "progress": 0,
        "model": model,
        "size": size,
        "seconds": str(seconds),
        "prompt": "waves on a rocky shore",
        **kw,
    }


def test_free_text_model_is_sent_as_typed_and_billed_at_the_users_price(
    httpx2_mock: respx.Router, tmp_path: Path
) -> None:
    settings = SoraSettings(
        model="veo-3.1", size="1920x1080", seconds=6, base_url=GATEWAY, usd_per_second=0.25
    )
    route = httpx2_mock.post(f"{GATEWAY}/videos").mock(
        return_value=httpx.Response(200, json=_video("veo-3.1", "1920x1080", 6))
    )
    client = build_sora(settings, SecretStr(KEY), default_catalog(), {})
    request = _request(tmp_path, settings)
    assert client.estimate(request) == pytest.approx(6 * 0.25)
    job = client.start(request)
    assert job.job_id == "video_gw_1"
    assert job.billed_usd == pytest.approx(1.5)
    sent = route.calls.last.request
    assert sent.headers["authorization"] == f"Bearer {KEY}"
    body = _form(sent)
    assert (body["model"], body["size"], body["seconds"]) == ("veo-3.1", "1920x1080", "6")


def test_a_gateway_naming_the_model_its_own_way_still_bills_the_users_price(
    httpx2_mock: respx.Router, tmp_path: Path
) -> None:
    settings = SoraSettings(model="MiniMax-Hailuo-02", base_url=GATEWAY, usd_per_second=0.05)
    httpx2_mock.post(f"{GATEWAY}/videos").mock(
        return_value=httpx.Response(200, json=_video("minimax/hailuo-02@2025", "1280x720", 4))
    )
    client = SoraClient(SecretStr(KEY), base_url=GATEWAY, usd_per_second=0.05)
    assert client.start(_request(tmp_path, settings)).billed_usd == pytest.approx(0.2)


def test_known_id_on_a_gateway_uses_the_table_price_not_the_users(
    httpx2_mock: respx.Router, tmp_path: Path
) -> None:
    settings = SoraSettings(
        model="sora-2-pro", size="1792x1024", seconds=4, base_url=GATEWAY, usd_per_second=9.0
    )
    route = httpx2_mock.post(f"{GATEWAY}/videos").mock(
        return_value=httpx.Response(200, json=_video("sora-2-pro", "1792x1024", 4))
    )
    client = SoraClient(SecretStr(KEY), base_url=GATEWAY, usd_per_second=9.0)
    job = client.start(_request(tmp_path, settings))
    assert job.billed_usd == pytest.approx(4 * 0.50)
    assert _form(route.calls.last.request)["model"] == "sora-2-pro"


def test_unknown_model_without_a_price_is_refused_before_sending(
    httpx2_mock: respx.Router, tmp_path: Path
) -> None:
    settings = SoraSettings(model="wan-2.5", base_url=GATEWAY)
    client = SoraClient(SecretStr(KEY), base_url=GATEWAY)
    with pytest.raises(ValidationError) as info:
        client.start(_request(tmp_path, settings))
    assert info.value.field == "usd_per_second"
    assert "Price per second" in info.value.message
    assert not httpx2_mock.calls


def test_openais_endpoint_refuses_sora_2_with_the_retirement_before_any_request(
    httpx2_mock: respx.Router, tmp_path: Path
) -> None:
    settings = SoraSettings(model="sora-2")
    client = build_sora(settings, SecretStr(KEY), default_catalog(), {})
    assert client.capabilities() == ()
    with pytest.raises(ModelRetiredError) as info:
        client.start(_request(tmp_path, settings))
    assert "2026-09-24" in info.value.message
    assert info.value.successor == ("omni", "gemini-omni-1.1-flash")
    assert not httpx2_mock.calls


def test_project_pointing_elsewhere_than_the_client_is_checked_where_the_client_sends(
    httpx2_mock: respx.Router, tmp_path: Path
) -> None:
    # The project says "gateway", but this client talks to OpenAI: the client's endpoint wins.
    settings = SoraSettings(model="sora-2", base_url=GATEWAY)
    with pytest.raises(ModelRetiredError):
        SoraClient(SecretStr(KEY)).start(_request(tmp_path, settings))
    assert not httpx2_mock.calls
