"""Error classification and create-retry rules of the Sora adapter, at the HTTP layer (respx)."""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING, Any

import httpx
import httpx2
import pytest
from pydantic import SecretStr

from imageai.core.errors import (
    AuthError,
    ContentPolicyError,
    InvalidRequestError,
    JobTimeoutError,
    NetworkError,
    NotFoundError,
    OutcomeUnknownError,
    PermissionDeniedError,
    ProviderError,
    QuotaError,
    RateLimitError,
)
from imageai.core.jobs import JobRequest
from imageai.core.models import ProviderName, SoraSettings
from imageai.core.shot import ShotSpec
from imageai.providers.openai.errors import RETIRED_MESSAGE
from imageai.providers.openai.sora_client import SoraClient

if TYPE_CHECKING:
    from pathlib import Path

BASE = "https://sora.test/v1"
KEY = "sk-secret-value-123"
# respx builds plain httpx responses; pytest-httpx2 hands them to httpx2's transport.
#: OpenAI's own header to stop the SDK's retries of GETs, so a test need not wait for them.
NO_RETRY = {"x-should-retry": "false"}


def _client() -> SoraClient:
    return SoraClient(SecretStr(KEY), base_url=BASE, sleep=lambda _: None)


def _request(tmp_path: Path, prompt: str = "a lighthouse at dusk") -> JobRequest:
    spec = ShotSpec(provider=ProviderName.SORA, model="sora-2", seconds=8, size="720x1280")
    return JobRequest(
        scene_id="s1",
        index=0,
        spec=spec,
        prompt=prompt,
        settings=SoraSettings(),
        project_dir=tmp_path,
    )


def _error(
    status: int, code: str | None, message: str = "boom", headers: dict[str, str] | None = None
) -> httpx.Response:
    body = {
        "error": {"message": message, "type": "invalid_request_error", "param": None, "code": code}
    }
    return httpx.Response(status, json=body, headers={**NO_RETRY, **(headers or {})})


def _video(video_id: str = "video_1", prompt: str = "a lighthouse at dusk", **kw: Any) -> dict:
    return {
        "id": video_id,
        "object": "video",
        "created_at": int(time.time()),
        "status": "queued",
        "progress": 0,
        "model": "sora-2",
        "size": "720x1280",
        "seconds": "8",
        "prompt": prompt,
        **kw,
    }


@pytest.mark.parametrize(
    ("response", "kind", "final"),
    [
        (_error(401, "invalid_api_key"), AuthError, True),
        (_error(403, None), PermissionDeniedError, True),
        (_error(429, "rate_limit_exceeded", headers={"Retry-After": "7"}), RateLimitError, False),
        (_error(429, "insufficient_quota"), QuotaError, True),
        (_error(400, "invalid_value", "Invalid size."), InvalidRequestError, True),
        (_error(404, "video_not_found"), NotFoundError, True),
        (_error(500, "server_error"), ProviderError, False),
    ],
)
def test_poll_errors_are_classified_by_status_and_code(httpx2_mock, response, kind, final) -> None:
    httpx2_mock.get(f"{BASE}/videos/video_1").mock(return_value=response)
    with pytest.raises(ProviderError) as caught:
        _client().poll("video_1")
    assert type(caught.value) is kind
    assert caught.value.final is final
    assert KEY not in str(caught.value) + caught.value.detail


def test_rate_limit_keeps_retry_after(httpx2_mock) -> None:
    httpx2_mock.get(f"{BASE}/videos/video_1").mock(
        return_value=_error(429, "rate_limit_exceeded", headers={"Retry-After": "7"})
    )
    with pytest.raises(RateLimitError) as caught:
        _client().poll("video_1")
    assert caught.value.retry_after == 7.0


def test_bad_request_shows_the_api_message(httpx2_mock, tmp_path) -> None:
    route = httpx2_mock.post(f"{BASE}/videos").mock(
        return_value=_error(400, "invalid_value", "Inpaint image must match the requested size")
    )
    with pytest.raises(InvalidRequestError) as caught:
        _client().start(_request(tmp_path))
    assert caught.value.user_message == "Inpaint image must match the requested size"
    assert route.call_count == 1


def test_moderation_refusal_at_create_is_final_content_policy(httpx2_mock, tmp_path) -> None:
    route = httpx2_mock.post(f"{BASE}/videos").mock(
        return_value=_error(400, "moderation_blocked", "Blocked by moderation.")
    )
    with pytest.raises(ContentPolicyError) as caught:
        _client().start(_request(tmp_path))
    assert caught.value.final
    assert "Blocked by moderation." in caught.value.user_message
    assert route.call_count == 1


def test_failed_video_error_code_maps_to_content_policy(httpx2_mock) -> None:
    error = {"code": "moderation_blocked", "message": "This prompt was blocked."}
    httpx2_mock.get(f"{BASE}/videos/video_1").mock(
        return_value=httpx.Response(200, json=_video(status="failed", error=error))
    )
    status = _client().poll("video_1")
    assert isinstance(status.error, ContentPolicyError)
    assert "This prompt was blocked." in status.message


def test_retired_route_404_tells_user_and_suggests_veo(httpx2_mock, tmp_path) -> None:
    httpx2_mock.post(f"{BASE}/videos").mock(
        return_value=_error(404, None, "Invalid URL (POST /v1/videos)")
    )
    with pytest.raises(NotFoundError) as caught:
        _client().start(_request(tmp_path))
    assert caught.value.user_message == RETIRED_MESSAGE
    assert "retired the Sora 2 API on 2026-09-24" in RETIRED_MESSAGE
    assert "Gemini Omni" in RETIRED_MESSAGE
    assert "/v1/videos" in RETIRED_MESSAGE


def test_poll_connection_error_is_network(httpx2_mock) -> None:
    httpx2_mock.get(f"{BASE}/videos/video_1").mock(side_effect=httpx2.ConnectError("refused"))
    with pytest.raises(NetworkError):
        _client().poll("video_1")


def test_poll_timeout_is_timeout(httpx2_mock) -> None:
    httpx2_mock.get(f"{BASE}/videos/video_1").mock(side_effect=httpx2.ReadTimeout("timed out"))
    with pytest.raises(JobTimeoutError):
        _client().poll("video_1")


# ---- the SDK never retries a create; the adapter retries only where nothing was created --------


@pytest.mark.parametrize("status", [408, 409])
def test_create_is_not_retried_on_answers_the_sdk_would_retry(httpx2_mock, tmp_path, status):
    route = httpx2_mock.post(f"{BASE}/videos").mock(return_value=_error(status, None))
    with pytest.raises(ProviderError):
        _client().start(_request(tmp_path))
    assert route.call_count == 1


def test_create_5xx_with_error_body_is_retried_a_bounded_number_of_times(httpx2_mock, tmp_path):
    route = httpx2_mock.post(f"{BASE}/videos").mock(return_value=_error(503, "overloaded"))
    with pytest.raises(ProviderError):
        _client().start(_request(tmp_path))
    # 4 attempts of the adapter, each one request: the SDK (default 2 retries) adds none.
    assert route.call_count == 4


def test_create_connect_failure_is_retried_then_succeeds(httpx2_mock, tmp_path) -> None:
    route = httpx2_mock.post(f"{BASE}/videos").mock(
        side_effect=[httpx2.ConnectError("refused"), httpx.Response(200, json=_video())]
    )
    job = _client().start(_request(tmp_path))
    assert job.job_id == "video_1"
    assert job.billed_usd == pytest.approx(0.80)
    assert route.call_count == 2


def test_create_rate_limit_is_retried(httpx2_mock, tmp_path) -> None:
    route = httpx2_mock.post(f"{BASE}/videos").mock(
        side_effect=[
            _error(429, "rate_limit_exceeded", headers={"Retry-After": "1"}),
            httpx.Response(200, json=_video()),
        ]
    )
    assert _client().start(_request(tmp_path)).job_id == "video_1"
    assert route.call_count == 2


def test_create_read_timeout_adopts_the_created_video(httpx2_mock, tmp_path) -> None:
    create = httpx2_mock.post(f"{BASE}/videos").mock(side_effect=httpx2.ReadTimeout("timed out"))
    listing = {
        "object": "list",
        "data": [_video("video_9", prompt="other"), _video("video_7")],
        "has_more": False,
        "last_id": "video_7",
    }
    httpx2_mock.get(f"{BASE}/videos").mock(return_value=httpx.Response(200, json=listing))
    job = _client().start(_request(tmp_path))
    assert job.job_id == "video_7"
    assert create.call_count == 1


def test_old_matching_video_is_not_adopted(httpx2_mock, tmp_path) -> None:
    create = httpx2_mock.post(f"{BASE}/videos").mock(
        side_effect=[httpx2.RemoteProtocolError("dropped"), httpx.Response(200, json=_video())]
    )
    old = _video("video_old", created_at=int(time.time()) - 3600)
    httpx2_mock.get(f"{BASE}/videos").mock(
        return_value=httpx.Response(200, json={"object": "list", "data": [old]})
    )
    assert _client().start(_request(tmp_path)).job_id == "video_1"
    assert create.call_count == 2


def test_unknown_outcome_when_the_list_cannot_be_read(httpx2_mock, tmp_path) -> None:
    create = httpx2_mock.post(f"{BASE}/videos").mock(
        side_effect=httpx2.RemoteProtocolError("dropped")
    )
    httpx2_mock.get(f"{BASE}/videos").mock(return_value=_error(500, "server_error"))
    with pytest.raises(OutcomeUnknownError) as caught:
        _client().start(_request(tmp_path))
    assert caught.value.final
    assert create.call_count == 1


def test_quota_at_create_is_not_retried(httpx2_mock, tmp_path) -> None:
    route = httpx2_mock.post(f"{BASE}/videos").mock(return_value=_error(429, "insufficient_quota"))
    with pytest.raises(QuotaError):
        _client().start(_request(tmp_path))
    assert route.call_count == 1


def test_download_not_found_is_final(httpx2_mock, tmp_path) -> None:
    httpx2_mock.get(f"{BASE}/videos/video_1/content").mock(return_value=_error(404, None))
    with pytest.raises(NotFoundError, match="video_1"):
        _client().download("video_1", _request(tmp_path), threading.Event())
    assert not list(tmp_path.rglob("*.part"))


def test_lost_create_never_adopts_an_identical_scenes_video_in_flight(httpx2_mock, tmp_path):
    """Two scenes with the same prompt: A's create drops while B's is still being answered.

    A must not adopt B's new video from the list before B claims it; it waits, finds nothing
    of its own, and creates again.
    """
    b_sent, release = threading.Event(), threading.Event()
    calls: list[int] = []

    def create(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        if len(calls) == 1:  # scene B: accepted, but the answer is slow
            b_sent.set()
            release.wait(10)
            return httpx.Response(200, json=_video("video_B"))
        if len(calls) == 2:  # scene A: the connection drops after sending
            raise httpx2.RemoteProtocolError("dropped")
        return httpx.Response(200, json=_video("video_A"))

    httpx2_mock.post(f"{BASE}/videos").mock(side_effect=create)
    listing = {"object": "list", "data": [_video("video_B")], "has_more": False}
    httpx2_mock.get(f"{BASE}/videos").mock(return_value=httpx.Response(200, json=listing))
    client = _client()
    results: dict[str, str] = {}

    def start(scene: str) -> None:
        results[scene] = client.start(_request(tmp_path)).job_id

    b = threading.Thread(target=start, args=("B",))
    b.start()
    assert b_sent.wait(5)
    a = threading.Thread(target=start, args=("A",))
    a.start()
    a.join(0.5)  # without the wait-for-identical-sends rule, A would adopt video_B here
    release.set()
    a.join(10)
    b.join(10)
    assert results == {"B": "video_B", "A": "video_A"}
    assert len(calls) == 3


def test_a_listed_video_without_prompt_is_never_adopted(httpx2_mock, tmp_path) -> None:
    create = httpx2_mock.post(f"{BASE}/videos").mock(
        side_effect=[httpx2.ReadTimeout("timed out"), httpx.Response(200, json=_video("video_1"))]
    )
    listing = {"object": "list", "data": [_video("video_other", prompt=None)], "has_more": False}
    httpx2_mock.get(f"{BASE}/videos").mock(return_value=httpx.Response(200, json=listing))
    assert _client().start(_request(tmp_path)).job_id == "video_1"
    assert create.call_count == 2


def test_giving_up_after_ambiguous_creates_is_outcome_unknown(httpx2_mock, tmp_path) -> None:
    """The intent must stay unsettled so the next render looks for the video before paying."""
    httpx2_mock.post(f"{BASE}/videos").mock(side_effect=httpx2.ReadTimeout("timed out"))
    empty = {"object": "list", "data": [], "has_more": False}
    httpx2_mock.get(f"{BASE}/videos").mock(return_value=httpx.Response(200, json=empty))
    with pytest.raises(OutcomeUnknownError):
        _client().start(_request(tmp_path))


def test_find_existing_skips_jobs_the_ledger_gives_to_other_scenes(httpx2_mock, tmp_path) -> None:
    listing = {"object": "list", "data": [_video("video_A"), _video("video_B")], "has_more": False}
    httpx2_mock.get(f"{BASE}/videos").mock(return_value=httpx.Response(200, json=listing))
    since = time.time() - 60
    found = _client().find_existing(_request(tmp_path), since, frozenset({"video_A"}))
    assert found is not None and found.job_id == "video_B"
