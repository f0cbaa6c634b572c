"""Google error bodies and operation errors classified by status and details, never by text."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import httpx
import pytest

from imageai.core.errors import (
    AuthError,
    ContentPolicyError,
    ErrorKind,
    InvalidRequestError,
    JobTimeoutError,
    NetworkError,
    NotFoundError,
    OutcomeUnknownError,
    PermissionDeniedError,
    QuotaError,
    RateLimitError,
)
from imageai.core.jobs import PollState
from imageai.providers.google.errors import (
    ErrorContext,
    classify_response,
    retry_after_seconds,
    transport_error,
)
from imageai.providers.google.veo_operation import OperationView, VideoRef

CTX = ErrorContext(model="veo-9", offered_models=("veo-3.1-generate-preview",))


def _response(
    status: int, error: dict[str, Any] | None, headers: dict[str, str] | None = None
) -> httpx.Response:
    body = {"error": error} if error is not None else None
    if body is None:
        return httpx.Response(status, text="<html>bad gateway</html>", headers=headers)
    return httpx.Response(status, json=body, headers=headers)


def _err(
    code: int, status: str, message: str = "m", details: list[Any] | None = None
) -> dict[str, Any]:
    return {"code": code, "status": status, "message": message, "details": details or []}


INFO = "type.googleapis.com/google.rpc.ErrorInfo"


@pytest.mark.parametrize(
    ("response", "expected"),
    [
        (
            _response(
                400,
                _err(400, "INVALID_ARGUMENT", "x", [{"@type": INFO, "reason": "API_KEY_INVALID"}]),
            ),
            AuthError,
        ),
        (_response(401, _err(401, "UNAUTHENTICATED")), AuthError),
        (_response(403, _err(403, "PERMISSION_DENIED")), PermissionDeniedError),
        (_response(429, _err(429, "RESOURCE_EXHAUSTED")), RateLimitError),
        (
            _response(400, _err(400, "INVALID_ARGUMENT", "durationSeconds invalid")),
            InvalidRequestError,
        ),
        (_response(400, _err(400, "FAILED_PRECONDITION")), InvalidRequestError),
        (_response(404, _err(404, "NOT_FOUND")), NotFoundError),
        # On create a 5xx, 408 or 409 proves nothing: the video may be made (and billed).
        (_response(503, _err(503, "UNAVAILABLE")), OutcomeUnknownError),
        (_response(500, _err(500, "INTERNAL")), OutcomeUnknownError),
        (_response(504, _err(504, "DEADLINE_EXCEEDED")), OutcomeUnknownError),
        (_response(408, _err(408, "DEADLINE_EXCEEDED")), OutcomeUnknownError),
        (_response(409, _err(409, "ABORTED")), OutcomeUnknownError),
        (_response(502, None), OutcomeUnknownError),
    ],
)
def test_http_errors_are_classified_by_status(response: httpx.Response, expected: type) -> None:
    assert type(classify_response(response, CTX)) is expected


@pytest.mark.parametrize(
    ("response", "expected"),
    [
        (_response(503, _err(503, "UNAVAILABLE")), NetworkError),
        (_response(500, _err(500, "INTERNAL")), NetworkError),
        (_response(504, _err(504, "DEADLINE_EXCEEDED")), JobTimeoutError),
        (_response(502, None), NetworkError),
    ],
)
def test_server_errors_on_a_poll_are_transient(response: httpx.Response, expected: type) -> None:
    assert type(classify_response(response, replace(CTX, action="poll"))) is expected


def test_message_text_does_not_decide_the_kind() -> None:
    # A message that reads like a key problem, with a plain INVALID_ARGUMENT status.
    response = _response(400, _err(400, "INVALID_ARGUMENT", "API key not valid"))
    error = classify_response(response, CTX)
    assert isinstance(error, InvalidRequestError)
    assert "API key not valid" in error.user_message


def test_invalid_argument_shows_the_api_message() -> None:
    error = classify_response(_response(400, _err(400, "INVALID_ARGUMENT", "bad aspect")), CTX)
    assert error.user_message.endswith("bad aspect")
    assert error.final


def test_not_found_model_names_the_models_offered_now() -> None:
    error = classify_response(_response(404, _err(404, "NOT_FOUND")), CTX)
    assert "veo-9" in error.user_message
    assert "veo-3.1-generate-preview" in error.user_message


def test_rate_limit_honours_retry_after_header_and_retry_info() -> None:
    header = classify_response(
        _response(429, _err(429, "RESOURCE_EXHAUSTED"), {"Retry-After": "7"}), CTX
    )
    assert header.retry_after == 7
    retry_info = [{"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "12.5s"}]
    info = classify_response(_response(429, _err(429, "RESOURCE_EXHAUSTED", "q", retry_info)), CTX)
    assert isinstance(info, RateLimitError)
    assert info.retry_after == 12.5
    assert not info.final


def test_daily_quota_is_a_final_quota_error() -> None:
    quota = [
        {
            "@type": "type.googleapis.com/google.rpc.QuotaFailure",
            "violations": [{"quotaId": "GenerateVideosPerDayPerProject"}],
        }
    ]
    error = classify_response(_response(429, _err(429, "RESOURCE_EXHAUSTED", "q", quota)), CTX)
    assert isinstance(error, QuotaError)
    assert error.final


def test_retry_after_reads_http_dates() -> None:
    assert retry_after_seconds({"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"}) == 0
    assert retry_after_seconds({}) is None


def test_transport_errors_on_create_are_ambiguous_unless_nothing_was_sent() -> None:
    request = httpx.Request("POST", "http://x")
    assert isinstance(
        transport_error(httpx.ConnectError("no", request=request), "create"), NetworkError
    )
    for exc in (httpx.ReadTimeout("t"), httpx.RemoteProtocolError("gone"), httpx.WriteError("w")):
        assert isinstance(transport_error(exc, "create"), OutcomeUnknownError)
    assert isinstance(transport_error(httpx.ReadTimeout("t"), "poll"), JobTimeoutError)
    assert isinstance(transport_error(httpx.ReadError("r"), "poll"), NetworkError)


def test_filtered_operation_fails_with_googles_reasons() -> None:
    view = OperationView(
        name="op/1",
        done=True,
        filtered_count=1,
        filtered_reasons=("Contains a celebrity likeness.",),
    )
    status = view.poll_status(CTX)
    assert status.state is PollState.FAILED
    assert isinstance(status.error, ContentPolicyError)
    assert "Contains a celebrity likeness." in status.error.user_message


def test_operation_error_uses_the_rpc_code() -> None:
    view = OperationView(name="n", done=True, error={"code": 3, "message": "prompt too long"})
    status = view.poll_status(CTX)
    assert status.error is not None
    assert status.error.kind is ErrorKind.INVALID_REQUEST
    assert "prompt too long" in status.error.user_message
    busy = OperationView(name="n", done=True, error={"code": 8, "message": "busy"})
    assert busy.poll_status(CTX).error.kind is ErrorKind.RATE_LIMIT  # type: ignore[union-attr]


def test_running_and_completed_operations() -> None:
    assert OperationView(name="n", done=False).poll_status(CTX).state is PollState.RUNNING
    view = OperationView(name="n", done=True, videos=(VideoRef(uri="gs://b/clip.mp4"),))
    assert view.poll_status(CTX).state is PollState.COMPLETED
