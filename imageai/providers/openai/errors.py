"""Map the openai SDK's typed exceptions and API error codes to ImageAI's `ProviderError` kinds."""

from __future__ import annotations

import httpx
import httpx2
import openai

from imageai.core.errors import (
    AuthError,
    ContentPolicyError,
    InvalidRequestError,
    JobTimeoutError,
    NetworkError,
    NotFoundError,
    PermissionDeniedError,
    ProviderError,
    QuotaError,
    RateLimitError,
)
from imageai.core.settling import create_refused

RETIRED_MESSAGE = (
    "The endpoint answered that the video model or route does not exist. OpenAI retired the "
    "Sora 2 API on 2026-09-24: enter the base URL of an OpenAI-compatible endpoint (/v1/videos) "
    "that serves the model (CLI: imageai video endpoint DIR --base-url URL), check the model id "
    "on that endpoint, or move the project to Gemini Omni."
)
#: Error codes the API uses for an account out of credit, as opposed to a momentary rate limit.
QUOTA_CODES = frozenset({"insufficient_quota", "billing_hard_limit_reached", "billing_not_active"})
#: Error codes that mean the content filter refused the prompt or the reference image.
POLICY_CODES = frozenset({"moderation_blocked", "content_policy_violation"})
#: Transport errors raised before the request left this machine: nothing can have been created.
_BEFORE_SEND = (
    httpx2.ConnectError,
    httpx2.ConnectTimeout,
    httpx.ConnectError,
    httpx.ConnectTimeout,
)


def _api_message(exc: openai.APIError) -> str:
    """The API's own message from the error body, not the SDK's ``Error code: ...`` wrapper."""
    body = exc.body
    if isinstance(body, dict) and isinstance(body.get("message"), str) and body["message"]:
        return str(body["message"])
    return exc.message


def _retry_after(exc: openai.APIStatusError) -> float | None:
    headers = exc.response.headers
    for name, divisor in (("retry-after-ms", 1000.0), ("retry-after", 1.0)):
        value = headers.get(name)
        if value is None:
            continue
        try:
            return max(0.0, float(value) / divisor)
        except ValueError:
            continue
    return None


def classify(exc: openai.OpenAIError, *, video_id: str | None = None) -> ProviderError:
    """Turn an SDK exception into the matching `ProviderError` (by type and code, never by text).

    Args:
        exc: the SDK's exception.
        video_id: the video the call was about, so a 404 can say it may be deleted or expired.
    """
    if isinstance(exc.__cause__, ProviderError):  # our own cap (ResponseTooLargeError) stopped it
        return exc.__cause__
    if isinstance(exc, openai.APITimeoutError):
        return JobTimeoutError("The OpenAI API did not answer in time.", detail=exc.message)
    if isinstance(exc, openai.APIConnectionError):
        return NetworkError("Could not reach the OpenAI API.", detail=repr(exc.__cause__))
    if not isinstance(exc, openai.APIStatusError):
        return ProviderError(f"OpenAI SDK error: {exc}", detail=type(exc).__name__)
    message = _api_message(exc)
    kind, text = _status_error(exc, message, video_id)
    retry_after = _retry_after(exc) if kind is RateLimitError else None
    return kind(
        text, detail=message, retry_after=retry_after, status_code=exc.status_code, code=exc.code
    )


def _status_error(
    exc: openai.APIStatusError, message: str, video_id: str | None
) -> tuple[type[ProviderError], str]:
    code = exc.code
    if code in POLICY_CODES:
        return ContentPolicyError, f"Refused by the content filter: {message}"
    if isinstance(exc, openai.AuthenticationError):
        return AuthError, "The OpenAI API key was refused (401); check it in Settings."
    if isinstance(exc, openai.PermissionDeniedError):
        return PermissionDeniedError, "This OpenAI key has no access to the video models (403)."
    if isinstance(exc, openai.RateLimitError):
        if code in QUOTA_CODES:
            return QuotaError, f"The OpenAI account is out of quota: {message}"
        return RateLimitError, "OpenAI rate limit reached; retrying later."
    if isinstance(exc, openai.NotFoundError):
        if video_id is not None:
            return NotFoundError, (
                f"Video {video_id} was not found (deleted, expired, or the API is gone). "
                f"{RETIRED_MESSAGE}"
            )
        return NotFoundError, RETIRED_MESSAGE
    if isinstance(exc, openai.BadRequestError | openai.UnprocessableEntityError):
        return InvalidRequestError, message
    if isinstance(exc, openai.InternalServerError):
        return ProviderError, f"OpenAI server error ({exc.status_code}); retrying later."
    return ProviderError, f"OpenAI API error ({exc.status_code}): {message}"


def classify_video_error(code: str | None, message: str | None) -> ProviderError:
    """The error of a video whose status is ``failed``."""
    text = message or "The video failed without a reason."
    if code in POLICY_CODES:
        return ContentPolicyError(f"Refused by the content filter: {text}", code=code, detail=text)
    if code in QUOTA_CODES:
        return QuotaError(f"The OpenAI account is out of quota: {text}", code=code, detail=text)
    return ProviderError(f"Sora could not render the video: {text}", code=code, detail=text)


def created_nothing(exc: openai.OpenAIError) -> bool:
    """True when the failed create surely created nothing, so sending it again is safe.

    Only a connection that failed before the request was sent, and a 429 rate limit (not
    quota), qualify. Every 5xx (with an error body or not: a server can bill and then fail),
    408, 409, a dropped connection after sending and a read timeout leave the outcome unknown.
    """
    if isinstance(exc, openai.APIConnectionError):
        return isinstance(exc.__cause__, _BEFORE_SEND)
    if isinstance(exc, openai.RateLimitError):
        return exc.code not in QUOTA_CODES
    return False


def refused(exc: openai.OpenAIError) -> bool:
    """True when the server surely refused the create (a 4xx other than 408, 409 and 429)."""
    if isinstance(exc, openai.RateLimitError):
        return exc.code in QUOTA_CODES
    return isinstance(exc, openai.APIStatusError) and create_refused(exc.status_code)


def outcome_unknown(exc: openai.OpenAIError) -> bool:
    """True when a create may have been accepted (and billed) though no answer says so."""
    return not created_nothing(exc) and not refused(exc)
