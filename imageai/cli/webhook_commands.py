"""`imageai webhook serve`: receive signed Sora webhooks and mark the matching scenes."""

from __future__ import annotations

import argparse
import errno
import ipaddress
import os
import signal
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from imageai.cli.exit_codes import ExitCode
from imageai.core import project_store
from imageai.core.errors import ValidationError
from imageai.core.project_lock import ProjectLockedError
from imageai.core.webhook_apply import apply_to_folder

if TYPE_CHECKING:
    from imageai.providers.openai.sora_webhooks import WebhookEvent
    from imageai.providers.openai.webhook_server import WebhookServer


def port_number(text: str) -> int:
    """An argparse type: a TCP port, 0 (any free port) to 65535."""
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{port} is out of range (0-65535)")
    return port


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # a name: it may resolve to any interface


def _listen(args: argparse.Namespace, secret: str, on_event: Any) -> WebhookServer:
    """The running receiver, or a `ValidationError` naming what is wrong with host or port."""
    from imageai.providers.openai.webhook_server import serve_webhooks

    try:
        return serve_webhooks(args.port, secret, on_event, host=args.host)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise ValidationError("port", f"port {args.port} is already in use") from exc
        if exc.errno == errno.EACCES:
            raise ValidationError("port", f"no permission to listen on port {args.port}") from exc
        reason = exc.strerror or type(exc).__name__
        raise ValidationError("host", f"cannot listen on {args.host!r}: {reason}") from exc
    except (OverflowError, UnicodeError) as exc:
        raise ValidationError("host", f"cannot listen on {args.host!r}: {exc}") from exc


def cmd_serve(args: argparse.Namespace) -> int:
    from imageai.providers.openai.sora_webhooks import signing_key
    from imageai.providers.openai.webhook_server import WebhookRetryLaterError

    secret = os.environ.get(args.secret_env, "").strip()
    if not secret:
        raise ValidationError("secret", f"set {args.secret_env} to the endpoint's signing secret")
    signing_key(secret)  # an empty or malformed secret stops here, before any port is opened
    folders: list[Path] = args.project
    for folder in folders:
        project_store.load(folder)  # a typo in a path fails now, not at the first event
    lock = threading.Lock()

    def on_event(event: WebhookEvent) -> None:
        if event.video_id is None:
            return
        busy: list[str] = []
        with lock:  # the receiver answers on several threads; one project write at a time
            for folder in folders:
                try:
                    changed = apply_to_folder(folder, event.video_id, event.type)
                except ProjectLockedError as exc:
                    busy.append(str(exc))
                    continue
                for scene_id in changed:
                    print(f"{folder}: scene {scene_id}: {event.type}", flush=True)
        if busy:
            # Not marked seen: the sender delivers it again, and the render may be over by then.
            # Applying again to the folders already done changes nothing.
            print(f"imageai: deferred: {'; '.join(busy)}", file=sys.stderr, flush=True)
            raise WebhookRetryLaterError("; ".join(busy))

    if not is_loopback(args.host):
        print(
            f"imageai: warning: listening on {args.host}, not only this machine: anyone who can "
            "reach it can send requests (only correctly signed events are applied)",
            file=sys.stderr,
            flush=True,
        )
    server = _listen(args, secret, on_event)
    print(
        f"Listening for webhooks on http://{args.host}:{server.port}/ (Ctrl+C stops)",
        file=sys.stderr,
        flush=True,
    )
    stop = threading.Event()
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    stop.wait()
    server.stop()
    return ExitCode.OK


def add_parser(sub: Any) -> None:
    hook = sub.add_parser("webhook", help="receive provider webhooks")
    hsub = hook.add_subparsers(dest="webhook_command", required=True)
    serve = hsub.add_parser("serve", help="verify signed Sora webhooks and mark scenes")
    serve.add_argument("--port", type=port_number, default=8787)
    serve.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default: this machine only)"
    )
    serve.add_argument(
        "--project",
        type=Path,
        action="append",
        required=True,
        help="a project folder whose scenes to update (repeatable)",
    )
    serve.add_argument(
        "--secret-env",
        default="OPENAI_WEBHOOK_SECRET",
        help="environment variable holding the signing secret",
    )
    serve.set_defaults(func=cmd_serve)
