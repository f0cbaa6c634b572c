"""A local webhook receiver that bounds what a caller can make it hold: bytes, time, threads."""

from __future__ import annotations

import contextlib
import json
import logging
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any

from imageai.core.errors import ImageAIError
from imageai.core.webhook_seen import SeenIds
from imageai.providers.openai.sora_webhooks import (
    WebhookEvent,
    WebhookRejectedError,
    canonical_secret,
    verify_webhook,
)

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

log = logging.getLogger(__name__)

#: Bodies above this are refused unread; OpenAI's events are a few hundred bytes.
MAX_BODY = 1 << 20
#: Seconds a connection may take over each read, and over its whole body.
READ_TIMEOUT = 10.0
#: Connections served at once; more are answered 503 at once and closed, so a flood of
#: connections that never finish (slowloris) holds a bounded number of threads, each for at
#: most `READ_TIMEOUT`.
MAX_CONNECTIONS = 32
#: Seconds a sender is told to wait after a 503 (the project is busy, or too many connections).
RETRY_AFTER = 30


class WebhookRetryLaterError(ImageAIError):
    """``on_event`` cannot apply the event now (a render holds the project): answer 503, and
    take the redelivery."""


class WebhookServer(ThreadingHTTPServer):
    """A local receiver; POSTs are verified, and each new verified event goes to ``on_event``.

    Args:
        secret: the signing secret; refused here (`WebhookSecretError`) before any port is bound.
        seen: where delivered webhook ids are remembered (the app home by default).
    """

    daemon_threads = True
    # Our own limit, not the kernel's default of 5, decides what happens under a flood.
    request_queue_size = 128

    def __init__(
        self,
        host: str,
        port: int,
        secret: str,
        on_event: Callable[[WebhookEvent], None],
        *,
        seen: SeenIds | None = None,
        read_timeout: float = READ_TIMEOUT,
        max_connections: int = MAX_CONNECTIONS,
    ) -> None:
        self.secret = canonical_secret(secret)  # first: a bad secret never opens a port
        self.on_event = on_event
        self.read_timeout = read_timeout
        self._slots = threading.BoundedSemaphore(max_connections)
        # Connections still reading their request, and when each must be cut (see watch()).
        self._deadlines: dict[socket.socket, float] = {}
        self._deadlines_lock = threading.Lock()
        self.seen_ids = seen or SeenIds()
        self._thread: threading.Thread | None = None
        super().__init__((host, port), _WebhookHandler)

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    def seen(self, webhook_id: str) -> bool:
        return webhook_id in self.seen_ids

    def mark_seen(self, webhook_id: str) -> None:
        self.seen_ids.add(webhook_id)

    def watch(self, connection: socket.socket) -> None:
        """Cut ``connection`` unless its whole request (line, headers, body) arrives in time.

        A per-read timeout alone does not bound a sender that dribbles its request head a
        byte at a time; this deadline does, without a thread per connection.
        """
        with self._deadlines_lock:
            self._deadlines[connection] = time.monotonic() + 2 * self.read_timeout

    def unwatch(self, connection: socket.socket) -> None:
        with self._deadlines_lock:
            self._deadlines.pop(connection, None)

    def service_actions(self) -> None:
        # Runs in the serve_forever loop, every poll interval.
        now = time.monotonic()
        with self._deadlines_lock:
            late = [conn for conn, deadline in self._deadlines.items() if deadline < now]
            for conn in late:
                del self._deadlines[conn]
        for conn in late:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)

    def process_request(self, request: Any, client_address: Any) -> None:
        if not self._slots.acquire(blocking=False):
            _busy(request)
            self.shutdown_request(request)
            return
        try:
            super().process_request(request, client_address)
        except BaseException:
            self._slots.release()
            raise

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._slots.release()

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


def _busy(sock: socket.socket) -> None:
    """A 503 written straight to a connection over the limit, without reading it."""
    reply = (
        f"HTTP/1.1 503 Service Unavailable\r\nRetry-After: {RETRY_AFTER}\r\n"
        "Content-Length: 0\r\nConnection: close\r\n\r\n"
    )
    with contextlib.suppress(OSError):
        sock.settimeout(1.0)
        sock.sendall(reply.encode())


class _WebhookHandler(BaseHTTPRequestHandler):
    server: WebhookServer

    def setup(self) -> None:
        super().setup()
        # Every read (request line, headers, body) gives up after this; see also _read_body.
        self.connection.settimeout(self.server.read_timeout)
        self.server.watch(self.connection)

    def finish(self) -> None:
        self.server.unwatch(self.connection)
        super().finish()

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("webhook %s", format % args)

    def _reply(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        body = json.dumps({"status": message}).encode()
        with contextlib.suppress(OSError):
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            if status >= 400:
                # The body may be left unread: never read the next request from the middle of it.
                self.send_header("Connection", "close")
                self.close_connection = True
            self.end_headers()
            self.wfile.write(body)

    def _body_length(self) -> int | None:
        """The declared body length, or None after answering why it is refused (unread)."""
        if self.headers.get("Transfer-Encoding"):
            self._reply(411, "send the body with a Content-Length")
            return None
        declared = self.headers.get_all("Content-Length") or []
        if not declared:
            self._reply(411, "Content-Length required")
            return None
        text = declared[0].strip()
        if len(set(declared)) > 1 or not (text.isascii() and text.isdigit()):
            self._reply(400, "bad Content-Length")
            return None
        length = int(text)
        if length > MAX_BODY:
            self._reply(413, "too large")
            return None
        return length

    def _read_body(self, length: int) -> bytes | None:
        """The body, read against a deadline: a sender dribbling bytes cannot hold the thread."""
        deadline = time.monotonic() + self.server.read_timeout
        parts: list[bytes] = []
        remaining = length
        try:
            while remaining > 0:
                if time.monotonic() > deadline:
                    raise TimeoutError
                chunk = self.rfile.read1(min(remaining, 65536))
                if not chunk:
                    self.close_connection = True
                    return None  # the sender hung up
                parts.append(chunk)
                remaining -= len(chunk)
        except (TimeoutError, OSError):
            self._reply(408, "body not received in time")
            return None
        return b"".join(parts)

    def do_POST(self) -> None:
        length = self._body_length()
        if length is None:
            return
        payload = self._read_body(length)
        if payload is None:
            return
        self.server.unwatch(self.connection)  # read in time; handling it is not the sender's
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
            except WebhookRetryLaterError as exc:
                log.info("webhook %s deferred: %s", webhook_id, exc)
                self._reply(503, "busy; deliver again", {"Retry-After": str(RETRY_AFTER)})
                return
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
    seen_file: Path | None = None,
    read_timeout: float = READ_TIMEOUT,
    max_connections: int = MAX_CONNECTIONS,
) -> WebhookServer:
    """Start a receiver in a background thread; returns it (``port``, ``stop()``).

    ``on_event`` runs on a server thread for each verified video event, once per webhook id
    (remembered in ``seen_file`` across restarts); it raises `WebhookRetryLaterError` to have
    the event delivered again later. Requests that are unsigned, tampered with or stale get 400
    and never reach it.

    Raises:
        WebhookSecretError: the secret is empty, too short or not base64 (nothing is bound).
        OSError: the port is in use or the host is not this machine's.
    """
    server = WebhookServer(
        host,
        port,
        secret,
        on_event,
        seen=SeenIds(seen_file) if seen_file is not None else None,
        read_timeout=read_timeout,
        max_connections=max_connections,
    )
    server.start()
    log.info("webhook receiver listening on http://%s:%d", host, server.port)
    return server
