"""Classify Google API failures (HTTP status, google.rpc status, error details) into core errors."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any

import httpx

from imageai.core.errors import (
    AuthError,
    ContentPolicyError,
    InvalidRequestError,
    JobTimeoutError,
    ModelGoneError,
    NetworkError,
    NotFoundError,
    OutcomeUnknownError,
    PermissionDeniedError,
    ProviderError,
    QuotaError,
    RateLimitError,
)

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

#: google.rpc.Code numbers, as found in a failed operation's ``error.code``.
RPC_CODES: dict[int, str] = {
    1: "CANCELLED",
    2: "UNKNOWN",
    3: "INVALID_ARGUMENT",
    4: "DEADLINE_EXCEEDED",
    5: "NOT_FOUND",
    6: "ALREADY_EXISTS",
    7: "PERMISSION_DENIED",
    8: "RESOURCE_EXHAUSTED",
    9: "FAILED_PRECONDITION",
    10: "ABORTED",
    11: "OUT_OF_RANGE",
    12: "UNIMPLEMENTED",
    13: "INTERNAL",
    14: "UNAVAILABLE",
    15: "DATA_LOSS",
    16: "UNAUTHENTICATED",
}
#: The status Google pairs with an HTTP code, for error bodies that carry none.
STATUS_FOR_HTTP: dict[int, str] = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    503: "UNAVAILABLE",
    504: "DEADLINE_EXCEEDED",
}
#: google.rpc.ErrorInfo reasons that mean the API key itself is wrong.
BAD_KEY_REASONS = frozenset({"API_KEY_INVALID", "API_KEY_EXPIRED", "ACCESS_TOKEN_EXPIRED"})
_ERROR_INFO = "type.googleapis.com/google.rpc.ErrorInfo"
_RETRY_INFO = "type.googleapis.com/google.rpc.RetryInfo"
_QUOTA_FAILURE = "type.googleapis.com/google.rpc.QuotaFailure"
#: Transport failures raised before any byte of the request left: nothing can have been created.
NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout, httpx.UnsupportedProtocol)


@dataclass(frozen=True)
class GoogleStatus:
    """The structured part of a Google error: HTTP code, rpc status name and details."""

    http_status: int | None
    status: str
    message: str
    reasons: tuple[str, ...] = ()
    retry_delay: float | None = None
    quota_ids: tuple[str, ...] = ()
    #: False when the body was not a Google error object (a proxy page, an empty body).
    has_body: bool = True


def _seconds(value: object) -> float | None:
    # RetryInfo.retryDelay is a protobuf Duration in JSON form: "12s" or "1.5s".
    if isinstance(value, str) and value.endswith("s"):
        try:
            return float(value[:-1])
        except ValueError:
            return None
    return None


def status_from_error(error: Mapping[str, Any], http_status: int | None) -> GoogleStatus:
    """Read a google.rpc.Status (the ``error`` object of a body, or of an operation)."""
    code = error.get("code")
    status = error.get("status")
    if (not isinstance(status, str) or not status) and isinstance(code, str):
        # Interactions API bodies carry the status as a lowercase string code ("not_found").
        named = code.rsplit("/", 1)[-1].upper()
        status = named if named in RPC_CODES.values() else None
    if not isinstance(status, str) or not status:
        if http_status is None and isinstance(code, int):
            status = RPC_CODES.get(code, "UNKNOWN")
        else:
            status = STATUS_FOR_HTTP.get(http_status or 0, "UNKNOWN")
    reasons: list[str] = []
    quota_ids: list[str] = []
    delay: float | None = None
    for detail in error.get("details") or ():
        if not isinstance(detail, dict):
            continue
        kind = detail.get("@type")
        if kind == _ERROR_INFO and isinstance(detail.get("reason"), str):
            reasons.append(detail["reason"])
        elif kind == _RETRY_INFO:
            delay = _seconds(detail.get("retryDelay"))
        elif kind == _QUOTA_FAILURE:
            for violation in detail.get("violations") or ():
                if isinstance(violation, dict) and isinstance(violation.get("quotaId"), str):
                    quota_ids.append(violation["quotaId"])
    return GoogleStatus(
        http_status=http_status,
        status=status,
        message=str(error.get("message") or ""),
        reasons=tuple(reasons),
        retry_delay=delay,
        quota_ids=tuple(quota_ids),
    )


def status_from_body(http_status: int, body: bytes | str | Any) -> GoogleStatus:
    """Parse an HTTP error body; a body that is no Google error keeps ``has_body=False``."""
    data = body
    if isinstance(body, bytes | str):
        try:
            data = json.loads(body or b"null")
        except ValueError:
            data = None
    error = data.get("error") if isinstance(data, dict) else None
    if isinstance(data, dict) and error is None and "status" in data and "message" in data:
        error = data  # the SDK sometimes hands over the inner object
    if not isinstance(error, dict):
        name = STATUS_FOR_HTTP.get(http_status, "UNKNOWN")
        return GoogleStatus(http_status, name, f"HTTP {http_status}", has_body=False)
    return status_from_error(error, http_status)


def retry_after_seconds(headers: Mapping[str, str]) -> float | None:
    """``Retry-After`` as seconds (delta or HTTP date); None when absent or unreadable."""
    value = headers.get("retry-after") or headers.get("Retry-After")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    from datetime import UTC, datetime

    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def create_refused(http_status: int) -> bool:
    """An HTTP answer to a create that proves Google turned it away (nothing made or billed).

    A 4xx is a refusal, except 408 (the server gave up reading the request) and 409 (a conflict,
    possibly with this very request); Google's SDKs retry those two as transient. Any other
    answer (a 5xx, a 2xx or 3xx nobody could read) proves nothing.
    """
    return 400 <= http_status < 500 and http_status not in (408, 409)


def lost_create(product: str, why: str, **kw: Any) -> OutcomeUnknownError:
    """The create may have reached Google: no id to look for, no idempotency key."""
    return OutcomeUnknownError(
        f"The answer to the {product} request was lost ({why}), so the video may or may not "
        f"have been created (and billed). {product} offers no way to look it up: check your "
        "Google AI Studio / Cloud usage, then choose Retry to create it again.",
        **kw,
    )


@dataclass(frozen=True)
class ErrorContext:
    """What the classifier needs to word its message: the model and the models offered now."""

    model: str = ""
    offered_models: tuple[str, ...] = ()
    #: "create", "poll" or "download": a NOT_FOUND means different things for each.
    action: str = "create"
    #: The product named in messages ("Veo", "Gemini Omni").
    product: str = "Veo"


def classify(
    status: GoogleStatus, context: ErrorContext, retry_after: float | None = None
) -> ProviderError:
    """Map a Google error to a core `ProviderError`, from structured fields only."""
    name = status.status
    product = context.product
    detail = f"{status.http_status or '-'} {name}: {status.message}"
    kw: dict[str, Any] = {"detail": detail, "status_code": status.http_status, "code": name}
    if (
        context.action == "create"
        and status.http_status is not None
        and not create_refused(status.http_status)
    ):
        # A 5xx, 408 or 409 does not prove Google dropped the request: the video may be made.
        return lost_create(product, f"Google answered HTTP {status.http_status}", **kw)
    if name == "UNAUTHENTICATED" or BAD_KEY_REASONS.intersection(status.reasons):
        return AuthError("Google rejected the API key or credentials; check the key.", **kw)
    if name == "PERMISSION_DENIED":
        return PermissionDeniedError(
            f"This key or project has no access to {product} (enable billing or the API); "
            f"Google says: {status.message}",
            **kw,
        )
    if name == "RESOURCE_EXHAUSTED":
        wait = retry_after if retry_after is not None else status.retry_delay
        if any("PerDay" in quota for quota in status.quota_ids):
            return QuotaError(
                f"The daily {product} quota is used up; Google says: {status.message}", **kw
            )
        return RateLimitError(
            f"Too many {product} requests; waiting before retrying.", retry_after=wait, **kw
        )
    if name == "NOT_FOUND":
        return _not_found(status, context, kw)
    if name in ("INVALID_ARGUMENT", "FAILED_PRECONDITION", "OUT_OF_RANGE"):
        return InvalidRequestError(f"{product} refused the request: {status.message}", **kw)
    if name == "DEADLINE_EXCEEDED":
        return JobTimeoutError("Google timed out while generating; try again.", **kw)
    if (
        name in ("UNAVAILABLE", "INTERNAL", "ABORTED", "UNKNOWN")
        or (status.http_status or 0) >= 500
    ):
        return NetworkError(
            f"Google's video service had a problem ({name}); try again later.",
            retry_after=retry_after,
            **kw,
        )
    return ProviderError(f"{product} failed: {name} {status.message}".strip(), **kw)


_GONE = re.compile(r"models/(?P<model>[\w.\-]+) is no longer available")
_SUCCESSOR = re.compile(r"use models/(?P<model>[\w.\-]+)")


def gone_model(message: str) -> tuple[str, str | None] | None:
    """(model, successor) from Google's 404 "This model models/X is no longer available. Please
    update your code to use models/Y"; None for any other text."""
    gone = _GONE.search(message)
    if gone is None:
        return None
    successor = _SUCCESSOR.search(message[gone.end() :])
    return gone["model"], successor["model"] if successor else None


def _not_found(status: GoogleStatus, context: ErrorContext, kw: dict[str, Any]) -> ProviderError:
    if (gone := gone_model(status.message)) is not None:
        model, successor = gone
        then = f" Google names {successor} as its successor." if successor else ""
        return ModelGoneError(
            f"{model} is gone: Google no longer serves this model.{then}",
            model=model,
            successor=successor,
            **kw,
        )
    if context.action == "create":
        offered = ", ".join(context.offered_models) or "none"
        return NotFoundError(
            f"{context.product} model {context.model!r} does not exist (any more); "
            f"models offered now: {offered}.",
            **kw,
        )
    if context.action == "download":
        return NotFoundError(
            "The generated video is gone (Gemini keeps files for about two days).", **kw
        )
    return NotFoundError(f"Google no longer knows this {context.product} job.", **kw)


def classify_response(response: httpx.Response, context: ErrorContext) -> ProviderError:
    """Classify a non-2xx httpx response (its body must be read)."""
    status = status_from_body(response.status_code, response.content)
    return classify(status, context, retry_after_seconds(response.headers))


def filtered_error(count: int, reasons: Iterable[str]) -> ContentPolicyError:
    """The safety filter removed every sample: show Google's reasons."""
    shown = "; ".join(r for r in reasons if r) or "no reason given"
    noun = "video was" if count == 1 else f"{count} videos were"
    return ContentPolicyError(
        f"Google's safety filter blocked this prompt: the {noun} removed. Reason: {shown}",
        detail=shown,
        code="RAI_MEDIA_FILTERED",
    )


def transport_error(exc: httpx.TransportError, action: str, product: str = "Veo") -> ProviderError:
    """A failure below HTTP. On create, anything that may have reached Google is ambiguous."""
    kind = type(exc).__name__
    if isinstance(exc, NOT_SENT):
        return NetworkError(
            "Cannot reach Google; check the network connection.", detail=kind, code="CONNECT_FAILED"
        )
    if action == "create":
        return lost_create(product, "connection lost after sending", detail=kind)
    if isinstance(exc, httpx.TimeoutException):
        return JobTimeoutError("Google did not answer in time; retrying.", detail=kind)
    return NetworkError("The connection to Google was interrupted; retrying.", detail=kind)
