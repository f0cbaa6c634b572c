"""The webhook receiver's bounds: secrets as the reference reads them, sizes, time, threads, replays."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import socket
import threading
import time
from typing import TYPE_CHECKING

import httpx
import pytest

from imageai.providers.openai.sora_webhooks import (
    WebhookRejectedError,
    WebhookSecretError,
    signing_key,
    verify_webhook,
)
from imageai.providers.openai.webhook_server import (
    WebhookRetryLaterError,
    serve_webhooks,
)
from tests.unit.providers.openai.test_sora_webhooks import SECRET, _signed

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from imageai.providers.openai.sora_webhooks import WebhookEvent

# Standard Webhooks reference vectors (standard-webhooks/standard-webhooks,
# libraries/python/tests/test_webhooks.py).
REF_SECRET = "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
REF_MSG_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
REF_PAYLOAD = '{"test": 2432232314}'
REF_TIMESTAMP = 1614265330
REF_SIGNATURE = "g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def test_reference_sign_vector() -> None:
    signed = f"{REF_MSG_ID}.{REF_TIMESTAMP}.{REF_PAYLOAD}".encode()
    digest = hmac.new(signing_key("whsec_" + REF_SECRET), signed, hashlib.sha256).digest()
    assert base64.b64encode(digest).decode() == REF_SIGNATURE


def _signed_with(padded_secret: str, webhook_id: str = "msg_ref") -> tuple[bytes, dict[str, str]]:
    """A video event signed as the reference signs it, with the reference's key decoding."""
    ts = str(int(time.time()))
    payload = json.dumps({"id": "evt_1", "type": "video.completed", "data": {"id": "video_1"}})
    key = base64.b64decode(padded_secret)
    digest = hmac.new(key, f"{webhook_id}.{ts}.{payload}".encode(), hashlib.sha256).digest()
    headers = {
        "webhook-id": webhook_id,
        "webhook-timestamp": ts,
        "webhook-signature": "v1," + base64.b64encode(digest).decode(),
    }
    return payload.encode(), headers


@pytest.mark.parametrize(
    ("given", "padded"),
    [
        (REF_SECRET, REF_SECRET),  # unprefixed
        ("whsec_" + REF_SECRET, REF_SECRET),
        ("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaS", "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaS="),  # one pad short
        ("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSwBr", "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSwBr=="),  # two
        ("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSwBr", "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSwBr=="),
    ],
)
def test_secrets_as_the_reference_reads_them_verify(given: str, padded: str) -> None:
    assert verify_webhook(*_signed_with(padded), given).video_id == "video_1"


def test_multiple_signatures_one_valid_verifies() -> None:
    payload, headers = _signed_with(REF_SECRET)
    bogus = "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc="
    headers["webhook-signature"] = f"{bogus} v2,{bogus[3:]} {headers['webhook-signature']}"
    assert verify_webhook(payload, headers, REF_SECRET).is_video


@pytest.mark.parametrize(
    ("secret", "reason"),
    [
        ("whsec_", "empty"),
        ("", "empty"),
        ("whsec_===", "empty"),
        ("whsec_AAAA", "at least 16"),
        ("whsec_not base64!", "not base64"),
        ("a plain passphrase", "not base64"),
    ],
)
def test_an_empty_short_or_invalid_secret_is_refused(secret: str, reason: str) -> None:
    with pytest.raises(WebhookSecretError, match=reason):
        signing_key(secret)
    forged = json.dumps({"id": "e", "type": "video.failed", "data": {"id": "v"}}).encode()
    ts = str(int(time.time()))
    empty_sig = hmac.new(b"", f"m.{ts}.".encode() + forged, hashlib.sha256).digest()
    headers = {
        "webhook-id": "m",
        "webhook-timestamp": ts,
        "webhook-signature": "v1," + base64.b64encode(empty_sig).decode(),
    }
    with pytest.raises(WebhookSecretError):
        verify_webhook(forged, headers, secret)


def _port_is_free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def test_a_bad_secret_never_opens_the_port() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(WebhookSecretError):
        serve_webhooks(port, "whsec_", lambda _e: None)
    assert _port_is_free(port)


@pytest.fixture
def receiver(tmp_path: Path) -> Iterator[tuple[int, list[WebhookEvent]]]:
    events: list[WebhookEvent] = []
    server = serve_webhooks(
        0, SECRET, events.append, seen_file=tmp_path / "seen.json", read_timeout=0.5
    )
    yield server.port, events
    server.stop()


def _raw(port: int, request: bytes, *, wait: float = 10.0) -> bytes:
    """Send ``request`` as is and return what the server answers before closing."""
    with socket.create_connection(("127.0.0.1", port), timeout=wait) as s:
        s.sendall(request)
        data = b""
        while chunk := s.recv(65536):
            data += chunk
        return data


@pytest.mark.parametrize(
    ("length_header", "status"),
    [
        (b"Content-Length: -1\r\n", b"400"),
        (b"Content-Length: abc\r\n", b"400"),
        (b"Content-Length: 5\r\nContent-Length: 6\r\n", b"400"),
        (b"", b"411"),
        (b"Transfer-Encoding: chunked\r\n", b"411"),
        (b"Content-Length: 999999999999\r\n", b"413"),
    ],
)
def test_bad_lengths_are_refused_without_reading_the_body(
    receiver: tuple[int, list[WebhookEvent]], length_header: bytes, status: bytes
) -> None:
    port, events = receiver
    # Only the head is sent: an answer proves the body was never waited for.
    answer = _raw(port, b"POST / HTTP/1.1\r\nHost: x\r\n" + length_header + b"\r\n")
    assert answer.split(b" ")[1] == status
    assert events == []


def test_a_body_that_never_finishes_gets_408_and_the_connection_closed(
    receiver: tuple[int, list[WebhookEvent]],
) -> None:
    port, _ = receiver
    answer = _raw(port, b'POST / HTTP/1.1\r\nContent-Length: 100\r\n\r\n{"id":')
    assert answer.split(b" ")[1] == b"408"


def test_a_flood_of_unfinished_connections_holds_bounded_threads_and_a_delivery_gets_through(
    tmp_path: Path,
) -> None:
    events: list[WebhookEvent] = []
    server = serve_webhooks(
        0, SECRET, events.append, seen_file=tmp_path / "s.json", read_timeout=1.0, max_connections=8
    )
    before = threading.active_count()
    stalled: list[socket.socket] = []
    try:
        for _ in range(200):
            s = socket.create_connection(("127.0.0.1", server.port), timeout=15)
            s.sendall(b"POST / HTTP/1.1\r\nContent-Length: 1000\r\n\r\n{")
            stalled.append(s)
        assert threading.active_count() - before <= 8 + 1
        for s in stalled:  # every one is answered (503 at once, or 408) and closed: none held
            data = b""
            while chunk := s.recv(65536):
                data += chunk
            assert data.split(b" ")[1] in (b"503", b"408")
        payload, headers = _signed(webhook_id="msg_flood")
        url = f"http://127.0.0.1:{server.port}/"
        assert httpx.post(url, content=payload, headers=headers, timeout=15).status_code == 200
        assert [e.video_id for e in events] == ["video_123"]
    finally:
        for s in stalled:
            s.close()
        server.stop()


def test_a_deferred_event_is_answered_503_and_its_redelivery_applied(tmp_path: Path) -> None:
    handled: list[str | None] = []
    busy = [True]

    def on_event(event: WebhookEvent) -> None:
        if busy[0]:
            raise WebhookRetryLaterError("project locked by a render")
        handled.append(event.video_id)

    server = serve_webhooks(0, SECRET, on_event, seen_file=tmp_path / "s.json")
    try:
        url = f"http://127.0.0.1:{server.port}/"
        payload, headers = _signed(webhook_id="msg_busy")
        first = httpx.post(url, content=payload, headers=headers, timeout=5)
        assert first.status_code == 503
        assert int(first.headers["retry-after"]) > 0
        busy[0] = False
        again = httpx.post(url, content=payload, headers=headers, timeout=5)
        assert again.status_code == 200
        assert handled == ["video_123"]
    finally:
        server.stop()


def test_seen_ids_survive_a_restart(tmp_path: Path) -> None:
    seen = tmp_path / "seen.json"
    events: list[WebhookEvent] = []
    payload, headers = _signed(webhook_id="msg_replayed")
    for _ in range(2):
        server = serve_webhooks(0, SECRET, events.append, seen_file=seen)
        try:
            url = f"http://127.0.0.1:{server.port}/"
            assert httpx.post(url, content=payload, headers=headers, timeout=5).status_code == 200
        finally:
            server.stop()
    assert len(events) == 1


def test_the_seen_record_is_bounded_and_a_broken_one_starts_empty(tmp_path: Path) -> None:
    from imageai.core.webhook_seen import SeenIds

    path = tmp_path / "seen.json"
    ids = SeenIds(path, limit=3)
    for n in range(5):
        ids.add(f"msg_{n}")
    assert json.loads(path.read_text()) == ["msg_2", "msg_3", "msg_4"]
    assert "msg_4" in SeenIds(path) and "msg_0" not in SeenIds(path)
    path.write_text("[" * 100_000)
    assert "msg_4" not in SeenIds(path)


def test_unsigned_garbage_is_rejected_not_crashing() -> None:
    with pytest.raises(WebhookRejectedError):
        verify_webhook(b"\xff\xfe", {"webhook-id": "a"}, SECRET)


def test_headers_dribbled_byte_by_byte_do_not_hold_the_connection(
    receiver: tuple[int, list[WebhookEvent]],
) -> None:
    # Each byte arrives well within the per-read timeout (0.5 s), so only a deadline on the
    # whole request head frees the thread; without one the connection is held forever.
    port, _ = receiver
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(b"POST / HTTP/1.1\r\n")
        closed = False
        for _ in range(100):  # up to 20 s of dribbling, 40 times the deadline
            try:
                s.sendall(b"X-Slow: a\r\n")
            except OSError:  # reset: the server closed it
                closed = True
                break
            s.settimeout(0.2)
            try:
                data = s.recv(65536)
            except TimeoutError:
                continue
            closed = data == b"" or data.split(b" ")[1] == b"408"
            break
        assert closed
