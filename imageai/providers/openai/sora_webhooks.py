"""OpenAI webhooks: verify signed ``video.completed``/``video.failed`` events and a small receiver."""

from __future__ import annotations

import json
import logging
import threading
from collections import OrderedDict
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any

from openai import OpenAI
from pydantic import BaseModel, ConfigDict

from imageai.core.errors import ImageAIError

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

log = logging.getLogger(__name__)

VIDEO_EVENTS = frozenset({"video.completed", "video.failed"})
#: Bodies above this are refused unread; OpenAI's events are a few hundred bytes.
MAX_BODY = 1 << 20
#: Webhook ids remembered to ignore repeated deliveries of the same event.
SEEN_IDS = 1024


class WebhookRejectedError(ImageAIError):
    """A webhook request was unsigned, tampered with, stale or malformed."""


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


@cache
def _verifier() -> OpenAI:
    # unwrap() needs a client object; this one never sends a request.
    return OpenAI(api_key="unused-for-webhook-verification", max_retries=0)


def verify_webhook(payload: bytes, headers: Mapping[str, str], secret: str) -> WebhookEvent:
    """Check the Standard Webhooks signature (HMAC-SHA256, 300 s tolerance) with the SDK.

    Raises:
        WebhookRejectedError: missing or wrong signature, stale or future timestamp, bad JSON.
    """
    try:
        _verifier().webhooks.unwrap(payload, dict(headers), secret=secret)
        # The SDK has no model for video events yet, so read the verified JSON directly.
        data: Any = json.loads(payload)
        inner = data.get("data") or {}
        return WebhookEvent(
            id=str(data["id"]),
            type=str(data["type"]),
            created_at=int(data.get("created_at") or 0),
            data_id=str(inner["id"]) if isinstance(inner, dict) and "id" in inner else None,
        )
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        # InvalidWebhookSignatureError and the SDK's missing-header error are ValueErrors.
        raise WebhookRejectedError(f"webhook rejected: {exc}") from exc


class WebhookServer(ThreadingHTTPServer):
    """A local receiver; POSTs are verified, and each new verified event goes to ``on_event``."""

    daemon_threads = True

    def __init__(
        self, host: str, port: int, secret: str, on_event: Callable[[WebhookEvent], None]
    ) -> None:
        super().__init__((host, port), _WebhookHandler)
        self.secret = secret
        self.on_event = on_event
        self._seen: OrderedDict[str, None] = OrderedDict()
        self._seen_lock = threading.Lock()
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    def seen(self, webhook_id: str) -> bool:
        with self._seen_lock:
            return webhook_id in self._seen

    def mark_seen(self, webhook_id: str) -> None:
        with self._seen_lock:
            self._seen[webhook_id] = None
            if len(self._seen) > SEEN_IDS:
                self._seen.popitem(last=False)

    def start(self) -> None:
        self._thread = threading.Thread(
            target=self.serve_forever, args=(0.1,), name="webhooks", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        self.shutdown()
        self.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)


class _WebhookHandler(BaseHTTPRequestHandler):
    server: WebhookServer

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("webhook %s", format % args)

    def _reply(self, status: int, message: str) -> None:
        body = json.dumps({"status": message}).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            self._reply(413, "too large")
            return
        payload = self.rfile.read(length)
        headers = {key.lower(): value for key, value in self.headers.items()}
        try:
            event = verify_webhook(payload, headers, self.server.secret)
        except WebhookRejectedError as exc:
            log.warning("%s", exc)
            self._reply(400, "rejected")
            return
        webhook_id = headers.get("webhook-id", event.id)
        if event.is_video and not self.server.seen(webhook_id):
            try:
                self.server.on_event(event)
            except Exception:  # receiver boundary: a 500 makes OpenAI deliver the event again
                log.exception("webhook handler failed for %s", event.id)
                self._reply(500, "handler failed")
                return
            # Marked only once handled, so a redelivery after a failure is not skipped.
            self.server.mark_seen(webhook_id)
        self._reply(200, "ok")

    def do_GET(self) -> None:
        self._reply(405, "POST webhook events here")


def serve_webhooks(
    port: int,
    secret: str,
    on_event: Callable[[WebhookEvent], None],
    *,
    host: str = "127.0.0.1",
) -> WebhookServer:
    """Start a receiver in a background thread; returns it (``port``, ``stop()``).

    ``on_event`` runs on a server thread for each verified video event, once per webhook id.
    Requests that are unsigned, tampered with or stale get 400 and never reach it.
    """
    server = WebhookServer(host, port, secret, on_event)
    server.start()
    log.info("webhook receiver listening on http://%s:%d", host, server.port)
    return server
