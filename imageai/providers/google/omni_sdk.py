"""google-genai ``client.interactions`` for Omni: one-attempt creates, polls, cancels, file URIs."""

from __future__ import annotations

import contextlib
import importlib
import logging
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

import httpx2
from google import genai
from google.genai import errors as genai_errors
from google.genai import types

# ``client.interactions`` imports the Interactions API's ~400 modules on first use, which
# would be the first create's time (0.5-1 s, after its intent is journalled) and, in a worker
# thread, a long hold of the GIL mid-render. Importing them with this module puts that in
# start-up instead; a later SDK that moves them only loses the head start.
with contextlib.suppress(ImportError):
    importlib.import_module("google.genai._gaos.google_genai")

from imageai.core.errors import (
    AuthError,
    JobTimeoutError,
    NetworkError,
    OutcomeUnknownError,
    ProviderError,
)
from imageai.core.key_check import KeyCheck, KeyStatus
from imageai.core.models import VeoBackend
from imageai.core.response_limits import MAX_INLINE_ANSWER_BYTES, capped_client, head_bytes
from imageai.providers.google.errors import (
    ErrorContext,
    classify,
    lost_create,
    retry_after_seconds,
    status_from_body,
)
from imageai.providers.google.omni_errors import PRODUCT, map_error
from imageai.providers.google.omni_interaction import InteractionView, read_interaction
from imageai.providers.google.omni_stream import StreamUnavailable
from imageai.providers.google.vertex_auth import (
    GCS_HOST,
    ONE_ATTEMPT,
    SDK_TIMEOUT_MS,
    bearer_header,
    gcs_media_url,
    vertex_client,
    vertex_credentials,
)
from imageai.providers.tls import shared_ssl_context

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator
    from contextlib import AbstractContextManager

    from google.auth.credentials import Credentials
    from pydantic import SecretStr

    from imageai.core.downloads import BodyStream
    from imageai.core.models import OmniSettings
    from imageai.providers.google.omni_payload import OmniCreate

#: API version, pinned so GOOGLE_GENAI_API_VERSION cannot move it: google-genai 3.6.1 uses
#: ``v1`` for the Gemini API (``_api_client.py``); Vertex's is in `vertex_auth`.
GEMINI_API_VERSION = "v1"
#: The SDK re-sends POST /interactions up to 4 times on 408/409/429/5xx and on resets by
#: default; one attempt means a create whose answer is lost is never sent twice behind our back.
CREATE_RETRIES = ONE_ATTEMPT
#: Polls and cancels may retry in the SDK, briefly, so a cancel is heard within a few seconds.
READ_RETRIES = types.HttpRetryOptions(attempts=3, max_delay=4.0)
CANCEL_TIMEOUT_S = 10.0
POLL_TIMEOUT_S = 30.0
DOWNLOAD_TIMEOUT = httpx2.Timeout(connect=10.0, read=60.0, write=60.0, pool=10.0)
MAX_REDIRECTS = 5
DEFAULT_BASE_URL = "https://generativelanguage.googleapis.com"

log = logging.getLogger(__name__)


class OmniSdk:
    """Two SDK clients over one backend: creates with no retries, reads with a few."""

    def __init__(
        self,
        settings: OmniSettings,
        *,
        api_key: SecretStr | None = None,
        base_url: str | None = None,
        credentials: Credentials | None = None,
    ) -> None:
        self.backend = settings.backend
        self._key = api_key
        self._credentials: Credentials | None = None
        if settings.backend is VeoBackend.VERTEX:
            credentials, project = vertex_credentials(settings.vertex_project, credentials, PRODUCT)
            self._credentials = credentials
            make = self._vertex_client(project, settings.vertex_location, credentials, base_url)
        else:
            if api_key is None or not api_key.get_secret_value():
                raise AuthError(
                    "No Gemini API key. Set GEMINI_API_KEY or store one in the keyring."
                )
            make = self._gemini_client(api_key.get_secret_value(), base_url)
        self._create = make(CREATE_RETRIES)
        self._read = make(READ_RETRIES)
        # Event streams: one attempt each (the follower falls back to a get on any failure).
        self._stream = make(ONE_ATTEMPT)
        # The origin file URIs may carry the key to (Gemini API only).
        self.base_url = (base_url or DEFAULT_BASE_URL).rstrip("/")
        self._http = httpx2.Client(timeout=DOWNLOAD_TIMEOUT, verify=shared_ssl_context())

    @staticmethod
    def _gemini_client(key: str, base_url: str | None) -> Callable[[Any], genai.Client]:
        def make(retry: types.HttpRetryOptions) -> genai.Client:
            tls = shared_ssl_context()
            options = types.HttpOptions(
                base_url=base_url,
                api_version=GEMINI_API_VERSION,
                timeout=SDK_TIMEOUT_MS,
                retry_options=retry,
                # A hostile endpoint's endless answer stops (answers may hold an inline clip).
                httpx_client=capped_client(MAX_INLINE_ANSWER_BYTES, verify=tls),
                # The SDK builds its (unused) async and websocket clients' TLS from these
                # instead of reading the trust store again for each.
                client_args={"verify": tls},
                async_client_args={"verify": tls, "ssl": tls},
            )
            return genai.Client(api_key=key, http_options=options)

        return make

    @staticmethod
    def _vertex_client(
        project: str, location: str, credentials: Credentials, base_url: str | None
    ) -> Callable[[Any], genai.Client]:
        def make(retry: types.HttpRetryOptions) -> genai.Client:
            return vertex_client(project, location, credentials, base_url=base_url, retry=retry)

        return make

    def _call(self, context: ErrorContext, fn: Callable[..., Any], *args: Any, **kw: Any) -> Any:
        try:
            return fn(*args, **kw)
        except Exception as exc:
            mapped = map_error(exc, context)
            if mapped is None and context.action == "create":
                # Something unforeseen after the request may have left: never let it read as
                # "nothing sent", and never as a traceback.
                log.exception("Gemini Omni create failed unexpectedly")
                mapped = lost_create(
                    PRODUCT, f"unexpected {type(exc).__name__}", detail=str(exc)[:200]
                )
            if mapped is None:
                raise
            raise mapped from None

    def create(self, payload: OmniCreate, context: ErrorContext) -> InteractionView:
        """POST /interactions once; returns the new interaction (its id is the job id)."""
        interaction = self._call(context, self._create.interactions.create, **payload.kwargs())
        view = read_interaction(interaction)
        if not view.id:
            raise OutcomeUnknownError(
                "Google accepted the request but named no interaction; the video may exist. "
                "Check your usage, then choose Retry.",
            )
        return view

    def get(self, interaction_id: str, context: ErrorContext) -> InteractionView:
        # A poll holds up a cancel until it returns: bound each wait (per read, so a large
        # inline video still arrives), not the SDK's 120 s meant for uploads.
        interaction = self._call(
            context, self._read.interactions.get, interaction_id, timeout=POLL_TIMEOUT_S
        )
        return read_interaction(interaction)

    def open_stream(
        self, interaction_id: str, last_event_id: str | None, context: ErrorContext, window_s: float
    ) -> tuple[Iterable[bytes], Callable[[], None]]:
        """GET the interaction as Server-Sent Events (after ``last_event_id``): its raw bytes
        (through the same capped client) and how to close it.

        Raises:
            StreamUnavailable: the server answered plain JSON (it ignores ``stream``).
        """
        # The read timeout is the window: a quiet stream ends a poll, and a cancel is heard.
        answer = self._call(
            context,
            self._stream.interactions.get,
            interaction_id,
            stream=True,
            last_event_id=last_event_id,
            timeout=window_s,
        )
        response = getattr(answer, "response", None)
        if not isinstance(response, httpx2.Response):
            raise StreamUnavailable(read_interaction(answer))
        return response.iter_bytes(), answer.close

    def cancel(self, interaction_id: str, context: ErrorContext) -> None:
        # Short: a cancel runs while the user waits for the job to stop.
        self._call(
            context, self._read.interactions.cancel, interaction_id, timeout=CANCEL_TIMEOUT_S
        )

    # ---- file URIs ------------------------------------------------------------------------

    def _auth_headers(self, url: str) -> dict[str, str]:
        # Credentials go only to the API's own origin (or GCS for Vertex), never to another host.
        if self._credentials is not None:
            if urlsplit(url)[:2] != ("https", GCS_HOST):
                return {}
            return bearer_header(self._credentials)
        if self._key is None or urlsplit(url)[:2] != urlsplit(self.base_url)[:2]:
            return {}
        return {"x-goog-api-key": self._key.get_secret_value()}

    def opener(self, uri: str) -> Callable[[int], AbstractContextManager[BodyStream]]:
        """Opens ``uri`` from a byte offset, for `resumable_download` (gs:// through GCS)."""
        parts = urlsplit(uri)
        same_origin = parts[:2] == urlsplit(self.base_url)[:2]
        if parts.scheme not in ("https", "gs") and not same_origin:
            # The address comes from the server's answer: fetch only https (or the API itself).
            raise ProviderError(f"{PRODUCT} named a video address this app will not fetch.")
        if uri.startswith("gs://"):
            url = gcs_media_url(uri)
        elif "alt=" in urlsplit(uri).query:
            url = uri
        else:
            url = uri + ("&" if urlsplit(uri).query else "?") + "alt=media"

        @contextlib.contextmanager
        def open_from(offset: int) -> Iterator[BodyStream]:
            extra = {"Range": f"bytes={offset}-"} if offset else {}
            response = self._open(url, extra)
            try:
                yield response
            finally:
                response.close()

        return open_from

    def _open(self, url: str, extra: dict[str, str]) -> httpx2.Response:
        # Redirects are followed by hand so the key is dropped when the origin changes.
        for _ in range(MAX_REDIRECTS):
            request = self._http.build_request(
                "GET", url, headers={**self._auth_headers(url), **extra}
            )
            response = self._http.send(request, stream=True)
            if response.is_redirect and "location" in response.headers:
                url = urljoin(url, response.headers["location"])
                response.close()
                continue
            if response.status_code >= 400:
                body = head_bytes(response.iter_bytes())  # a hostile error body is not endless
                response.close()
                status = status_from_body(response.status_code, body)
                context = ErrorContext(action="download", product=PRODUCT)
                raise classify(status, context, retry_after_seconds(response.headers))
            return response
        raise ProviderError("Too many redirects while downloading the video.")

    # ---- key check ------------------------------------------------------------------------

    def check(self, model: str) -> KeyCheck:
        """GET the model (free): bad key, no access to the model, or no network."""
        try:
            self._read.models.get(model=model)
        except genai_errors.APIError as exc:
            status = status_from_body(exc.code, exc.details)
            error = classify(status, ErrorContext(model=model, product=PRODUCT, action="poll"))
            if isinstance(error, AuthError):
                return KeyCheck(status=KeyStatus.BAD_KEY, message=error.user_message)
            if status.status in ("PERMISSION_DENIED", "NOT_FOUND"):
                return KeyCheck(
                    status=KeyStatus.NO_VIDEO_ACCESS,
                    message=f"The key works but cannot use {model}: {status.message}",
                )
            return KeyCheck(status=KeyStatus.UNKNOWN, message=error.user_message)
        except Exception as exc:  # noqa: BLE001 - transport and auth failures become a status
            mapped = map_error(exc, ErrorContext(action="poll", product=PRODUCT))
            if mapped is None:
                return KeyCheck(status=KeyStatus.UNKNOWN, message=type(exc).__name__)
            if isinstance(mapped, AuthError):
                return KeyCheck(status=KeyStatus.BAD_KEY, message=mapped.user_message)
            if isinstance(mapped, NetworkError | JobTimeoutError):
                return KeyCheck(
                    status=KeyStatus.NETWORK,
                    message=f"Cannot reach Google ({type(exc).__name__}); check the network.",
                )
            return KeyCheck(status=KeyStatus.UNKNOWN, message=mapped.user_message)
        return KeyCheck(status=KeyStatus.OK, message=f"The credentials can use {model}.")

    def close(self) -> None:
        self._http.close()
        for client in (self._create, self._read, self._stream):
            with contextlib.suppress(Exception):
                client.close()
