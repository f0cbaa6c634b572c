"""A fake OpenAI Videos + Gemini Veo server: a real HTTP process on 127.0.0.1 for end-to-end tests.

Routes live in `sora_routes` and `veo_routes`; this module holds the server, the shared state
(jobs, billed creates) and fault injection (429/500/503, connection resets, and dropping the
connection *after* a create was accepted and billed).

Admin routes: ``GET /_fake/stats``, ``GET /_fake/billed`` (billed creates per prompt),
``POST /_fake/config`` (JSON), ``POST /_fake/reset``.
Run: ``python -m tests.fakes.fake_server --port-file PATH [--config JSON]``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import random
import re
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.fakes import clips


class DropConnection(Exception):  # noqa: N818 - a control-flow signal, not an error
    """Close the socket without answering (simulates a connection lost mid-request)."""


@dataclass
class FakeRequest:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body or b"{}")


@dataclass
class FakeResponse:
    status: int = 200
    body: bytes | Iterator[bytes] = b""
    headers: dict[str, str] = field(default_factory=dict)
    #: Abort the connection after sending this many body bytes (interrupted download).
    cut_after: int | None = None

    @classmethod
    def json(
        cls, data: Any, status: int = 200, headers: dict[str, str] | None = None
    ) -> FakeResponse:
        return cls(
            status=status,
            body=json.dumps(data).encode(),
            headers={"Content-Type": "application/json", **(headers or {})},
        )


@dataclass
class FakeConfig:
    #: Share of API requests answered with an injected fault (429, 500, 503 or a reset).
    fault_rate: float = 0.0
    #: Share of creates that are billed and then get their connection dropped.
    drop_after_create_rate: float = 0.0
    #: Also drop the first N accepted creates (so a test surely meets some, whatever the timing).
    drop_first_creates: int = 0
    #: Also answer the first N requests that are not creates (polls, lists, downloads; not the
    #: OAuth token) 503, so a test surely meets transient faults whatever the timing.
    fault_first_requests: int = 0
    #: Simulated generation time of a job, in seconds.
    generation_seconds: float = 0.5
    #: Sent as ``openai-poll-after-ms`` on Sora retrieves (None: header absent).
    poll_after_ms: int | None = 100
    seed: int = 1234
    #: Size of the clip served by downloads, in bytes (a valid MP4 header, then padding).
    clip_bytes: int = 0
    #: Abort downloads after this many bytes, once per job (then serve them whole).
    cut_download_after: int | None = None
    #: Keys the fake accepts; empty accepts any non-empty key.
    valid_keys: list[str] = field(default_factory=list)
    #: Keys that authenticate but have no video access (403).
    no_video_keys: list[str] = field(default_factory=list)
    #: Prompts containing this word are refused by the content filter.
    blocked_word: str = "forbidden"
    #: Sora routes answer 404 as after the 2026-09-24 shutdown.
    sora_retired: bool = False
    #: ``GET /files/<key>.mp4`` honours ``Range`` (False: always the whole file, 200).
    ranges: bool = True
    #: A broken server: Range requests get 206 with the whole body, labelled as from byte 0.
    wrong_range_start: bool = False
    #: Omni and /v1/videos: bill the first N creates, then answer them 500 with an API error
    #: body (and this share of the others).
    fail_first_creates: int = 0
    fail_after_create_rate: float = 0.0
    #: /v1/videos: a created video shows in ``GET /v1/videos`` only this many seconds later.
    list_lag_seconds: float = 0.0
    #: /v1/videos: raw objects listed first by ``GET /v1/videos`` (a broken or hostile
    #: endpoint's odd entries, e.g. ``"seconds": "4.5"`` or fields missing).
    listed_extra: list[dict[str, Any]] = field(default_factory=list)
    #: /v1/videos: the server's clock is this many seconds off ours (negative: behind), as
    #: its ``created_at``, ``completed_at`` and ``expires_at`` show.
    clock_skew_seconds: float = 0.0
    #: Omni models answered 404 "... is no longer available" (a retirement).
    retired_models: list[str] = field(default_factory=list)
    #: Omni output: "auto" (as asked), "uri" or "inline" whatever was asked.
    omni_delivery: str = "auto"
    #: Omni ``GET .../interactions/{id}?stream=true``: "sse" (events), "plain" (the stream
    #: ignored: JSON, as a server without it), "drop" (each job's first stream is cut after
    #: its first event) or "silent" (a buffering proxy: 200 event-stream, no bytes until the end).
    omni_stream: str = "sse"
    #: The first N clips served are zeros of the right length (a broken CDN's sparse file).
    zero_filled_clips: int = 0
    #: The first N clips served are valid MP4s 3 s longer than the job asked for.
    wrong_duration_clips: int = 0
    #: Seconds each clip body takes to send (a slow download, to kill a process during it).
    slow_clip_seconds: float = 0.0
    #: A hostile server: API routes answer this status with an error that echoes the key sent.
    echo_key_status: int = 0
    #: A hostile or broken server's JSON answers: "endless" (a body that never ends), "html"
    #: (a proxy's error page with status 200) or "wrong_types" (``{"data": 5, ...}``).
    hostile_json: str = ""
    #: Clip downloads (any ``video/mp4`` answer) never end: an MP4 header, then zeros forever.
    endless_clip: bool = False
    #: Seconds an accepted (billed) create waits before its answer is sent: the window in which
    #: a test kills the client mid round trip.
    create_answer_delay_seconds: float = 0.0


@dataclass
class FakeJob:
    id: str
    kind: str  # "sora" | "veo"
    created_at: float
    params: dict[str, Any]
    status_override: str | None = None
    downloads_cut: bool = False


class FakeState:
    """Everything the fake remembers; guarded by one lock."""

    def __init__(self, config: FakeConfig) -> None:
        self.lock = threading.RLock()
        self.config = config
        self.random = random.Random(config.seed)
        self.jobs: dict[str, FakeJob] = {}
        self.order: list[str] = []
        self.stats: dict[str, int] = {}
        self.sample_clip: bytes = b""
        self.padded_clip: bytes = b""
        #: ``/files`` keys whose download was already cut once.
        self.cut_keys: set[str] = set()

    def count(self, key: str, n: int = 1) -> None:
        with self.lock:
            self.stats[key] = self.stats.get(key, 0) + n

    def forced_drop(self) -> bool:
        with self.lock:
            return self.stats.get("dropped_after_create", 0) < self.config.drop_first_creates

    def chance(self, rate: float) -> bool:
        with self.lock:
            return rate > 0 and self.random.random() < rate

    def new_job(self, kind: str, params: dict[str, Any], prefix: str) -> FakeJob:
        with self.lock:
            job_id = f"{prefix}{len(self.order) + 1:05d}{self.random.randrange(16**6):06x}"
            job = FakeJob(id=job_id, kind=kind, created_at=time.time(), params=params)
            self.jobs[job_id] = job
            self.order.append(job_id)
            self.stats["creates_billed"] = self.stats.get("creates_billed", 0) + 1
            self.stats[f"creates_billed_{kind}"] = self.stats.get(f"creates_billed_{kind}", 0) + 1
            # Generations running at once (created, generation time not over): a client's
            # concurrency limit shows as the most seen at any create.
            now = job.created_at
            running = sum(
                1 for j in self.jobs.values() if now - j.created_at < self.config.generation_seconds
            )
            self.stats["max_generating"] = max(self.stats.get("max_generating", 0), running)
            return job

    def progress(self, job: FakeJob) -> float:
        elapsed = time.time() - job.created_at
        return min(1.0, elapsed / max(self.config.generation_seconds, 1e-6))

    def clip(self, job: FakeJob | None = None) -> bytes:
        """The MP4 served for a finished job: a real clip of the length it asked for (the
        sample clip, or 4 s, for a plain file), unless a bad-clip fault is due."""
        seconds = _job_seconds(job) if job is not None else None
        if seconds is not None:
            base = clips.mp4_clip(seconds)
        else:
            base = self.sample_clip or clips.mp4_clip(4)
        if self.config.clip_bytes and len(base) != self.config.clip_bytes:
            with self.lock:  # built once per size: a 200 MB clip is not rebuilt per request
                cached = self.padded_clip
                if len(cached) != self.config.clip_bytes or not cached.startswith(base):
                    cached = clips.padded(base, self.config.clip_bytes)
                    self.padded_clip = cached
                base = cached
        return self._bad_clip(base, seconds)

    def _bad_clip(self, clip: bytes, seconds: float | None) -> bytes:
        with self.lock:
            if self.stats.get("zero_filled_clips", 0) < self.config.zero_filled_clips:
                self.stats["zero_filled_clips"] = self.stats.get("zero_filled_clips", 0) + 1
                return bytes(len(clip))
            if self.stats.get("wrong_duration_clips", 0) < self.config.wrong_duration_clips:
                self.stats["wrong_duration_clips"] = self.stats.get("wrong_duration_clips", 0) + 1
                return clips.mp4_clip((seconds or 4) + 3)
        return clip


def _job_seconds(job: FakeJob) -> float | None:
    """The length a job asked for (Sora ``seconds``, Omni ``duration``, Veo ``durationSeconds``)."""
    value = job.params.get("seconds") or (job.params.get("parameters") or {}).get(
        "durationSeconds", 8 if job.kind == "veo" else None
    )
    return float(value) if value is not None else None


def _tiny_mp4() -> bytes:
    # Not playable; a valid ftyp box so header checks pass. Tests that need a playable clip
    # set `sample_clip` from a real file (see --sample-clip).
    return b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2" + b"\x00" * 64


Handler = Callable[[FakeState, FakeRequest, "re.Match[str]"], FakeResponse]
ROUTES: list[tuple[str, re.Pattern[str], Handler, bool]] = []


def route(method: str, pattern: str, *, create: bool = False) -> Callable[[Handler], Handler]:
    """Register a handler; ``create=True`` marks a billable create (drop-after-accept applies)."""

    def register(fn: Handler) -> Handler:
        ROUTES.append((method, re.compile(pattern), fn, create))
        return fn

    return register


#: The Interactions API's own error codes for the injected statuses (Omni routes).
_INTERACTIONS_CODES = {429: "resource_exhausted", 500: "internal", 503: "unavailable"}


def _forced_fault(state: FakeState, path: str, is_create: bool) -> FakeResponse | None:
    if is_create or path == "/token":
        return None
    with state.lock:
        forced = state.stats.get("faults_forced", 0)
        if forced >= state.config.fault_first_requests:
            return None
        state.stats["faults_forced"] = forced + 1
    return _fault_response(state, "503", path)


def _inject_fault(state: FakeState, path: str = "") -> FakeResponse | None:
    if not state.chance(state.config.fault_rate):
        return None
    return _fault_response(state, state.random.choice(["429", "500", "503", "reset"]), path)


def _fault_response(state: FakeState, kind: str, path: str) -> FakeResponse:
    state.count(f"fault_{kind}")
    if kind == "reset":
        raise DropConnection
    status = int(kind)
    body: dict[str, Any] = {
        "error": {"message": f"injected {status}", "type": "fake", "code": f"fake_{status}"}
    }
    if "/interactions" in path or path.startswith("/download/"):
        body = {"error": {"code": _INTERACTIONS_CODES[status], "message": f"injected {status}"}}
    headers = {"Retry-After": "0"} if status == 429 else {}
    return FakeResponse.json(body, status=status, headers=headers)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        return

    def _dispatch(self) -> None:
        state = self.server.state
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        request = FakeRequest(
            method=self.command,
            path=parts.path,
            query=parse_qs(parts.query),
            headers={k.lower(): v for k, v in self.headers.items()},
            body=body,
        )
        try:
            response = self._respond(state, request)
        except DropConnection:
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return
        self._send(response)

    def _respond(self, state: FakeState, request: FakeRequest) -> FakeResponse:
        if request.path.startswith("/_fake/"):
            return _admin(state, request)
        state.count("requests")
        for method, pattern, handler, is_create in ROUTES:
            match = pattern.match(request.path)
            if match is None or method != request.method:
                continue
            fault = _forced_fault(state, request.path, is_create) or _inject_fault(
                state, request.path
            )
            if fault is not None:
                return fault
            if state.config.echo_key_status:
                return _echo_key(state.config.echo_key_status, request)
            response = _hostile(state.config, handler(state, request, match))
            accepted = is_create and 200 <= response.status < 300
            if accepted and (
                state.forced_drop() or state.chance(state.config.drop_after_create_rate)
            ):
                state.count("dropped_after_create")
                raise DropConnection
            if accepted and state.config.create_answer_delay_seconds > 0:
                state.count("creates_held")
                time.sleep(state.config.create_answer_delay_seconds)
            return response
        state.count("unknown_route")
        return FakeResponse.json(
            {"error": {"message": f"no route {request.method} {request.path}", "code": 404}},
            status=404,
        )

    def _send(self, response: FakeResponse) -> None:
        body = response.body
        self.send_response(response.status)
        for key, value in response.headers.items():
            self.send_header(key, value)
        if isinstance(body, bytes):
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if response.cut_after is not None:
                self.wfile.write(body[: response.cut_after])
                self.wfile.flush()
                self.close_connection = True
                self.connection.shutdown(socket.SHUT_RDWR)
                return
            pace = self.server.state.config.slow_clip_seconds
            if pace > 0 and response.headers.get("Content-Type") == "video/mp4":
                self._write_slowly(body, pace)
                return
            self.wfile.write(body)
        else:
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            try:
                for chunk in body:
                    self.wfile.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
                self.wfile.write(b"0\r\n\r\n")
            except OSError:  # the client hung up on an endless body: that is the test passing
                self.close_connection = True

    def _write_slowly(self, body: bytes, seconds: float) -> None:
        step = max(1, len(body) // 50)
        try:
            for start in range(0, len(body), step):
                self.wfile.write(body[start : start + step])
                self.wfile.flush()
                time.sleep(seconds / 50)
        except OSError:  # the client went away (killed mid-download): that is the test
            self.close_connection = True

    do_GET = _dispatch
    do_POST = _dispatch
    do_DELETE = _dispatch


def ranged(body: bytes, range_header: str | None) -> tuple[int, bytes, dict[str, str]]:
    """Status, body and headers answering ``Range: bytes=N-`` (200 with the whole body if absent)."""
    match = re.fullmatch(r"bytes=(\d+)-", range_header or "")
    if match is None or int(match[1]) >= len(body):
        return 200, body, {"Accept-Ranges": "bytes"}
    start = int(match[1])
    headers = {
        "Accept-Ranges": "bytes",
        "Content-Range": f"bytes {start}-{len(body) - 1}/{len(body)}",
    }
    return 206, body[start:], headers


@route("GET", r"^/files/(?P<key>[A-Za-z0-9_\-]+)\.mp4$")
def clip_file(state: FakeState, request: FakeRequest, match: re.Match[str]) -> FakeResponse:
    """A plain file download (the clip), with ``Range`` and a once-per-key cut fault."""
    state.count("file_downloads")
    body = state.clip()
    if state.config.ranges and request.headers.get("range"):
        state.count("range_requests")
        status, body, headers = ranged(body, request.headers["range"])
    else:
        status, headers = 200, {}
    response = FakeResponse(
        status=status, body=body, headers={"Content-Type": "video/mp4", **headers}
    )
    cut = state.config.cut_download_after
    with state.lock:
        if cut is not None and match["key"] not in state.cut_keys and cut < len(body):
            state.cut_keys.add(match["key"])
            response.cut_after = cut
            state.count("downloads_cut")
    return response


def _echo_key(status: int, request: FakeRequest) -> FakeResponse:
    """An error whose message repeats the key, as some APIs and proxies do."""
    auth = request.headers.get("authorization", "").removeprefix("Bearer ")
    key = auth or request.headers.get("x-goog-api-key", "")
    message = f"Incorrect API key provided: {key}. Header was Authorization: Bearer {key}"
    return FakeResponse.json(
        {"error": {"message": message, "code": "echo", "status": "INVALID_ARGUMENT"}}, status
    )


def _endless(head: bytes, filler: bytes) -> Iterator[bytes]:
    yield head
    while True:
        yield filler


def _hostile(config: FakeConfig, response: FakeResponse) -> FakeResponse:
    """The answer as the configured hostile server sends it instead."""
    kind = response.headers.get("Content-Type", "")
    if config.endless_clip and kind == "video/mp4":
        return FakeResponse(
            status=200, body=_endless(_tiny_mp4(), b"\0" * 65536), headers={"Content-Type": kind}
        )
    if not config.hostile_json or kind != "application/json" or response.status >= 400:
        return response
    if config.hostile_json == "endless":
        body: bytes | Iterator[bytes] = _endless(b'{"data": [', b'"' + b"x" * 65534 + b'",')
        return FakeResponse(status=200, body=body, headers={"Content-Type": kind})
    if config.hostile_json == "html":
        page = b"<html><body><h1>502 Bad Gateway</h1></body></html>"
        return FakeResponse(status=200, body=page, headers={"Content-Type": "text/html"})
    wrong = {"data": 5, "models": "none", "object": 7, "id": ["x"], "status": {}, "seconds": []}
    return FakeResponse.json(wrong)


def _admin(state: FakeState, request: FakeRequest) -> FakeResponse:
    if request.path == "/_fake/stats":
        with state.lock:
            return FakeResponse.json({**state.stats, "jobs": len(state.jobs)})
    if request.path == "/_fake/billed":
        # Billed creates per prompt: a scene billed twice shows as a count above 1.
        with state.lock:
            prompts = [str(job.params.get("prompt")) for job in state.jobs.values()]
        return FakeResponse.json({p: prompts.count(p) for p in set(prompts)})
    if request.path == "/_fake/config" and request.method == "POST":
        with state.lock:
            for key, value in request.json().items():
                if not hasattr(state.config, key):
                    return FakeResponse.json({"error": f"unknown config {key}"}, status=400)
                setattr(state.config, key, value)
            state.random.seed(state.config.seed)
        return FakeResponse.json({"ok": True})
    if request.path == "/_fake/reset" and request.method == "POST":
        with state.lock:
            state.jobs.clear()
            state.order.clear()
            state.stats.clear()
            state.cut_keys.clear()
        return FakeResponse.json({"ok": True})
    return FakeResponse.json({"error": "unknown admin route"}, status=404)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], state: FakeState) -> None:
        super().__init__(address, _Handler)
        self.state = state


def load_routes() -> None:
    """Import the route modules so they register themselves (idempotent)."""
    import importlib

    for name in ("tests.fakes.sora_routes", "tests.fakes.veo_routes", "tests.fakes.omni_routes"):
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise


def serve(
    port: int = 0, config: FakeConfig | None = None, sample_clip: Path | None = None
) -> _Server:
    """Start serving in a background thread (for in-process use); returns the server."""
    load_routes()
    state = FakeState(config or FakeConfig())
    if sample_clip is not None:
        state.sample_clip = sample_clip.read_bytes()
    server = _Server(("127.0.0.1", port), state)
    # A short poll interval: shutdown() waits up to one interval, once per test.
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    return server


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--port-file", type=Path, required=True)
    parser.add_argument("--config", default="{}", help="FakeConfig fields as JSON")
    parser.add_argument("--sample-clip", type=Path, help="an MP4 served for finished jobs")
    parser.add_argument("--max-seconds", type=float, default=1800, help="exit after this long")
    args = parser.parse_args()
    config = FakeConfig(**json.loads(args.config))
    server = serve(args.port, config, args.sample_clip)
    tmp = args.port_file.with_suffix(".tmp")
    tmp.write_text(str(server.server_address[1]))
    tmp.replace(args.port_file)
    # Bounded lifetime: a fake left behind by a crashed test run stops by itself.
    time.sleep(args.max_seconds)
    server.shutdown()


if __name__ == "__main__":
    # Run the imported module, not __main__: the route modules register into
    # tests.fakes.fake_server.ROUTES, which __main__'s own ROUTES list is not.
    from tests.fakes import fake_server

    fake_server.main()
