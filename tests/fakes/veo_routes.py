"""Gemini API Veo routes of the fake server: predictLongRunning, operations, file download, models."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tests.fakes.fake_server import FakeJob, FakeRequest, FakeResponse, FakeState, ranged, route

if TYPE_CHECKING:
    from re import Match

#: Models the fake serves; Veo 2.0 / 3.0 answer 404 as on the real Gemini API.
VEO_MODELS = (
    "veo-3.1-generate-preview",
    "veo-3.1-fast-generate-preview",
    "veo-3.1-lite-generate-preview",
)
_ERROR_INFO = "type.googleapis.com/google.rpc.ErrorInfo"


def google_error(status: int, name: str, message: str, reason: str | None = None) -> FakeResponse:
    error: dict[str, Any] = {"code": status, "message": message, "status": name}
    if reason:
        error["details"] = [{"@type": _ERROR_INFO, "reason": reason, "domain": "googleapis.com"}]
    return FakeResponse.json({"error": error}, status=status)


def _auth(state: FakeState, request: FakeRequest, *, video: bool) -> FakeResponse | None:
    key = request.headers.get("x-goog-api-key", "")
    config = state.config
    if not key:
        return google_error(
            403,
            "PERMISSION_DENIED",
            "Method doesn't allow unregistered callers.",
            "API_KEY_MISSING",
        )
    known = key in config.valid_keys or key in config.no_video_keys
    if config.valid_keys and not known:
        return google_error(
            400,
            "INVALID_ARGUMENT",
            "API key not valid. Please pass a valid API key.",
            "API_KEY_INVALID",
        )
    if video and key in config.no_video_keys:
        return google_error(403, "PERMISSION_DENIED", "This key has no access to Veo.")
    return None


def _base(request: FakeRequest) -> str:
    return f"http://{request.headers.get('host', '127.0.0.1')}"


@route("POST", r"^/v1beta/models/([^/:]+):predictLongRunning$", create=True)
def create(state: FakeState, request: FakeRequest, match: Match[str]) -> FakeResponse:
    if (denied := _auth(state, request, video=True)) is not None:
        return denied
    model = match.group(1)
    if model not in VEO_MODELS:
        return google_error(
            404,
            "NOT_FOUND",
            f"models/{model} is not found for API version v1beta, or is not supported for "
            "predictLongRunning.",
        )
    try:
        body = request.json()
        instance = body["instances"][0]
        prompt = instance["prompt"]
    except (ValueError, KeyError, IndexError, TypeError):
        return google_error(400, "INVALID_ARGUMENT", "instances[0].prompt is required.")
    parameters = body.get("parameters") or {}
    if parameters.get("durationSeconds", 8) not in (4, 6, 8):
        return google_error(400, "INVALID_ARGUMENT", "durationSeconds must be 4, 6 or 8.")
    blocked = bool(state.config.blocked_word) and state.config.blocked_word in prompt.lower()
    params = {
        "model": model,
        "prompt": prompt,
        "parameters": parameters,
        "has_image": "image" in instance,
        "has_last_frame": "lastFrame" in instance,
        "reference_images": len(instance.get("referenceImages") or ()),
        "blocked": blocked,
    }
    job = state.new_job("veo", params, prefix="veo")
    state.count("veo_creates")
    return FakeResponse.json({"name": f"models/{model}/operations/{job.id}"})


def _operation(state: FakeState, request: FakeRequest, job: FakeJob, name: str) -> dict[str, Any]:
    if job.params.get("blocked"):
        reason = (
            "Your prompt contains words that violate our usage guidelines (fake filter: "
            f"{state.config.blocked_word!r})."
        )
        response = {"raiMediaFilteredCount": 1, "raiMediaFilteredReasons": [reason]}
        return {"name": name, "done": True, "response": {"generateVideoResponse": response}}
    if state.progress(job) < 1.0:
        return {"name": name, "done": False}
    uri = f"{_base(request)}/v1beta/files/{job.id}:download?alt=media"
    samples = [{"video": {"uri": uri}}]
    response = {
        "@type": "type.googleapis.com/google.ai.generativelanguage.v1beta.PredictLongRunningResponse",
        "generateVideoResponse": {"generatedSamples": samples},
    }
    return {"name": name, "done": True, "response": response}


@route("GET", r"^/v1beta/((?:models/[^/]+/)?operations/([^/:]+))$")
def get_operation(state: FakeState, request: FakeRequest, match: Match[str]) -> FakeResponse:
    if (denied := _auth(state, request, video=False)) is not None:
        return denied
    state.count("veo_polls")
    with state.lock:
        job = state.jobs.get(match.group(2))
    if job is None or job.kind != "veo":
        return google_error(404, "NOT_FOUND", f"Operation {match.group(1)} not found.")
    return FakeResponse.json(_operation(state, request, job, match.group(1)))


@route("GET", r"^/v1beta/files/([^/:]+):download$")
def download(state: FakeState, request: FakeRequest, match: Match[str]) -> FakeResponse:
    if (denied := _auth(state, request, video=False)) is not None:
        return denied
    with state.lock:
        job = state.jobs.get(match.group(1))
        cut = None
        if (
            job is not None
            and state.config.cut_download_after is not None
            and not job.downloads_cut
        ):
            job.downloads_cut = True
            cut = state.config.cut_download_after
    if job is None or job.kind != "veo" or state.progress(job) < 1.0:
        return google_error(404, "NOT_FOUND", f"File {match.group(1)} not found.")
    state.count("veo_downloads")
    body, status, headers = state.clip(), 200, {}
    if state.config.ranges and request.headers.get("range"):
        state.count("range_requests")
        status, body, headers = ranged(body, request.headers["range"])
    return FakeResponse(
        status=status,
        body=body,
        headers={"Content-Type": "video/mp4", **headers},
        cut_after=cut if cut is not None and cut < len(body) else None,
    )


@route("GET", r"^/v1beta/models$")
def list_models(state: FakeState, request: FakeRequest, match: Match[str]) -> FakeResponse:
    if (denied := _auth(state, request, video=False)) is not None:
        return denied
    models = [
        {"name": "models/gemini-3.5-flash", "supportedGenerationMethods": ["generateContent"]}
    ]
    if request.headers.get("x-goog-api-key") not in state.config.no_video_keys:
        models += [
            {"name": f"models/{m}", "supportedGenerationMethods": ["predictLongRunning"]}
            for m in VEO_MODELS
        ]
    return FakeResponse.json({"models": models})
