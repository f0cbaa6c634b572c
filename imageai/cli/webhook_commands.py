"""`imageai webhook serve`: receive signed Sora webhooks and mark the matching scenes."""

from __future__ import annotations

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
    import argparse

    from imageai.providers.openai.sora_webhooks import WebhookEvent


def cmd_serve(args: argparse.Namespace) -> int:
    from imageai.providers.openai.sora_webhooks import serve_webhooks

    secret = os.environ.get(args.secret_env, "").strip()
    if not secret:
        raise ValidationError("secret", f"set {args.secret_env} to the endpoint's signing secret")
    folders: list[Path] = args.project
    for folder in folders:
        project_store.load(folder)  # a typo in a path fails now, not at the first event
    lock = threading.Lock()

    def on_event(event: WebhookEvent) -> None:
        if event.video_id is None:
            return
        with lock:  # the receiver answers on several threads; one project write at a time
            for folder in folders:
                try:
                    changed = apply_to_folder(folder, event.video_id, event.type)
                except ProjectLockedError as exc:  # its render polls the job itself
                    print(f"imageai: skipped: {exc}", file=sys.stderr, flush=True)
                    continue
                for scene_id in changed:
                    print(f"{folder}: scene {scene_id}: {event.type}", flush=True)

    server = serve_webhooks(args.port, secret, on_event, host=args.host)
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
    serve.add_argument("--port", type=int, default=8787)
    serve.add_argument("--host", default="127.0.0.1")
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
