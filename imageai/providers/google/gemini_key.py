"""Check a Gemini API key for free by listing models: bad key, no video model, or no network."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import httpx

from imageai.core.key_check import KeyCheck, KeyStatus
from imageai.core.response_limits import MAX_JSON_BYTES, ResponseTooLargeError, capped
from imageai.providers.google.errors import BAD_KEY_REASONS, status_from_body
from imageai.providers.google.http import json_body

if TYPE_CHECKING:
    from pydantic import SecretStr

API_VERSION = "v1beta"
MAX_MODEL_PAGES = 5
#: Model ids that make videos on the Gemini API (Veo ids stay for keys that still list them).
VIDEO_PREFIXES = ("gemini-omni", "veo")


def check_gemini_key(api_key: SecretStr | None, base_url: str, http: httpx.Client) -> KeyCheck:
    """``GET /v1beta/models`` (free) and look for a video model among those the key sees."""
    if api_key is None or not api_key.get_secret_value():
        return KeyCheck(status=KeyStatus.MISSING, message="No Gemini API key is set.")
    base = base_url.rstrip("/")
    headers = {"x-goog-api-key": api_key.get_secret_value()}
    names: set[str] = set()
    params: dict[str, Any] = {"pageSize": 1000}
    for _ in range(MAX_MODEL_PAGES):
        try:
            response = _capped_get(http, f"{base}/{API_VERSION}/models", params, headers)
        except ResponseTooLargeError as exc:
            return KeyCheck(status=KeyStatus.UNKNOWN, message=exc.user_message)
        except httpx.TransportError as exc:
            return KeyCheck(
                status=KeyStatus.NETWORK,
                message=f"Cannot reach Google ({type(exc).__name__}); check the network.",
            )
        if response.status_code >= 400:
            return _failed_check(response)
        data = json_body(response)
        names.update(_video_models(data))
        token = data.get("nextPageToken")
        if not token:
            break
        params = {"pageSize": 1000, "pageToken": token}
    if not names:
        return KeyCheck(
            status=KeyStatus.NO_VIDEO_ACCESS,
            message="The key works, but it sees no video model: enable billing for video.",
        )
    return KeyCheck(
        status=KeyStatus.OK, message=f"The key works and sees {', '.join(sorted(names))}."
    )


def _capped_get(
    http: httpx.Client, url: str, params: dict[str, Any], headers: dict[str, str]
) -> httpx.Response:
    """The answer, read only up to `MAX_JSON_BYTES` (a hostile server's endless body stops)."""
    with http.stream("GET", url, params=params, headers=headers) as streamed:
        body = b"".join(capped(streamed.iter_bytes(), MAX_JSON_BYTES, "the model list"))
        # The body is already decoded: drop the headers that would make httpx decode it again.
        kept = {
            k: v
            for k, v in streamed.headers.items()
            if k.lower() not in ("content-encoding", "content-length", "transfer-encoding")
        }
        return httpx.Response(
            streamed.status_code, headers=kept, content=body, request=streamed.request
        )


def _video_models(data: dict[str, Any]) -> set[str]:
    found = set()
    for entry in data.get("models") or ():
        if isinstance(entry, dict):
            name = str(entry.get("name", "")).removeprefix("models/")
            if name.startswith(VIDEO_PREFIXES):
                found.add(name)
    return found


def _failed_check(response: httpx.Response) -> KeyCheck:
    status = status_from_body(response.status_code, response.content)
    if status.status == "UNAUTHENTICATED" or BAD_KEY_REASONS.intersection(status.reasons):
        return KeyCheck(status=KeyStatus.BAD_KEY, message="Google rejected this API key.")
    if status.status == "PERMISSION_DENIED":
        return KeyCheck(
            status=KeyStatus.NO_VIDEO_ACCESS,
            message=f"The key is valid but not allowed here: {status.message}",
        )
    if status.status == "INVALID_ARGUMENT" and response.status_code == 400:
        return KeyCheck(
            status=KeyStatus.BAD_KEY, message=f"Google refused the key: {status.message}"
        )
    return KeyCheck(
        status=KeyStatus.UNKNOWN, message=f"Google answered {status.status}: {status.message}"
    )
