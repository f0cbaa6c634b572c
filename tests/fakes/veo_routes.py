"""Veo routes of the fake server: Vertex AI predictLongRunning / fetchPredictOperation (a gone
model answers 404 "no longer available"), a token endpoint for the credentials, and the Gemini
API model list the key check reads."""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING, Any

from tests.fakes.fake_server import FakeRequest, FakeResponse, FakeState, route

if TYPE_CHECKING:
    from re import Match

#: Models Vertex AI serves.
VERTEX_MODELS = ("veo-3.1-generate-001", "veo-3.1-fast-generate-001", "veo-3.1-lite-generate-001")
#: Models Vertex says are gone, with the successor its 404 names (as Google words it).
VERTEX_GONE = {"veo-3.0-generate-001": "gemini-omni-1.2-flash"}
#: The OAuth token `/token` hands out; Vertex routes accept only this bearer.
VERTEX_TOKEN = "fake-vertex-access-token"
_VERTEX_MODEL = r"^/v1beta1/projects/([^/]+)/locations/([^/]+)/publishers/google/models/([^/:]+)"
_ERROR_INFO = "type.googleapis.com/google.rpc.ErrorInfo"


def google_error(status: int, name: str, message: str, reason: str | None = None) -> FakeResponse:
    error: dict[str, Any] = {"code": status, "message": message, "status": name}
    if reason:
        error["details"] = [{"@type": _ERROR_INFO, "reason": reason, "domain": "googleapis.com"}]
    return FakeResponse.json({"error": error}, status=status)


def _key_auth(state: FakeState, request: FakeRequest) -> FakeResponse | None:
    """The Gemini API's answers to a missing or unknown ``x-goog-api-key``."""
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
    return None


@route("POST", r"^/token$")
def token(state: FakeState, request: FakeRequest, match: Match[str]) -> FakeResponse:
    """The OAuth refresh an authorized-user credentials file makes (google-auth)."""
    state.count("token_refreshes")
    return FakeResponse.json(
        {"access_token": VERTEX_TOKEN, "expires_in": 3600, "token_type": "Bearer"}
    )


def _bearer(request: FakeRequest) -> FakeResponse | None:
    if request.headers.get("authorization") != f"Bearer {VERTEX_TOKEN}":
        return google_error(
            401, "UNAUTHENTICATED", "Request had invalid authentication credentials."
        )
    return None


@route("POST", _VERTEX_MODEL + r":predictLongRunning$", create=True)
def vertex_create(state: FakeState, request: FakeRequest, match: Match[str]) -> FakeResponse:
    if (denied := _bearer(request)) is not None:
        return denied
    project, location, model = match.groups()
    if model in VERTEX_GONE:
        return google_error(
            404,
            "NOT_FOUND",
            f"This model models/{model} is no longer available. Please update your code to use "
            f"models/{VERTEX_GONE[model]} instead.",
        )
    if model not in VERTEX_MODELS:
        return google_error(
            404,
            "NOT_FOUND",
            f"Publisher Model `projects/{project}/locations/{location}/publishers/google/"
            f"models/{model}` was not found or your project does not have access to it.",
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
    name = (
        f"projects/{project}/locations/{location}/publishers/google/models/{model}"
        f"/operations/{job.id}"
    )
    return FakeResponse.json({"name": name})


@route("POST", _VERTEX_MODEL + r":fetchPredictOperation$")
def vertex_fetch(state: FakeState, request: FakeRequest, match: Match[str]) -> FakeResponse:
    if (denied := _bearer(request)) is not None:
        return denied
    state.count("veo_polls")
    try:
        name = str(request.json()["operationName"])
    except (ValueError, KeyError, TypeError):
        return google_error(400, "INVALID_ARGUMENT", "operationName is required.")
    with state.lock:
        job = state.jobs.get(name.rpartition("/operations/")[2])
    if job is None or job.kind != "veo":
        return google_error(404, "NOT_FOUND", f"Operation {name} not found.")
    if job.params.get("blocked"):
        reason = (
            "Your prompt contains words that violate our usage guidelines (fake filter: "
            f"{state.config.blocked_word!r})."
        )
        response = {"raiMediaFilteredCount": 1, "raiMediaFilteredReasons": [reason]}
        return FakeResponse.json({"name": name, "done": True, "response": response})
    if state.progress(job) < 1.0:
        return FakeResponse.json({"name": name, "done": False})
    state.count("veo_downloads")
    video = {
        "bytesBase64Encoded": base64.b64encode(state.clip(job)).decode(),
        "mimeType": "video/mp4",
    }
    return FakeResponse.json({"name": name, "done": True, "response": {"videos": [video]}})


@route("GET", r"^/v1beta/models$")
def list_models(state: FakeState, request: FakeRequest, match: Match[str]) -> FakeResponse:
    if (denied := _key_auth(state, request)) is not None:
        return denied
    models = [
        {"name": "models/gemini-3.5-flash", "supportedGenerationMethods": ["generateContent"]}
    ]
    if request.headers.get("x-goog-api-key") not in state.config.no_video_keys:
        models += [
            {"name": "models/gemini-omni-1.1-flash", "supportedGenerationMethods": ["interactions"]}
        ]
    return FakeResponse.json({"models": models})
