"""Webhook signature checks (valid, tampered, stale, unsigned) and the local receiver."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from typing import TYPE_CHECKING

import httpx
import pytest

from imageai.providers.openai.sora_webhooks import (
    WebhookEvent,
    WebhookRejectedError,
    verify_webhook,
)
from imageai.providers.openai.webhook_server import serve_webhooks

if TYPE_CHECKING:
    from collections.abc import Iterator

SECRET = "whsec_" + base64.b64encode(b"a-test-signing-secret").decode()


def _signed(
    event_type: str = "video.completed",
    video_id: str = "video_123",
    *,
    at: int | None = None,
    webhook_id: str = "msg_1",
) -> tuple[bytes, dict[str, str]]:
    """A payload and headers signed the Standard Webhooks way, as OpenAI sends them."""
    timestamp = str(at if at is not None else int(time.time()))
    payload = json.dumps(
        {
            "id": "evt_1",
            "object": "event",
            "type": event_type,
            "created_at": int(timestamp),
            "data": {"id": video_id},
        }
    ).encode()
    key = base64.b64decode(SECRET.removeprefix("whsec_"))
    signed = f"{webhook_id}.{timestamp}.{payload.decode()}".encode()
    signature = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    headers = {
        "webhook-id": webhook_id,
        "webhook-timestamp": timestamp,
        "webhook-signature": f"v1,{signature}",
    }
    return payload, headers


def test_valid_signature_gives_the_video_event() -> None:
    event = verify_webhook(*_signed(), SECRET)
    assert event == WebhookEvent(
        id="evt_1", type="video.completed", created_at=event.created_at, data_id="video_123"
    )
    assert event.video_id == "video_123"


def test_failed_event_is_a_video_event() -> None:
    assert verify_webhook(*_signed("video.failed"), SECRET).is_video


def test_other_event_types_have_no_video_id() -> None:
    event = verify_webhook(*_signed("batch.completed"), SECRET)
    assert event.video_id is None


def test_tampered_payload_is_rejected() -> None:
    payload, headers = _signed()
    with pytest.raises(WebhookRejectedError):
        verify_webhook(payload.replace(b"video_123", b"video_999"), headers, SECRET)


def test_wrong_secret_is_rejected() -> None:
    other = "whsec_" + base64.b64encode(b"another-signing-secret").decode()
    with pytest.raises(WebhookRejectedError):
        verify_webhook(*_signed(), other)


def test_stale_timestamp_is_rejected() -> None:
    with pytest.raises(WebhookRejectedError, match="too old"):
        verify_webhook(*_signed(at=int(time.time()) - 301 - 5), SECRET)


def test_future_timestamp_is_rejected() -> None:
    with pytest.raises(WebhookRejectedError, match="too new"):
        verify_webhook(*_signed(at=int(time.time()) + 600), SECRET)


def test_unsigned_request_is_rejected() -> None:
    payload, _ = _signed()
    with pytest.raises(WebhookRejectedError):
        verify_webhook(payload, {"content-type": "application/json"}, SECRET)


@pytest.fixture
def receiver() -> Iterator[tuple[str, list[WebhookEvent]]]:
    events: list[WebhookEvent] = []
    server = serve_webhooks(0, SECRET, events.append)
    yield f"http://127.0.0.1:{server.port}/", events
    server.stop()


def test_receiver_passes_a_verified_event_once(receiver) -> None:
    url, events = receiver
    payload, headers = _signed()
    first = httpx.post(url, content=payload, headers=headers, timeout=5)
    again = httpx.post(url, content=payload, headers=headers, timeout=5)
    assert (first.status_code, again.status_code) == (200, 200)
    assert [e.video_id for e in events] == ["video_123"]


@pytest.mark.parametrize("case", ["unsigned", "tampered", "stale"])
def test_receiver_answers_400_and_changes_nothing(receiver, case) -> None:
    url, events = receiver
    payload, headers = _signed(at=int(time.time()) - 3600 if case == "stale" else None)
    if case == "unsigned":
        headers = {}
    if case == "tampered":
        payload = payload.replace(b"completed", b"failed")
    response = httpx.post(url, content=payload, headers=headers, timeout=5)
    assert response.status_code == 400
    assert events == []


def test_receiver_answers_500_when_the_handler_fails_and_takes_the_redelivery() -> None:
    handled: list[str | None] = []

    def flaky(event: WebhookEvent) -> None:
        if not handled:
            handled.append(None)
            raise RuntimeError("project locked")
        handled.append(event.video_id)

    server = serve_webhooks(0, SECRET, flaky)
    try:
        payload, headers = _signed()
        url = f"http://127.0.0.1:{server.port}/"
        first = httpx.post(url, content=payload, headers=headers, timeout=5)
        again = httpx.post(url, content=payload, headers=headers, timeout=5)
        assert (first.status_code, again.status_code) == (500, 200)
        assert handled == [None, "video_123"]
    finally:
        server.stop()
