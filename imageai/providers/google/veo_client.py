"""`VeoClient`: Google Veo 3.1 on Vertex AI behind the `VideoProvider` protocol."""

from __future__ import annotations

import logging
import threading
import time
from typing import TYPE_CHECKING, Protocol

import httpx

from imageai.core.catalog import Catalog, ModelInfo, default_catalog
from imageai.core.clip_check import expected_clip
from imageai.core.downloads import fetch_checked_clip
from imageai.core.errors import (
    JobCancelledError,
    ModelGoneError,
    ProviderError,
    QuotaError,
    ValidationError,
)
from imageai.core.jobs import JobRequest, JobResult, PollState, PollStatus, StartedJob
from imageai.core.key_check import KeyCheck, KeyStatus
from imageai.core.models import ProviderName, VeoBackend, VeoSettings
from imageai.core.project_files import project_path
from imageai.core.response_limits import (
    MAX_INLINE_ANSWER_BYTES,
    capped_httpx_client,
    request_clip_limit,
)
from imageai.core.validation import validate_spec
from imageai.providers.google.create_retry import BACKOFF_S, create_with_retries, retry_wait
from imageai.providers.google.errors import ErrorContext
from imageai.providers.google.http import TIMEOUT
from imageai.providers.google.veo_payload import build_payload, check_request

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from google.auth.credentials import Credentials
    from pydantic import SecretStr

    from imageai.core.clip_check import ExpectedClip
    from imageai.providers.google.veo_operation import OperationView, VideoRef
    from imageai.providers.google.veo_payload import VeoPayload

log = logging.getLogger(__name__)

#: Google shut Veo down on the Gemini API on this day; only Vertex AI serves it now.
GEMINI_SHUTDOWN = "2026-10-22"
DOWNLOAD_ATTEMPTS = 5


class VeoBackendClient(Protocol):
    """The way in to Veo: Vertex AI through google-genai (a protocol so tests can swap it)."""

    def create(self, payload: VeoPayload, context: ErrorContext) -> str: ...
    def fetch(self, name: str, context: ErrorContext) -> OperationView: ...
    def download(
        self, video: VideoRef, tmp: Path, cancel: threading.Event, max_bytes: int | None = None
    ) -> int | None: ...
    def check(self, model: str) -> KeyCheck: ...


def _transient(exc: ProviderError) -> bool:
    return not exc.final and not isinstance(exc, QuotaError)


class VeoClient:
    """Google Veo 3.1 on Vertex AI: create an operation, poll it, save the sample in ``clips/``.

    Cancel is local only: Vertex AI offers no cancel for Veo operations. A project still set to
    the Gemini API (shut down for Veo) opens and validates, and says so instead of calling.
    """

    name = ProviderName.VEO

    def __init__(
        self,
        settings: VeoSettings,
        *,
        api_key: SecretStr | None = None,
        base_url: str | None = None,
        catalog: Catalog | None = None,
        http_client: httpx.Client | None = None,
        poll_interval: float = 10.0,
        credentials: Credentials | None = None,
        sleep: Callable[[float], None] = time.sleep,
        backoff_s: float = BACKOFF_S,
    ) -> None:
        self.settings = settings
        self.poll_interval = poll_interval
        self._catalog = catalog or default_catalog()
        # The Gemini API key no longer reaches Veo (Vertex AI takes Cloud credentials); kept in
        # the signature so every provider is built alike.
        del api_key
        self._base_url = base_url
        self._owns_http = http_client is None
        self._http = http_client or httpx.Client(timeout=TIMEOUT)
        self._sdk_http: httpx.Client | None = None
        self._credentials = credentials
        self._sleep = sleep
        self._backoff_s = backoff_s
        self._lock = threading.Lock()
        self._backend: VeoBackendClient | None = None
        self._done: dict[str, OperationView] = {}

    # ---- backend --------------------------------------------------------------------------

    def backend(self) -> VeoBackendClient:
        """The backend for ``settings.backend``, built on first use (Vertex loads credentials)."""
        with self._lock:
            if self._backend is None:
                self._backend = self._build_backend()
            return self._backend

    def _build_backend(self) -> VeoBackendClient:
        if self.settings.backend is not VeoBackend.VERTEX:
            raise self._gemini_gone()
        from imageai.providers.google.veo_vertex import VertexVeoBackend

        # The SDK's answers (create, poll, model check) may carry the clip inline, so they stop
        # at that bound; gs:// downloads on ``self._http`` stop at the clip's own bound.
        if self._sdk_http is None:
            self._sdk_http = capped_httpx_client(MAX_INLINE_ANSWER_BYTES)
        return VertexVeoBackend(
            self.settings.vertex_project,
            self.settings.vertex_location,
            self._http,
            sdk_http=self._sdk_http,
            credentials=self._credentials,
            base_url=self._base_url,
        )

    def _gemini_gone(self) -> ModelGoneError:
        info = self._catalog.get(ProviderName.VEO, self.settings.model)
        successor = self._catalog.successor_of(info) if info is not None else None
        then = f" Move to {successor.label}." if successor is not None else ""
        return ModelGoneError(
            f"Google shut Veo down on the Gemini API on {GEMINI_SHUTDOWN}; "
            f"Veo 3.1 now runs on Vertex AI.{then}",
            model=self.settings.model,
            successor=successor.id if successor is not None else None,
            code="GEMINI_VEO_SHUT_DOWN",
        )

    def _offered(self) -> tuple[str, ...]:
        return tuple(m.id for m in self._catalog.offered(ProviderName.VEO, self.settings.backend))

    def _context(self, model: str, action: str) -> ErrorContext:
        return ErrorContext(model=model, offered_models=self._offered(), action=action)

    # ---- VideoProvider --------------------------------------------------------------------

    def capabilities(self) -> tuple[ModelInfo, ...]:
        return self._catalog.offered(ProviderName.VEO, self.settings.backend)

    def _model_info(self, request: JobRequest) -> ModelInfo:
        if request.provider is not ProviderName.VEO:
            raise ValidationError("provider", f"{request.provider} is not Veo", ("veo",))
        if not request.prompt.strip():
            raise ValidationError("prompt", "the prompt is empty")
        info = validate_spec(self._catalog, request.spec)
        if info.backend is not None and info.backend != self.settings.backend:
            raise ValidationError(
                "model",
                f"{info.id} is served by {info.backend}, not {self.settings.backend}",
                self._offered(),
            )
        return info

    def validate(self, request: JobRequest) -> None:
        check_request(request, self._model_info(request), self.settings.backend)

    def estimate(self, request: JobRequest) -> float:
        info = self._model_info(request)
        spec = request.spec
        rule = info.price_rule(None, spec.resolution, spec.audio)
        return round(rule.usd_per_second * spec.seconds, 4)

    def start(self, request: JobRequest) -> StartedJob:
        """Create the operation. Retried only where nothing can have been created."""
        info = self._model_info(request)
        check_request(request, info, self.settings.backend)
        payload = build_payload(request, info, self.settings.backend)
        context = self._context(info.id, "create")
        backend = self.backend()
        name = create_with_retries(
            lambda: backend.create(payload, context),
            sleep=self._sleep,
            backoff_s=self._backoff_s,
            product="Veo",
        )
        return StartedJob(job_id=name, billed_usd=self.estimate(request))

    def poll(self, job_id: str) -> PollStatus:
        view = self.backend().fetch(job_id, self._context(_model_of(job_id), "poll"))
        status = view.poll_status(self._context(_model_of(job_id), "poll"))
        if status.state is PollState.COMPLETED:
            with self._lock:
                self._done[job_id] = view
        return status

    def download(self, job_id: str, request: JobRequest, cancel: threading.Event) -> JobResult:
        """Stream the first sample to ``clips/<scene_id>.mp4`` (temp file, checked, renamed)."""
        with self._lock:
            view = self._done.pop(job_id, None)
        if view is None:
            view = self.backend().fetch(job_id, self._context(_model_of(job_id), "poll"))
        status = view.poll_status(self._context(request.spec.model, "poll"))
        if status.state is not PollState.COMPLETED:
            raise status.error or ProviderError("The Veo operation has not finished yet.")
        dest = project_path(request.project_dir, "clips", f"{request.file_stem}.mp4")
        expect = expected_clip(request, job_id)
        bound = request_clip_limit(request, expect)
        self._download_checked(job_id, view, dest, cancel, expect, bound)
        return JobResult(
            scene_id=request.scene_id,
            provider=ProviderName.VEO,
            job_id=job_id,
            clip_path=dest,
            billed_usd=self.estimate(request),
        )

    def _download_checked(
        self,
        job_id: str,
        view: OperationView,
        dest: Path,
        cancel: threading.Event,
        expect: ExpectedClip,
        max_bytes: int | None = None,
    ) -> None:
        """The first sample, fetched again while it fails `finalize_clip` (never re-created)."""
        fetches = 0

        def fetch(tmp: Path) -> int | None:
            nonlocal view, fetches
            fetches += 1
            if fetches > 1:  # inline bytes come with the operation: ask for it again
                view = self.backend().fetch(job_id, self._context(_model_of(job_id), "poll"))
            return self._download_with_retries(view.videos[0], tmp, cancel, max_bytes)

        fetch_checked_clip(fetch, dest, cancel, expect=expect, sleep=self._sleep)

    def _download_with_retries(
        self, video: VideoRef, tmp: Path, cancel: threading.Event, max_bytes: int | None = None
    ) -> int | None:
        backend = self.backend()
        for attempt in range(1, DOWNLOAD_ATTEMPTS + 1):
            if cancel.is_set():
                raise JobCancelledError("download cancelled")
            try:
                return backend.download(video, tmp, cancel, max_bytes)
            except ProviderError as exc:
                wait = retry_wait(exc, attempt, self._backoff_s)
                if not _transient(exc) or attempt == DOWNLOAD_ATTEMPTS or wait is None:
                    raise
                log.info("Veo download failed (%s); retry in %.1fs", exc.kind, wait)
                if cancel.wait(wait):
                    raise JobCancelledError("download cancelled") from exc
        raise ProviderError("The Veo download failed.")  # not reached: the last try raises

    def cancel(self, job_id: str) -> None:
        """Nothing to call: Vertex AI offers no cancel for Veo operations."""
        with self._lock:
            self._done.pop(job_id, None)

    def check_key(self) -> KeyCheck:
        """Tell apart missing or bad credentials, a project without Veo access, and no network."""
        if self.settings.backend is not VeoBackend.VERTEX:
            return KeyCheck(
                status=KeyStatus.NO_VIDEO_ACCESS, message=self._gemini_gone().user_message
            )
        try:
            backend = self.backend()
        except ProviderError as exc:
            return KeyCheck(status=KeyStatus.MISSING, message=exc.user_message)
        return backend.check(self.settings.model)

    def close(self) -> None:
        if self._owns_http:
            self._http.close()
        if self._sdk_http is not None:
            self._sdk_http.close()


def _model_of(job_id: str) -> str:
    # Operation names look like "models/<model>/operations/<id>" (Vertex: ".../models/<m>/...").
    parts = job_id.split("/")
    if "models" in parts:
        index = parts.index("models")
        if index + 1 < len(parts):
            return parts[index + 1]
    return ""
