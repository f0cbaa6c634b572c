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
from imageai.core.job_loop import run_job
from imageai.core.jobs import Created, JobRequest
from imageai.core.ledger import LEDGER_NAME, Ledger
from imageai.core.models import ProviderName, SoraSettings
from imageai.core.settling import RECONCILE_DELAYS
from imageai.core.shot import ShotSpec
from imageai.providers.openai.errors import RETIRED_MESSAGE
from imageai.providers.openai.sora_client import LOST_CREATE_WAIT_ENV, SoraClient, delays_from_env

if TYPE_CHECKING:
    from pathlib import Path

BASE = "https://sora.test/v1"
KEY = "sk-secret-value-123"
# respx builds plain httpx responses; pytest-httpx2 hands them to httpx2's transport.
#: OpenAI's own header to stop the SDK's retries of GETs, so a test need not wait for them.
NO_RETRY = {"x-should-retry": "false"}


#: No waiting between looks for a lost create.
DELAYS = (0.0, 0.0, 0.0, 0.0)


def _client() -> SoraClient:
    return SoraClient(SecretStr(KEY), base_url=BASE, sleep=lambda _: None, reconcile_delays=DELAYS)


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


def _listing(*videos: dict) -> httpx.Response:
    return httpx.Response(200, json={"object": "list", "data": list(videos), "has_more": False})


def _until_created(client: SoraClient, request: JobRequest, ledger: Ledger) -> str:
    """Run the job (the path every render takes) until its create is settled; the job id."""
    for event in run_job(request, client, threading.Event(), journal=ledger):
        if isinstance(event, Created):
            return event.job_id
    raise AssertionError("no Created event")


@pytest.mark.parametrize("status", [408, 409, 500, 502, 503])
def test_create_answered_with_a_possibly_billed_status_is_never_sent_again(
    httpx2_mock, tmp_path, status
):
    # A server can bill the create and then fail: a 5xx with an API error body is no proof
    # that nothing was made (break 6a: one scene was billed 4 times).
    route = httpx2_mock.post(f"{BASE}/videos").mock(return_value=_error(status, "server_error"))
    with pytest.raises(OutcomeUnknownError) as caught:
        _client().start(_request(tmp_path))
    assert caught.value.final
    assert route.call_count == 1


@pytest.mark.parametrize(
    "body", [{"id": 5, "object": "video"}, {"object": "video", "status": "queued"}, {}]
)
def test_create_answered_2xx_that_cannot_be_read_is_outcome_unknown(httpx2_mock, tmp_path, body):
    route = httpx2_mock.post(f"{BASE}/videos").mock(return_value=httpx.Response(200, json=body))
    with pytest.raises(OutcomeUnknownError):
        _client().start(_request(tmp_path))
    assert route.call_count == 1


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
    httpx2_mock.get(f"{BASE}/videos").mock(
        return_value=_listing(_video("video_9", prompt="other"), _video("video_7"))
    )
    ledger = Ledger(tmp_path / LEDGER_NAME)
    assert _until_created(_client(), _request(tmp_path), ledger) == "video_7"
    assert create.call_count == 1
    assert ledger.unsettled_intents() == {}


def test_lost_create_is_found_in_a_list_that_lags_behind(httpx2_mock, tmp_path) -> None:
    # Break 6b: the list was looked at twice, then the create sent again.
    create = httpx2_mock.post(f"{BASE}/videos").mock(
        side_effect=[_error(500, "server_error"), httpx.Response(200, json=_video("video_2"))]
    )
    lists = httpx2_mock.get(f"{BASE}/videos").mock(
        side_effect=[_listing(), _listing(), _listing(), _listing(_video("video_1"))]
    )
    ledger = Ledger(tmp_path / LEDGER_NAME)
    assert _until_created(_client(), _request(tmp_path), ledger) == "video_1"
    assert create.call_count == 1
    assert lists.call_count == 4


def test_lost_create_is_found_when_the_server_clock_is_behind(httpx2_mock, tmp_path) -> None:
    # Break 6c: matching within a 30 s window missed a video stamped 120 s in the past.
    create = httpx2_mock.post(f"{BASE}/videos").mock(
        side_effect=[httpx2.RemoteProtocolError("dropped"), httpx.Response(200, json=_video())]
    )
    behind = _video("video_behind", created_at=int(time.time()) - 120)
    httpx2_mock.get(f"{BASE}/videos").mock(return_value=_listing(behind))
    ledger = Ledger(tmp_path / LEDGER_NAME)
    assert _until_created(_client(), _request(tmp_path), ledger) == "video_behind"
    assert create.call_count == 1


def test_lost_create_never_adopts_a_video_the_ledger_gives_to_a_scene(httpx2_mock, tmp_path):
    create = httpx2_mock.post(f"{BASE}/videos").mock(side_effect=httpx2.ReadTimeout("timed out"))
    httpx2_mock.get(f"{BASE}/videos").mock(return_value=_listing(_video("video_old")))
    ledger = Ledger(tmp_path / LEDGER_NAME)
    earlier = _request(tmp_path).model_copy(update={"scene_id": "s0"})
    ledger.created(earlier, "video_old", 0.8)  # same prompt and shape, another scene's video
    with pytest.raises(OutcomeUnknownError, match="possibly billed"):
        _until_created(_client(), _request(tmp_path), ledger)
    assert create.call_count == 1
    assert ledger.unsettled_intents() == {"s1": 1}


def test_unknown_outcome_when_the_list_cannot_be_read(httpx2_mock, tmp_path) -> None:
    create = httpx2_mock.post(f"{BASE}/videos").mock(
        side_effect=httpx2.RemoteProtocolError("dropped")
    )
    lists = httpx2_mock.get(f"{BASE}/videos").mock(return_value=_error(500, "server_error"))
    ledger = Ledger(tmp_path / LEDGER_NAME)
    with pytest.raises(OutcomeUnknownError) as caught:
        _until_created(_client(), _request(tmp_path), ledger)
    assert caught.value.final
    assert create.call_count == 1
    assert lists.call_count >= len(DELAYS) + 1  # every look tried, none sent the create
    assert ledger.unsettled_intents() == {"s1": 1}


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
    of its own, and ends outcome unknown (never sent again).
    """
    b_sent, release = threading.Event(), threading.Event()
    calls: list[int] = []

    def create(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        if len(calls) == 1:  # scene B: accepted, but the answer is slow
            b_sent.set()
            release.wait(10)
            return httpx.Response(200, json=_video("video_B"))
        raise httpx2.RemoteProtocolError("dropped")  # scene A: dropped after sending

    httpx2_mock.post(f"{BASE}/videos").mock(side_effect=create)
    httpx2_mock.get(f"{BASE}/videos").mock(return_value=_listing(_video("video_B")))
    client = _client()
    ledger = Ledger(tmp_path / LEDGER_NAME)
    results: dict[str, str] = {}

    def start(scene: str) -> None:
        request = _request(tmp_path).model_copy(update={"scene_id": scene})
        try:
            results[scene] = _until_created(client, request, ledger)
        except OutcomeUnknownError:
            results[scene] = "unknown"

    b = threading.Thread(target=start, args=("B",))
    b.start()
    assert b_sent.wait(5)
    a = threading.Thread(target=start, args=("A",))
    a.start()
    a.join(0.5)  # without the wait-for-identical-sends rule, A would adopt video_B here
    release.set()
    a.join(10)
    b.join(10)
    assert results == {"B": "video_B", "A": "unknown"}
    assert len(calls) == 2


def test_a_listed_video_without_prompt_is_never_adopted(httpx2_mock, tmp_path) -> None:
    create = httpx2_mock.post(f"{BASE}/videos").mock(side_effect=httpx2.ReadTimeout("timed out"))
    httpx2_mock.get(f"{BASE}/videos").mock(return_value=_listing(_video("video_x", prompt=None)))
    with pytest.raises(OutcomeUnknownError):
        _until_created(_client(), _request(tmp_path), Ledger(tmp_path / LEDGER_NAME))
    assert create.call_count == 1


def test_find_existing_skips_jobs_the_ledger_gives_to_other_scenes(httpx2_mock, tmp_path) -> None:
    httpx2_mock.get(f"{BASE}/videos").mock(
        return_value=_listing(_video("video_A"), _video("video_B"))
    )
    found = _client().find_existing(_request(tmp_path), frozenset({"video_A"}))
    assert found is not None and found.job_id == "video_B"


@pytest.mark.parametrize(
    ("value", "total"),
    [(None, 77.0), ("2", 2.0), ("0", 0.0), ("nan", 77.0), ("inf", 77.0), ("-5", 77.0), ("x", 77.0)],
)
def test_the_lost_create_search_takes_its_total_from_the_environment(value, total) -> None:
    environ = {} if value is None else {LOST_CREATE_WAIT_ENV: value}
    delays = delays_from_env(environ)
    assert len(delays) == len(RECONCILE_DELAYS)
    assert sum(delays) == pytest.approx(total)
