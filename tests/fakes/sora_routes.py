"""The fake server's OpenAI Videos API routes (``/v1/videos`` ...), with simulated generation time.

Faults of their own: a create billed then answered 500 (``fail_first_creates``,
``fail_after_create_rate``), a list that lags behind creates (``list_lag_seconds``) and a server
clock off ours (``clock_skew_seconds``).
"""

from __future__ import annotations

import email.parser
import email.policy
import io
import re
import time
from functools import cache
from typing import Any

from PIL import Image

from tests.fakes.fake_server import FakeJob, FakeRequest, FakeResponse, FakeState, route

SIZES = ("720x1280", "1280x720", "1024x1792", "1792x1024")
SECONDS = ("4", "8", "12")
MODELS = ("sora-2", "sora-2-pro")
#: Other models a compatible gateway serves on the same protocol; it takes any WxH and 1-20 s.
GATEWAY_MODELS = ("veo-3.1", "MiniMax-Hailuo-02")
#: Assets stay downloadable this long after completion (seconds), like OpenAI's one hour.
EXPIRES_AFTER = 3600

_VIDEO_ID = r"(?P<id>[A-Za-z0-9_\-]+)"


def _error(
    status: int,
    message: str,
    code: str | None,
    err_type: str = "invalid_request_error",
    headers: dict[str, str] | None = None,
) -> FakeResponse:
    body = {"error": {"message": message, "type": err_type, "param": None, "code": code}}
    return FakeResponse.json(body, status=status, headers=headers)


def _gate(state: FakeState, request: FakeRequest, *, video: bool = True) -> FakeResponse | None:
    """Auth and retirement checks shared by every route; None lets the request through."""
    if video and state.config.sora_retired:
        # What an endpoint answers once the route is gone: a plain unknown-URL 404.
        return _error(404, f"Invalid URL ({request.method} {request.path})", None)
    header = request.headers.get("authorization", "")
    key = header.removeprefix("Bearer ").strip() if header.startswith("Bearer ") else ""
    known = state.config.valid_keys + state.config.no_video_keys
    if not key or (state.config.valid_keys and key not in known):
        return _error(401, "Incorrect API key provided.", "invalid_api_key")
    if video and key in state.config.no_video_keys:
        return _error(
            403,
            "Your organization does not have access to video models.",
            None,
            err_type="permission_error",
        )
    return None


def _form(request: FakeRequest) -> dict[str, Any]:
    """Multipart form fields (files as bytes) or a JSON body, as a dict."""
    content_type = request.headers.get("content-type", "")
    if not content_type.startswith("multipart/form-data"):
        return dict(request.json())
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode()
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + request.body)
    fields: dict[str, Any] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True)
        if not isinstance(name, str) or not isinstance(payload, bytes):
            continue
        fields[name] = payload if part.get_filename() else payload.decode()
    return fields


def _status(state: FakeState, job: FakeJob) -> tuple[str, int]:
    if job.params.get("blocked"):
        return "failed", 0
    fraction = state.progress(job)
    if fraction >= 1.0:
        return "completed", 100
    if fraction < 0.1:
        return "queued", 0
    return "in_progress", int(fraction * 100)


def _video(state: FakeState, job: FakeJob) -> dict[str, Any]:
    status, progress = _status(state, job)
    done_at = int(job.created_at + state.config.generation_seconds)
    error = None
    if status == "failed":
        error = {
            "code": "moderation_blocked",
            "message": "Your request was blocked by our moderation system.",
        }
    # The server's own clock, which may be off ours (clock_skew_seconds).
    skew = state.config.clock_skew_seconds
    done_at = int(done_at + skew)
    return {
        "id": job.id,
        "object": "video",
        "created_at": int(job.created_at + skew),
        "completed_at": done_at if status == "completed" else None,
        "expires_at": done_at + EXPIRES_AFTER if status == "completed" else None,
        "status": status,
        "progress": progress,
        "model": job.params["model"],
        "size": job.params["size"],
        "seconds": job.params["seconds"],
        "prompt": job.params["prompt"],
        "remixed_from_video_id": job.params.get("remixed_from_video_id"),
        "error": error,
    }


def _job(state: FakeState, video_id: str) -> FakeJob | None:
    with state.lock:
        job = state.jobs.get(video_id)
    return job if job is not None and job.kind == "sora" else None


def _not_found(video_id: str) -> FakeResponse:
    return _error(404, f"Video with id '{video_id}' not found.", "video_not_found")


def _check_params(fields: dict[str, Any]) -> FakeResponse | None:
    prompt = fields.get("prompt")
    if not isinstance(prompt, str) or not prompt.strip():
        return _error(400, "Missing required parameter: 'prompt'.", "missing_required_parameter")
    if fields["model"] in GATEWAY_MODELS:
        if not re.fullmatch(r"[1-9][0-9]{1,4}x[1-9][0-9]{1,4}", fields["size"]):
            return _error(400, f"Invalid size {fields['size']!r}.", "invalid_value")
        if fields["seconds"] not in {str(s) for s in range(1, 21)}:
            return _error(400, f"Invalid seconds {fields['seconds']!r}.", "invalid_value")
    elif fields["model"] not in MODELS:
        return _error(404, f"The model '{fields['model']}' does not exist.", "model_not_found")
    elif fields["size"] not in SIZES:
        return _error(400, f"Invalid size {fields['size']!r}.", "invalid_value")
    elif fields["seconds"] not in SECONDS:
        return _error(400, f"Invalid seconds {fields['seconds']!r}.", "invalid_value")
    reference = fields.get("input_reference")
    if isinstance(reference, bytes):
        try:
            with Image.open(io.BytesIO(reference)) as img:
                got = f"{img.width}x{img.height}"
        except OSError:
            return _error(400, "input_reference is not a readable image.", "invalid_image")
        if got != fields["size"]:
            return _error(
                400, "Inpaint image must match the requested width and height", "invalid_value"
            )
    return None


@route("POST", r"^/v1/videos$", create=True)
def create_video(state: FakeState, request: FakeRequest, match: re.Match[str]) -> FakeResponse:
    if (refused := _gate(state, request)) is not None:
        return refused
    fields = _form(request)
    fields.setdefault("model", "sora-2")
    fields.setdefault("size", "720x1280")
    fields["seconds"] = str(fields.get("seconds", "4"))
    if (invalid := _check_params(fields)) is not None:
        return invalid
    params = {k: fields[k] for k in ("prompt", "model", "size", "seconds")}
    params["has_reference"] = isinstance(fields.get("input_reference"), bytes)
    params["blocked"] = state.config.blocked_word.lower() in params["prompt"].lower()
    job = state.new_job("sora", params, prefix="video_")
    if _fail_after_billing(state):
        # Billed, then a server error with an API error body: no proof that nothing was made.
        state.count("failed_after_create")
        return _error(500, "The server had an error processing your request.", "server_error",
                      err_type="server_error")  # fmt: skip
    return FakeResponse.json(_video(state, job))


def _fail_after_billing(state: FakeState) -> bool:
    with state.lock:
        if state.stats.get("failed_after_create", 0) < state.config.fail_first_creates:
            return True
    return state.chance(state.config.fail_after_create_rate)


@route("POST", rf"^/v1/videos/{_VIDEO_ID}/remix$", create=True)
def remix_video(state: FakeState, request: FakeRequest, match: re.Match[str]) -> FakeResponse:
    if (refused := _gate(state, request)) is not None:
        return refused
    source = _job(state, match["id"])
    if source is None:
        return _not_found(match["id"])
    if _status(state, source)[0] != "completed":
        return _error(400, "Only completed videos can be remixed.", "invalid_value")
    prompt = str(request.json().get("prompt") or "")
    if not prompt.strip():
        return _error(400, "Missing required parameter: 'prompt'.", "missing_required_parameter")
    params = {**source.params, "prompt": prompt, "remixed_from_video_id": source.id}
    params["blocked"] = state.config.blocked_word.lower() in prompt.lower()
    job = state.new_job("sora", params, prefix="video_")
    return FakeResponse.json(_video(state, job))


@route("GET", rf"^/v1/videos/{_VIDEO_ID}$")
def retrieve_video(state: FakeState, request: FakeRequest, match: re.Match[str]) -> FakeResponse:
    if (refused := _gate(state, request)) is not None:
        return refused
    job = _job(state, match["id"])
    if job is None:
        return _not_found(match["id"])
    state.count("sora_polls")
    headers = {}
    if state.config.poll_after_ms is not None:
        headers["openai-poll-after-ms"] = str(state.config.poll_after_ms)
    return FakeResponse.json(_video(state, job), headers=headers)


@route("GET", r"^/v1/videos$")
def list_videos(state: FakeState, request: FakeRequest, match: re.Match[str]) -> FakeResponse:
    if (refused := _gate(state, request)) is not None:
        return refused
    limit = int(request.query.get("limit", ["20"])[0])
    order = request.query.get("order", ["desc"])[0]
    after = request.query.get("after", [None])[0]
    # A lagging list: a video shows only list_lag_seconds after it was created.
    listed_before = time.time() - state.config.list_lag_seconds
    with state.lock:
        ids = [
            i
            for i in state.order
            if i in state.jobs
            and state.jobs[i].kind == "sora"
            and state.jobs[i].created_at <= listed_before
        ]
    if order == "desc":
        ids.reverse()
    if after is not None:
        ids = ids[ids.index(after) + 1 :] if after in ids else []
    page = ids[:limit]
    data = [_video(state, state.jobs[i]) for i in page]
    if after is None:
        data = [*state.config.listed_extra, *data]
    return FakeResponse.json(
        {
            "object": "list",
            "data": data,
            "first_id": page[0] if page else None,
            "last_id": page[-1] if page else None,
            "has_more": len(ids) > limit,
        }
    )


@route("DELETE", rf"^/v1/videos/{_VIDEO_ID}$")
def delete_video(state: FakeState, request: FakeRequest, match: re.Match[str]) -> FakeResponse:
    if (refused := _gate(state, request)) is not None:
        return refused
    with state.lock:
        job = state.jobs.pop(match["id"], None)
    if job is None or job.kind != "sora":
        return _not_found(match["id"])
    state.count("sora_deletes")
    return FakeResponse.json({"id": job.id, "object": "video.deleted", "deleted": True})


@cache
def _image(fmt: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 36), (200, 80, 40)).save(out, format=fmt)
    return out.getvalue()


def _ranged(body: bytes, range_header: str | None) -> tuple[int, bytes, dict[str, str]]:
    match = re.fullmatch(r"bytes=(\d+)-", range_header or "")
    if match is None or int(match[1]) >= len(body):
        return 200, body, {"Accept-Ranges": "bytes"}
    start = int(match[1])
    headers = {
        "Accept-Ranges": "bytes",
        "Content-Range": f"bytes {start}-{len(body) - 1}/{len(body)}",
    }
    return 206, body[start:], headers


@route("GET", rf"^/v1/videos/{_VIDEO_ID}/content$")
def download_content(state: FakeState, request: FakeRequest, match: re.Match[str]) -> FakeResponse:
    if (refused := _gate(state, request)) is not None:
        return refused
    job = _job(state, match["id"])
    if job is None:
        return _not_found(match["id"])
    if _status(state, job)[0] != "completed":
        return _error(
            400, "Video is not ready yet; wait until its status is completed.", "video_not_ready"
        )
    variant = request.query.get("variant", ["video"])[0]
    if variant == "thumbnail":
        return FakeResponse(body=_image("WEBP"), headers={"Content-Type": "image/webp"})
    if variant == "spritesheet":
        return FakeResponse(body=_image("JPEG"), headers={"Content-Type": "image/jpeg"})
    if variant != "video":
        return _error(400, f"Invalid variant {variant!r}.", "invalid_value")
    state.count("sora_downloads")
    status, body, headers = _ranged(state.clip(job), request.headers.get("range"))
    if state.config.wrong_range_start and request.headers.get("range"):
        body = state.clip(job)
        headers = {"Content-Range": f"bytes 0-{len(body) - 1}/{len(body)}"}
    response = FakeResponse(
        status=status, body=body, headers={"Content-Type": "video/mp4", **headers}
    )
    cut = state.config.cut_download_after
    with state.lock:
        if cut is not None and not job.downloads_cut and cut < len(body):
            job.downloads_cut = True
            response.cut_after = cut
            state.count("downloads_cut")
    return response


@route("GET", r"^/v1/models$")
def list_models(state: FakeState, request: FakeRequest, match: re.Match[str]) -> FakeResponse:
    if (refused := _gate(state, request, video=False)) is not None:
        return refused
    data = [
        {"id": m, "object": "model", "created": int(time.time()), "owned_by": "openai"}
        for m in MODELS
    ]
    return FakeResponse.json({"object": "list", "data": data})
