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
    ProviderError,
)
from imageai.providers.google.errors import (
    NOT_SENT,
    classify,
    lost_create,
    retry_after_seconds,
    status_from_body,
)

if TYPE_CHECKING:
    from imageai.providers.google.errors import ErrorContext

PRODUCT = "Gemini Omni"
#: Transport failures (httpx2, which the SDK runs on) raised before the request left.
NOT_SENT_2 = (httpx2.ConnectError, httpx2.ConnectTimeout, httpx2.PoolTimeout)
_TIMEOUTS = (httpx.TimeoutException, httpx2.TimeoutException, sdk_errors.APITimeoutError)


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
        return lost_create(PRODUCT, "connection lost", detail=kind)
    if any(isinstance(e, _TIMEOUTS) for e in _causes(exc)):
        return JobTimeoutError("Google did not answer in time; retrying.", detail=kind)
    return NetworkError("The connection to Google was interrupted; retrying.", detail=kind)


def _status_error(exc: sdk_errors.APIStatusError, context: ErrorContext) -> ProviderError:
    # On create, `classify` makes every answer but a 4xx refusal outcome unknown.
    status = status_from_body(exc.response.status_code, exc.body)
    return classify(status, context, retry_after_seconds(exc.response.headers))


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
            return lost_create(PRODUCT, "the answer was unreadable", detail=str(exc)[:200])
        return NetworkError("Google sent an answer that could not be read.", detail=str(exc)[:200])
    if isinstance(exc, google.auth.exceptions.RefreshError):
        return AuthError("Google Cloud rejected the credentials; log in again.")
    if isinstance(exc, google.auth.exceptions.TransportError):
        # The token refresh failed before the request was built: nothing was sent.
        return NetworkError("Cannot reach Google to refresh credentials.", code="CONNECT_FAILED")
    if isinstance(exc, sdk_errors.APIError):
        if context.action == "create":
            # An SDK error with no HTTP status on create (an answer it could not parse).
            return lost_create(PRODUCT, "the answer was unreadable", detail=str(exc)[:200])
        return ProviderError(f"{PRODUCT} failed: {exc.message}"[:300])
    return None
