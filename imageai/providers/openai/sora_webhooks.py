"""OpenAI webhooks: the signing secret, and verified ``video.completed``/``video.failed`` events."""

from __future__ import annotations

import base64
import binascii
import json
from functools import cache
from typing import TYPE_CHECKING, Any

from openai import OpenAI
from pydantic import BaseModel, ConfigDict

from imageai.core.errors import ImageAIError, ValidationError

if TYPE_CHECKING:
    from collections.abc import Mapping

VIDEO_EVENTS = frozenset({"video.completed", "video.failed"})
SECRET_PREFIX = "whsec_"
#: A signing key shorter than this is refused: anyone could guess it and forge events.
MIN_KEY_BYTES = 16


class WebhookRejectedError(ImageAIError):
    """A webhook request was unsigned, tampered with, stale or malformed."""


class WebhookSecretError(ValidationError):
    """The signing secret is empty, too short or not base64: the receiver refuses to start."""

    def __init__(self, message: str) -> None:
        super().__init__("secret", message)


class WebhookEvent(BaseModel):
    """A verified event; for video events ``video_id`` names the video."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    type: str
    created_at: int
    #: The ``data.id`` of the event: the video id for ``video.*`` events.
    data_id: str | None = None

    @property
    def is_video(self) -> bool:
        return self.type in VIDEO_EVENTS

    @property
    def video_id(self) -> str | None:
        return self.data_id if self.is_video else None


def signing_key(secret: str) -> bytes:
    """The HMAC key of a secret as the Standard Webhooks reference reads it.

    ``whsec_`` prefix optional, base64 with or without its ``=`` padding. Unlike the
    reference, a character outside base64 is an error rather than skipped, and the key must be
    at least `MIN_KEY_BYTES` long.

    Raises:
        WebhookSecretError: empty (``whsec_`` alone), not base64, or too short.
    """
    body = secret.strip().removeprefix(SECRET_PREFIX).rstrip("=")
    if not body:
        raise WebhookSecretError("the signing secret is empty; copy it from the webhook's page")
    try:
        key = base64.b64decode(body + "=" * (-len(body) % 4), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise WebhookSecretError(
            "the signing secret is not base64 (expected whsec_ and base64 text); copy it again"
        ) from exc
    if len(key) < MIN_KEY_BYTES:
        raise WebhookSecretError(
            f"the signing secret is {len(key)} bytes; at least {MIN_KEY_BYTES} are needed"
        )
    return key


def canonical_secret(secret: str) -> str:
    """``whsec_`` + padded base64: the one form the SDK reads as the reference does."""
    return SECRET_PREFIX + base64.b64encode(signing_key(secret)).decode()


@cache
def _verifier() -> OpenAI:
    # verify_signature() needs a client object; this one never sends a request.
    return OpenAI(api_key="unused-for-webhook-verification", max_retries=0)


def verify_webhook(payload: bytes, headers: Mapping[str, str], secret: str) -> WebhookEvent:
    """Check the Standard Webhooks signature (HMAC-SHA256, 300 s tolerance) with the SDK.

    The SDK does the HMAC, the timestamp window and multiple signatures; the secret is first
    brought to the canonical form, because the SDK reads an unprefixed secret as raw bytes and
    cannot decode unpadded base64, both of which the Standard Webhooks reference accepts, and
    it would take ``whsec_`` alone as an empty key (anyone could forge events).

    Raises:
        WebhookSecretError: the secret itself is unusable.
        WebhookRejectedError: missing or wrong signature, stale or future timestamp, bad JSON.
    """
    key = canonical_secret(secret)
    try:
        _verifier().webhooks.verify_signature(payload, dict(headers), secret=key)
        # The SDK has no model for video events yet, so read the verified JSON directly.
        data: Any = json.loads(payload)
        inner = data.get("data") or {}
        return WebhookEvent(
            id=str(data["id"]),
            type=str(data["type"]),
            created_at=int(data.get("created_at") or 0),
            data_id=str(inner["id"]) if isinstance(inner, dict) and "id" in inner else None,
        )
    except (ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
        # InvalidWebhookSignatureError and the SDK's missing-header error are ValueErrors.
        raise WebhookRejectedError(f"webhook rejected: {exc}") from exc
