"""Veo on the Gemini API: its documented REST routes over plain httpx (google-genai 3.x refuses)."""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

import httpx

from imageai.core.downloads import write_chunks
from imageai.core.errors import AuthError, JobCancelledError, OutcomeUnknownError, ProviderError
from imageai.core.key_check import KeyCheck, KeyStatus
from imageai.providers.google.errors import (
    BAD_KEY_REASONS,
    ErrorContext,
    classify_response,
    status_from_body,
    transport_error,
)
from imageai.providers.google.veo_operation import OperationView, VideoRef, parse_gemini

if TYPE_CHECKING:
    import threading
    from collections.abc import Callable, Iterator
    from contextlib import AbstractContextManager
    from pathlib import Path

    from pydantic import SecretStr

    from imageai.core.downloads import BodyStream
    from imageai.providers.google.veo_payload import VeoPayload

API_VERSION = "v1beta"
#: Connect fast; allow a slow upload of inline images; reads bounded so cancel stays responsive.
TIMEOUT = httpx.Timeout(connect=10.0, read=60.0, write=120.0, pool=10.0)
CHUNK = 1 << 20
MAX_REDIRECTS = 5
MAX_MODEL_PAGES = 5


class GeminiVeoBackend:
    """Create, poll, download and key-check against ``generativelanguage.googleapis.com``."""

    def __init__(self, api_key: SecretStr | None, base_url: str, http: httpx.Client) -> None:
        self._key = api_key
        self._base = base_url.rstrip("/")
        self._origin = urlsplit(self._base)[:2]
        self._http = http

    def _headers(self, url: str | None = None) -> dict[str, str]:
        # The key goes only to the API's own origin, never to a host a file URI or redirect names.
        if self._key is None or (url is not None and urlsplit(url)[:2] != self._origin):
            return {}
        return {"x-goog-api-key": self._key.get_secret_value()}

    def _require_key(self) -> None:
        if self._key is None or not self._key.get_secret_value():
            raise AuthError("No Gemini API key. Set GEMINI_API_KEY or store one in the keyring.")

    def create(self, payload: VeoPayload, context: ErrorContext) -> str:
        """POST ``models/{model}:predictLongRunning``; returns the operation name. Never retries."""
        self._require_key()
        url = f"{self._base}/{API_VERSION}/models/{payload.model}:predictLongRunning"
        try:
            response = self._http.post(url, json=payload.rest_body(), headers=self._headers())
        except httpx.TransportError as exc:
            raise transport_error(exc, "create") from None
        if response.status_code >= 400:
            raise classify_response(response, context)
        name = _json(response).get("name")
        if not isinstance(name, str) or not name:
            raise OutcomeUnknownError(
                "Google accepted the request but named no operation; the video may exist. "
                "Check your usage, then choose Retry.",
                detail=f"HTTP {response.status_code}",
            )
        return name

    def fetch(self, name: str, context: ErrorContext) -> OperationView:
        """GET the operation by name."""
        self._require_key()
        try:
            response = self._http.get(f"{self._base}/{API_VERSION}/{name}", headers=self._headers())
        except httpx.TransportError as exc:
            raise transport_error(exc, "poll") from None
        if response.status_code >= 400:
            raise classify_response(response, context)
        return parse_gemini(_json(response))

    def download(self, video: VideoRef, tmp: Path, cancel: threading.Event) -> int | None:
        """Stream the sample into ``tmp``; returns the announced size, if any."""
        if video.uri is None:
            raise ProviderError("The Gemini operation has no video URI.")
        context = ErrorContext(action="download")
        try:
            with self._open(video.uri, context) as response:
                size = response.headers.get("content-length")
                write_chunks(tmp, iter_chunks(response, cancel))
        except httpx.TransportError as exc:
            raise transport_error(exc, "download") from None
        return int(size) if size and size.isdigit() else None

    def opener(self, video: VideoRef) -> Callable[[int], AbstractContextManager[BodyStream]]:
        """Opens the sample's stream from a byte offset, for `resumable_download`."""
        uri = video.uri
        if uri is None:
            raise ProviderError("The Gemini operation has no video URI.")
        context = ErrorContext(action="download")

        @contextlib.contextmanager
        def open_from(offset: int) -> Iterator[BodyStream]:
            extra = {"Range": f"bytes={offset}-"} if offset else {}
            try:
                with self._open(uri, context, extra) as response:
                    yield response
            except httpx.TransportError as exc:
                raise transport_error(exc, "download") from None

        return open_from

    def _open(
        self, url: str, context: ErrorContext, extra: dict[str, str] | None = None
    ) -> _Stream:
        # Redirects are followed by hand so the key header is dropped when the origin changes.
        for _ in range(MAX_REDIRECTS):
            headers = {**self._headers(url), **(extra or {})}
            request = self._http.build_request("GET", url, headers=headers)
            response = self._http.send(request, stream=True)
            if response.is_redirect and "location" in response.headers:
                url = urljoin(url, response.headers["location"])
                response.close()
                continue
            if response.status_code >= 400:
                response.read()
                response.close()
                raise classify_response(response, context)
            return _Stream(response)
        raise ProviderError("Too many redirects while downloading the video.")

    def check(self, model: str) -> KeyCheck:
        """List models (free): bad key, no Veo model visible, or no network."""
        if self._key is None or not self._key.get_secret_value():
            return KeyCheck(status=KeyStatus.MISSING, message="No Gemini API key is set.")
        names: set[str] = set()
        params: dict[str, Any] = {"pageSize": 1000}
        for _ in range(MAX_MODEL_PAGES):
            try:
                response = self._http.get(
                    f"{self._base}/{API_VERSION}/models", params=params, headers=self._headers()
                )
            except httpx.TransportError as exc:
                return KeyCheck(
                    status=KeyStatus.NETWORK,
                    message=f"Cannot reach Google ({type(exc).__name__}); check the network.",
                )
            if response.status_code >= 400:
                return _failed_check(response)
            data = _json(response)
            names.update(_veo_models(data))
            token = data.get("nextPageToken")
            if not token:
                break
            params = {"pageSize": 1000, "pageToken": token}
        if not names:
            return KeyCheck(
                status=KeyStatus.NO_VIDEO_ACCESS,
                message="The key works, but it sees no Veo model: enable billing for Veo.",
            )
        if model not in names:
            listed = ", ".join(sorted(names))
            return KeyCheck(
                status=KeyStatus.OK, message=f"The key works; {model} is not listed ({listed})."
            )
        return KeyCheck(status=KeyStatus.OK, message=f"The key works and can use {model}.")


class _Stream:
    """A streamed response as a context manager that always closes it."""

    def __init__(self, response: httpx.Response) -> None:
        self.response = response

    def __enter__(self) -> httpx.Response:
        return self.response

    def __exit__(self, *exc: object) -> None:
        self.response.close()


def iter_chunks(response: httpx.Response, cancel: threading.Event) -> Iterator[bytes]:
    for chunk in response.iter_bytes(CHUNK):
        if cancel.is_set():
            raise JobCancelledError("download cancelled")
        yield chunk


def _json(response: httpx.Response) -> dict[str, Any]:
    try:
        data = response.json()
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _veo_models(data: dict[str, Any]) -> set[str]:
    found = set()
    for entry in data.get("models") or ():
        if not isinstance(entry, dict):
            continue
        name = str(entry.get("name", "")).removeprefix("models/")
        methods = entry.get("supportedGenerationMethods") or ()
        if name.startswith("veo") and "predictLongRunning" in methods:
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
