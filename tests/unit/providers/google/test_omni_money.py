"""Gemini Omni creates under every way an answer can go wrong: one POST, and never re-sent if billed."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import httpx
import pytest
from pydantic import SecretStr

from imageai.core.errors import (
    OutcomeUnknownError,
)
from imageai.core.models import OmniSettings
from imageai.providers.google.omni_client import OmniClient
from tests.unit.providers.google.test_omni_payload import omni_request

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    import respx

KEY = "AIza-omni-test"
HOST = "https://generativelanguage.googleapis.com"
CREATE = f"{HOST}/v1/interactions"


@pytest.fixture
def client() -> Iterator[OmniClient]:
    omni = OmniClient(OmniSettings(), api_key=SecretStr(KEY), sleep=lambda _s: None)
    yield omni
    omni.close()


def _json(status: int, body: Any) -> httpx.Response:
    return httpx.Response(status, json=body)


def _raw(status: int, text: str, content_type: str = "application/json") -> httpx.Response:
    return httpx.Response(status, text=text, headers={"content-type": content_type})


@pytest.mark.parametrize(
    "fault",
    [
        pytest.param(httpx.RemoteProtocolError("reset"), id="reset-after-send"),
        pytest.param(httpx.ReadError("connection reset by peer"), id="read-error"),
        pytest.param(httpx.WriteError("broken pipe"), id="write-error"),
        pytest.param(httpx.ReadTimeout("no answer"), id="read-timeout"),
        pytest.param(httpx.WriteTimeout("slow upload"), id="write-timeout"),
        pytest.param(RuntimeError("TLS library fault"), id="unforeseen-exception"),
        pytest.param(_json(503, {"error": {"code": "unavailable", "message": "m"}}), id="503"),
        pytest.param(_json(500, {"error": {"code": 500, "status": "INTERNAL"}}), id="500"),
        pytest.param(_raw(504, "", "text/plain"), id="504-empty"),
        pytest.param(_json(408, {"error": {"code": 408, "message": "timeout"}}), id="408"),
        pytest.param(_raw(408, "Request Timeout", "text/plain"), id="408-bare"),
        pytest.param(_json(409, {"error": {"code": 409, "status": "ABORTED"}}), id="409-aborted"),
        pytest.param(_json(409, {"error": {"code": "already_exists"}}), id="409-exists"),
        pytest.param(_raw(409, "conflict", "text/plain"), id="409-bare"),
        pytest.param(_raw(200, '{"id": "int-1", "sta'), id="200-truncated"),
        pytest.param(_raw(200, ""), id="200-empty"),
        pytest.param(_raw(200, "<html>ok</html>", "text/html"), id="200-html"),
        pytest.param(_raw(200, '{"id":"int-1","status":"queued"}', "text/plain"), id="200-text"),
        pytest.param(_json(200, {"status": "in_progress"}), id="200-no-id"),
        pytest.param(_json(200, {"id": "", "status": "in_progress"}), id="200-empty-id"),
        pytest.param(_json(200, {"id": 7, "status": "in_progress"}), id="200-number-id"),
        pytest.param(_json(200, {"id": {"x": 1}}), id="200-object-id"),
        pytest.param(_json(200, []), id="200-list"),
        pytest.param(_json(200, None), id="200-null"),
        pytest.param(_json(200, "int-1"), id="200-string"),
        pytest.param(_json(201, {"id": "int-1", "status": "in_progress"}), id="201"),
        pytest.param(_json(202, {"id": "int-1", "status": "in_progress"}), id="202"),
    ],
)
def test_a_create_that_may_have_been_billed_is_outcome_unknown_and_sent_once(
    httpx2_mock: respx.Router, client: OmniClient, tmp_path: Path, fault: Any
) -> None:
    route = httpx2_mock.post(CREATE)
    if isinstance(fault, Exception):
        route.mock(side_effect=fault)
    else:
        route.mock(return_value=fault)
    with pytest.raises(OutcomeUnknownError):
        client.start(omni_request(tmp_path))
    assert route.call_count == 1


@pytest.mark.parametrize(
    "body",
    [
        {"id": "int-1", "steps": "junk"},
        {"id": "int-1", "steps": [{"type": 5}, None]},
        {"id": "int-1", "status": 5},
    ],
)
def test_a_create_answer_with_an_id_keeps_the_job_whatever_else_it_holds(
    httpx2_mock: respx.Router, client: OmniClient, tmp_path: Path, body: dict[str, Any]
) -> None:
    route = httpx2_mock.post(CREATE).mock(return_value=_json(200, body))
    assert client.start(omni_request(tmp_path)).job_id == "int-1"
    assert route.call_count == 1


VERTEX_ROOT = "https://aiplatform.googleapis.com/v1beta1/projects/proj/locations/global"


@pytest.mark.parametrize(
    "fault",
    [
        pytest.param(httpx.RemoteProtocolError("reset"), id="reset-after-send"),
        pytest.param(httpx.ReadTimeout("no answer"), id="read-timeout"),
        pytest.param(_json(500, {"error": {"code": 500, "status": "INTERNAL"}}), id="500"),
        pytest.param(_json(409, {"error": {"code": 409, "status": "ABORTED"}}), id="409"),
        pytest.param(_raw(200, '{"id": "int-9", "sta'), id="200-truncated"),
        pytest.param(_json(200, {"status": "in_progress"}), id="200-no-id"),
    ],
)
def test_on_vertex_too_a_create_that_may_have_been_billed_is_sent_once(
    httpx2_mock: respx.Router, tmp_path: Path, fault: Any
) -> None:
    from google.oauth2.credentials import Credentials

    from imageai.core.models import VeoBackend

    settings = OmniSettings(backend=VeoBackend.VERTEX, vertex_project="proj")
    omni = OmniClient(settings, credentials=Credentials(token="t"), sleep=lambda _s: None)
    route = httpx2_mock.post(f"{VERTEX_ROOT}/interactions")
    if isinstance(fault, Exception):
        route.mock(side_effect=fault)
    else:
        route.mock(return_value=fault)
    with pytest.raises(OutcomeUnknownError):
        omni.start(omni_request(tmp_path, settings=settings))
    assert route.call_count == 1
    omni.close()


def test_polls_cancels_downloads_and_the_key_check_never_post_a_create(
    httpx2_mock: respx.Router, client: OmniClient, tmp_path: Path
) -> None:
    import base64
    import threading

    from imageai.core.job_loop import run_job
    from tests.unit.providers.google.test_omni_clip import CLIP
    from tests.unit.providers.google.test_omni_gemini import finished, interaction

    get = f"{CREATE}/int-1"
    create = httpx2_mock.post(CREATE).mock(return_value=interaction())
    busy = _json(503, {"error": {"code": "unavailable", "message": "m"}})
    data = base64.b64encode(CLIP).decode()
    httpx2_mock.get(get).mock(side_effect=[busy, busy, interaction(), finished(data=data)])
    httpx2_mock.post(f"{get}/cancel").mock(return_value=interaction("cancelled"))
    httpx2_mock.get(f"{HOST}/v1/models/gemini-omni-1.1-flash").mock(
        return_value=_json(200, {"name": "models/gemini-omni-1.1-flash"})
    )
    client.poll_interval = 0.01
    list(run_job(omni_request(tmp_path), client, threading.Event()))
    client.cancel("int-1")
    client.check_key()
    assert create.call_count == 1
