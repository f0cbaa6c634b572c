"""Gemini Omni failures (Interactions SDK exceptions, transport, auth) mapped to core errors."""

from __future__ import annotations

from typing import TYPE_CHECKING

import google.auth.exceptions
import httpx
import httpx2
from google.genai import _interactions_errors as sdk_errors

from imageai.core.errors import (
    AuthError,
    JobTimeoutError,
    NetworkError,
    OutcomeUnknownError,
    ProviderError,
)
from imageai.providers.google.errors import (
    NOT_SENT,
    classify,
    retry_after_seconds,
    status_from_body,
)

if TYPE_CHECKING:
    from imageai.providers.google.errors import ErrorContext

PRODUCT = "Gemini Omni"
#: Transport failures (httpx2, which the SDK runs on) raised before the request left.
NOT_SENT_2 = (httpx2.ConnectError, httpx2.ConnectTimeout, httpx2.PoolTimeout)
_TIMEOUTS = (httpx.TimeoutException, httpx2.TimeoutException, sdk_errors.APITimeoutError)

LOST_CREATE = (
    "The answer to the Gemini Omni request was lost ({why}), so the video may or may not have "
    "been created (and billed). Gemini Omni offers no way to look it up: check your Google AI "
    "Studio / Cloud usage, then choose Retry to create it again."
)


def _causes(exc: BaseException) -> list[BaseException]:
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in chain:
        chain.append(current)
        current = current.__cause__ or current.__context__
    return chain


def _not_sent(exc: BaseException) -> bool:
    return any(isinstance(e, NOT_SENT + NOT_SENT_2) for e in _causes(exc))


def _transport(exc: BaseException, context: ErrorContext) -> ProviderError:
    kind = type(exc).__name__
    if _not_sent(exc):
        return NetworkError(
            "Cannot reach Google; check the network connection.", detail=kind, code="CONNECT_FAILED"
        )
    if context.action == "create":
        # The request may have reached Google: there is no id to look for and no idempotency key.
        return OutcomeUnknownError(LOST_CREATE.format(why="connection lost"), detail=kind)
    if any(isinstance(e, _TIMEOUTS) for e in _causes(exc)):
        return JobTimeoutError("Google did not answer in time; retrying.", detail=kind)
    return NetworkError("The connection to Google was interrupted; retrying.", detail=kind)


def refused(code: int) -> bool:
    """An HTTP answer to a create that proves Google turned it away (nothing made, nothing billed).

    A 4xx is a refusal, except 408 (the server gave up reading it) and 409 (a conflict with
    something that may be this very request): the SDK itself retries those two as transient.
    Any other answer, a 5xx, a 2xx the SDK could not read, a 3xx, proves nothing.
    """
    return 400 <= code < 500 and code not in (408, 409)


def _status_error(exc: sdk_errors.APIStatusError, context: ErrorContext) -> ProviderError:
    code = exc.response.status_code
    status = status_from_body(code, exc.body)
    headers = exc.response.headers
    if context.action == "create" and not refused(code):
        # A 5xx, 408, 409 or an unreadable 2xx does not prove the create was dropped.
        return OutcomeUnknownError(
            LOST_CREATE.format(why=f"Google answered HTTP {code}"),
            detail=f"{code} {status.status}: {status.message}",
            status_code=code,
            code=status.status,
        )
    return classify(status, context, retry_after_seconds(headers))


def map_error(exc: BaseException, context: ErrorContext) -> ProviderError | None:
    """The core error for an exception from an Interactions call; None if it is not one of ours.

    Only failures that prove nothing was sent (connect refused, 429) leave a create retryable;
    a lost answer (reset, timeout, 5xx, unreadable body) on create is `OutcomeUnknownError`.
    """
    if isinstance(exc, sdk_errors.APIStatusError):
        return _status_error(exc, context)
    if isinstance(
        exc, sdk_errors.APIConnectionError | httpx.TransportError | httpx2.TransportError
    ):
        return _transport(exc, context)
    if isinstance(exc, sdk_errors.APIResponseValidationError):
        if context.action == "create":
            return OutcomeUnknownError(
                LOST_CREATE.format(why="the answer was unreadable"), detail=str(exc)[:200]
            )
        return NetworkError("Google sent an answer that could not be read.", detail=str(exc)[:200])
    if isinstance(exc, google.auth.exceptions.RefreshError):
        return AuthError("Google Cloud rejected the credentials; log in again.")
    if isinstance(exc, google.auth.exceptions.TransportError):
        # The token refresh failed before the request was built: nothing was sent.
        return NetworkError("Cannot reach Google to refresh credentials.", code="CONNECT_FAILED")
    if isinstance(exc, sdk_errors.APIError):
        if context.action == "create":
            # An SDK error with no HTTP status on create (an answer it could not parse).
            return OutcomeUnknownError(
                LOST_CREATE.format(why="the answer was unreadable"), detail=str(exc)[:200]
            )
        return ProviderError(f"{PRODUCT} failed: {exc.message}"[:300])
    return None
