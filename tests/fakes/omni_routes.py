"""Gemini Omni routes of the fake server: the Interactions API as google-genai 3.6.1 sends it.

``POST /{v1|v1beta}/interactions`` (billed), ``GET .../interactions/{id}``, ``POST
.../interactions/{id}/cancel``, ``GET /download/.../files/{id}:download`` (``uri`` output, with Range) and
``GET .../models/{model}`` (key check); ``GET .../interactions/{id}?stream=true`` answers
Server-Sent Events (status updates, then ``interaction.completed`` and ``[DONE]``; resumable with
``last_event_id``; see ``FakeConfig.omni_stream`` for a dropped, ignored or buffered stream). Faults of its own, besides the shared ones: a create that
is billed and then answered 500 (``fail_first_creates``, ``fail_after_create_rate``) and retired
models (``retired_models``: 404 "... is no longer available").
"""

from __future__ import annotations

import base64
import json
import re
import time
from typing import TYPE_CHECKING, Any

from tests.fakes.fake_server import FakeJob, FakeRequest, FakeResponse, FakeState, ranged, route
from tests.fakes.veo_routes import google_error

if TYPE_CHECKING:
    from collections.abc import Iterator
    from re import Match

#: Models and the durations each accepts (s).
OMNI_MODELS = {"gemini-omni-1.1-flash": range(3, 11), "gemini-omni-1.2-flash": range(3, 16)}
#: Shut down; the real API names the successor in its 404.
GONE = {"gemini-omni-flash-preview": "gemini-omni-1.1-flash"}
TASKS = ("text_to_video", "image_to_video", "reference_to_video", "edit", "extend")
_VERSION = r"(?P<version>v1|v1beta)"


def interactions_error(status: int, code: str, message: str) -> FakeResponse:
    """The Interactions API's own error body: ``{"error": {"code": "<string>", "message"}}``."""
    return FakeResponse.json({"error": {"code": code, "message": message}}, status=status)


def _auth(state: FakeState, request: FakeRequest) -> FakeResponse | None:
    key = request.headers.get("x-goog-api-key", "")
    if not key:
        return google_error(
            403,
            "PERMISSION_DENIED",
            "Method doesn't allow unregistered callers.",
            "API_KEY_MISSING",
        )
    config = state.config
    if config.valid_keys and key not in config.valid_keys and key not in config.no_video_keys:
        return google_error(
            400, "INVALID_ARGUMENT", "API key not valid. Please pass a valid API key.",
            "API_KEY_INVALID",
        )  # fmt: skip
    if key in config.no_video_keys:
        return google_error(403, "PERMISSION_DENIED", "This key has no access to Gemini Omni.")
    return None


def _gone(model: str, successor: str | None) -> FakeResponse:
    then = f" Please update your code to use models/{successor} instead." if successor else ""
    message = f"This model models/{model} is no longer available.{then}"
    return google_error(404, "NOT_FOUND", message)


def _parts(body: dict[str, Any]) -> list[dict[str, Any]]:
    steps = body.get("input")
    if isinstance(steps, str):
        return [{"type": "text", "text": steps}]
    parts: list[dict[str, Any]] = []
    for step in steps or ():
        if isinstance(step, dict) and step.get("type") == "user_input":
            parts.extend(p for p in step.get("content") or () if isinstance(p, dict))
    return parts


def _check(
    state: FakeState, body: dict[str, Any]
) -> tuple[dict[str, Any] | None, FakeResponse | None]:
    model = str(body.get("model", ""))
    if model in GONE or model in state.config.retired_models:
        return None, _gone(model, GONE.get(model, "gemini-omni-1.2-flash"))
    if model not in OMNI_MODELS:
        return None, interactions_error(404, "not_found", f"models/{model} is not found.")
    parts = _parts(body)
    text = " ".join(str(p.get("text", "")) for p in parts if p.get("type") == "text").strip()
    fmt = body.get("response_format") or {}
    duration = re.fullmatch(r"(\d+)s", str(fmt.get("duration", "6s")))
    if not text or duration is None or int(duration[1]) not in OMNI_MODELS[model]:
        return None, interactions_error(400, "invalid_argument", "bad prompt or duration")
    task = ((body.get("generation_config") or {}).get("video_config") or {}).get("task")
    if task is not None and task not in TASKS:
        return None, interactions_error(400, "invalid_argument", f"unknown task {task}")
    previous = body.get("previous_interaction_id")
    with state.lock:
        if previous and previous not in state.jobs:
            return None, interactions_error(404, "not_found", "previous interaction not found")
    images = [p for p in parts if p.get("type") == "image" and p.get("data")]
    videos = [p for p in parts if p.get("type") == "video" and p.get("data")]
    if task in ("edit", "extend") and not (previous or videos):
        return None, interactions_error(400, "invalid_argument", f"{task} needs a video")
    return {
        "model": model,
        "prompt": text,
        "task": task,
        "images": len(images),
        "videos": len(videos),
        "previous": previous,
        "resolution": fmt.get("resolution", "720p"),
        "seconds": int(duration[1]),
        "delivery": fmt.get("delivery", "inline"),
        "background": body.get("background") is True,
        "blocked": bool(state.config.blocked_word) and state.config.blocked_word in text.lower(),
    }, None


def _fail_after_billing(state: FakeState) -> bool:
    with state.lock:
        if state.stats.get("failed_after_create", 0) < state.config.fail_first_creates:
            return True
    return state.chance(state.config.fail_after_create_rate)


@route("POST", rf"^/{_VERSION}/interactions$", create=True)
def create(state: FakeState, request: FakeRequest, match: Match[str]) -> FakeResponse:
    if (denied := _auth(state, request)) is not None:
        return denied
    try:
        body = request.json()
    except ValueError:
        return interactions_error(400, "invalid_argument", "body is not JSON")
    params, refused = _check(state, body if isinstance(body, dict) else {})
    if refused is not None or params is None:
        return refused or interactions_error(400, "invalid_argument", "bad request")
    job = state.new_job("omni", params, prefix="int")
    state.count("omni_creates")
    state.count(f"omni_billed:{params['prompt']}")
    if _fail_after_billing(state):
        state.count("failed_after_create")
        return interactions_error(500, "internal", "Internal error encountered.")
    return FakeResponse.json(_interaction(state, request, job, match["version"]))


def _interaction(
    state: FakeState, request: FakeRequest, job: FakeJob, version: str
) -> dict[str, Any]:
    base = {"id": job.id, "model": job.params["model"], "object": "interaction"}
    if job.status_override == "cancelled":
        return {**base, "status": "cancelled"}
    if job.params["blocked"]:
        error = {"code": "safety_blocked", "message": "The prompt was blocked (fake filter)."}
        return {**base, "status": "failed", "errors": [error]}
    progress = state.progress(job)
    if progress < 0.3:
        return {**base, "status": "queued"}
    if progress < 1.0:
        return {**base, "status": "in_progress"}
    video: dict[str, Any] = {"type": "video", "mime_type": "video/mp4"}
    delivery = state.config.omni_delivery
    if delivery == "uri" or (delivery == "auto" and job.params["delivery"] == "uri"):
        host = request.headers.get("host", "127.0.0.1")
        video["uri"] = f"http://{host}/download/{version}/files/{job.id}:download?alt=media"
    else:
        video["data"] = base64.b64encode(state.clip(job)).decode()
    steps = [
        {"type": "user_input", "content": [{"type": "text", "text": job.params["prompt"]}]},
        {"type": "model_output", "content": [video]},
    ]
    return {**base, "status": "completed", "steps": steps}


def _job(state: FakeState, job_id: str) -> FakeJob | None:
    with state.lock:
        job = state.jobs.get(job_id)
    return job if job is not None and job.kind == "omni" else None


@route("GET", rf"^/{_VERSION}/interactions/(?P<id>[A-Za-z0-9_\-]+)$")
def get(state: FakeState, request: FakeRequest, match: Match[str]) -> FakeResponse:
    if (denied := _auth(state, request)) is not None:
        return denied
    job = _job(state, match["id"])
    if job is None:
        return interactions_error(404, "not_found", f"Interaction {match['id']} not found.")
    wants_stream = request.query.get("stream", [""])[0].lower() == "true"
    if wants_stream and state.config.omni_stream != "plain":
        return _stream(state, request, job, match["version"])
    state.count("omni_polls")
    return FakeResponse.json(_interaction(state, request, job, match["version"]))


#: Event ids: the rank of the status an event reports (a resume skips the ranks it has).
_RANK = {"queued": 1, "in_progress": 2}
_TERMINAL_RANK = 3
STREAM_KEEPALIVE_S = 0.5
STREAM_LIFETIME_S = 60.0


def _sse(data: dict[str, Any] | str, event_id: str | None = None) -> bytes:
    text = data if isinstance(data, str) else json.dumps(data)
    head = f"id: {event_id}\n" if event_id else ""
    return f"{head}data: {text}\n\n".encode()


def _stream(state: FakeState, request: FakeRequest, job: FakeJob, version: str) -> FakeResponse:
    """``GET ...?stream=true``: Server-Sent Events as google-genai 3.6.1 reads them."""
    after = request.query.get("last_event_id", ["0"])[0]
    state.count("omni_streams")
    if after != "0":
        state.count("omni_stream_resumes")
    mode = state.config.omni_stream
    with state.lock:
        drop = mode == "drop" and not state.stats.get(f"omni_stream_dropped:{job.id}")
        if drop:
            state.stats[f"omni_stream_dropped:{job.id}"] = 1
    events = _events(state, request, job, version, int(after) if after.isdigit() else 0, drop)
    if mode == "silent":
        events = iter([b"".join(events)])  # a proxy that holds the stream until it ends
    return FakeResponse(status=200, body=events, headers={"Content-Type": "text/event-stream"})


def _events(
    state: FakeState, request: FakeRequest, job: FakeJob, version: str, after: int, drop: bool
) -> Iterator[bytes]:
    sent, started, quiet = after, time.monotonic(), time.monotonic()
    while time.monotonic() - started < STREAM_LIFETIME_S:
        interaction = _interaction(state, request, job, version)
        status = str(interaction["status"])
        rank = _RANK.get(status, _TERMINAL_RANK)
        if rank > sent:
            sent, quiet = rank, time.monotonic()
            brief = {"id": job.id, "status": status, "object": "interaction"}
            if rank == _TERMINAL_RANK:
                # The lifecycle event is partial (no outputs): the client gets the video by a get.
                event = {"event_type": "interaction.completed", "interaction": brief}
                yield _sse({**event, "event_id": str(rank)}, str(rank))
                yield _sse("[DONE]")
                return
            event = {"event_type": "interaction.status_update", "interaction_id": job.id}
            yield _sse({**event, "status": status, "event_id": str(rank)}, str(rank))
            if drop:
                raise ConnectionResetError("fake: stream cut mid-way")
        elif time.monotonic() - quiet > STREAM_KEEPALIVE_S:
            quiet = time.monotonic()
            yield b": keepalive\n\n"
        time.sleep(0.02)


@route("POST", rf"^/{_VERSION}/interactions/(?P<id>[A-Za-z0-9_\-]+)/cancel$")
def cancel(state: FakeState, request: FakeRequest, match: Match[str]) -> FakeResponse:
    if (denied := _auth(state, request)) is not None:
        return denied
    job = _job(state, match["id"])
    if job is None:
        return interactions_error(404, "not_found", f"Interaction {match['id']} not found.")
    state.count("omni_cancels")
    with state.lock:
        job.status_override = "cancelled"
    return FakeResponse.json(_interaction(state, request, job, match["version"]))


@route("GET", rf"^/download/{_VERSION}/files/(?P<id>[A-Za-z0-9_\-]+):download$")
def download(state: FakeState, request: FakeRequest, match: Match[str]) -> FakeResponse:
    if (denied := _auth(state, request)) is not None:
        return denied
    job = _job(state, match["id"])
    if job is None or state.progress(job) < 1.0:
        return interactions_error(404, "not_found", f"File {match['id']} not found.")
    with state.lock:
        cut = None
        if state.config.cut_download_after is not None and not job.downloads_cut:
            job.downloads_cut = True
            cut = state.config.cut_download_after
    state.count("omni_downloads")
    body, status, headers = state.clip(job), 200, {}
    if state.config.ranges and request.headers.get("range"):
        state.count("range_requests")
        status, body, headers = ranged(body, request.headers["range"])
    return FakeResponse(
        status=status,
        body=body,
        headers={"Content-Type": "video/mp4", **headers},
        cut_after=cut if cut is not None and cut < len(body) else None,
    )


@route("GET", rf"^/{_VERSION}/models/(?P<model>[A-Za-z0-9_.\-]+)$")
def model(state: FakeState, request: FakeRequest, match: Match[str]) -> FakeResponse:
    if (denied := _auth(state, request)) is not None:
        return denied
    name = match["model"]
    if name in GONE or name in state.config.retired_models:
        return _gone(name, GONE.get(name))
    if name not in OMNI_MODELS:
        return google_error(404, "NOT_FOUND", f"models/{name} is not found.")
    return FakeResponse.json({"name": f"models/{name}", "displayName": name})
