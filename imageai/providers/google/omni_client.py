"""`OmniClient`: Gemini Omni (Interactions API) behind the `VideoProvider` protocol."""

from __future__ import annotations

import logging
import os
import threading
import time
from typing import TYPE_CHECKING

from imageai.core.catalog import Catalog, ModelInfo, default_catalog
from imageai.core.clip_check import expected_clip
from imageai.core.downloads import (
    CHUNK,
    fetch_checked_clip,
    resumable_download,
    write_chunks,
)
from imageai.core.errors import (
    JobCancelledError,
    ProviderError,
    ValidationError,
)
from imageai.core.jobs import JobRequest, JobResult, PollState, PollStatus, StartedJob
from imageai.core.key_check import KeyCheck, KeyStatus
from imageai.core.models import OmniSettings, ProviderName, VeoBackend
from imageai.core.project_files import project_path
from imageai.core.response_limits import request_clip_limit
from imageai.core.validation import validate_spec
from imageai.providers.google.create_retry import BACKOFF_S, create_with_retries
from imageai.providers.google.errors import ErrorContext
from imageai.providers.google.omni_errors import PRODUCT
from imageai.providers.google.omni_payload import build_create, check_request
from imageai.providers.google.omni_stream import STREAM_WINDOW_S, Follower

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from google.auth.credentials import Credentials
    from pydantic import SecretStr

    from imageai.core.clip_check import ExpectedClip
    from imageai.providers.google.omni_interaction import InteractionView, OmniVideo
    from imageai.providers.google.omni_sdk import OmniSdk

log = logging.getLogger(__name__)

BASE_URL_ENV = "GOOGLE_GEMINI_BASE_URL"
DOWNLOAD_ATTEMPTS = 5


class OmniClient:
    """Gemini Omni: create a background interaction, poll it, bring the video into ``clips/``.

    There is no list endpoint and no idempotency key, so a create whose answer is lost is
    reported as outcome unknown and never re-sent here (no ``find_existing``).
    """

    name = ProviderName.OMNI

    def __init__(
        self,
        settings: OmniSettings,
        *,
        api_key: SecretStr | None = None,
        base_url: str | None = None,
        catalog: Catalog | None = None,
        poll_interval: float = 5.0,
        credentials: Credentials | None = None,
        sleep: Callable[[float], None] = time.sleep,
        backoff_s: float = BACKOFF_S,
    ) -> None:
        self.settings = settings
        self.poll_interval = poll_interval
        self._catalog = catalog or default_catalog()
        self._api_key = api_key
        self._base_url = base_url
        self._credentials = credentials
        self._sleep = sleep
        self._backoff_s = backoff_s
        self._lock = threading.Lock()
        self._sdk: OmniSdk | None = None
        self._done: dict[str, InteractionView] = {}
        self._followers: dict[str, Follower] = {}

    def sdk(self) -> OmniSdk:
        """The SDK clients, built on first use (Vertex loads credentials)."""
        with self._lock:
            if self._sdk is None:
                from imageai.providers.google.omni_sdk import OmniSdk

                base = self._base_url or os.environ.get(BASE_URL_ENV) or None
                self._sdk = OmniSdk(
                    self.settings,
                    api_key=self._api_key,
                    base_url=base if self.settings.backend is VeoBackend.GEMINI else self._base_url,
                    credentials=self._credentials,
                )
            return self._sdk

    def _context(self, action: str, model: str | None = None) -> ErrorContext:
        offered = tuple(m.id for m in self.capabilities())
        return ErrorContext(
            model=model or self.settings.model,
            offered_models=offered,
            action=action,
            product=PRODUCT,
        )

    # ---- VideoProvider --------------------------------------------------------------------

    def capabilities(self) -> tuple[ModelInfo, ...]:
        return self._catalog.offered(ProviderName.OMNI)

    def _model_info(self, request: JobRequest) -> ModelInfo:
        if request.provider is not ProviderName.OMNI:
            raise ValidationError("provider", f"{request.provider} is not Gemini Omni", ("omni",))
        if not request.prompt.strip():
            raise ValidationError("prompt", "the prompt is empty")
        return validate_spec(self._catalog, request.spec)

    def validate(self, request: JobRequest) -> None:
        check_request(request, self._model_info(request))

    def estimate(self, request: JobRequest) -> float:
        spec = request.spec
        rule = self._model_info(request).price_rule(None, spec.resolution, True)
        return round(rule.usd_per_second * spec.seconds, 4)

    def start(self, request: JobRequest) -> StartedJob:
        """Create the interaction. Retried only where nothing can have been created."""
        info = self._model_info(request)
        check_request(request, info)
        payload = build_create(request, info)
        context = self._context("create", info.id)
        sdk = self.sdk()
        view = create_with_retries(
            lambda: sdk.create(payload, context),
            sleep=self._sleep,
            backoff_s=self._backoff_s,
            product=PRODUCT,
        )
        if view.status == "completed":
            with self._lock:
                self._done[view.id] = view
        return StartedJob(job_id=view.id, billed_usd=self.estimate(request))

    def poll(self, job_id: str) -> PollStatus:
        """Reads the interaction's event stream for up to a window (``poll_after=0`` while it
        is live), or gets it plainly (``poll_after`` unset) where streaming fails."""
        fresh = self._follower(job_id)  # outside the lock: sdk() takes it
        with self._lock:
            follower = self._followers.setdefault(job_id, fresh)
        status = follower.poll()
        if status.state in (PollState.COMPLETED, PollState.FAILED):
            self._forget(job_id)
        return status

    def _follower(self, job_id: str) -> Follower:
        sdk, context = self.sdk(), self._context("poll")
        return Follower(
            open_stream=lambda after: sdk.open_stream(job_id, after, context, STREAM_WINDOW_S),
            get=lambda: sdk.get(job_id, context),
            status_of=lambda view: self._status_of(job_id, view),
            poll_interval=self.poll_interval,
        )

    def _status_of(self, job_id: str, view: InteractionView) -> PollStatus:
        status = view.poll_status(self._context("poll"))
        if status.state is PollState.COMPLETED:
            with self._lock:
                self._done[job_id] = view
        return status

    def _forget(self, job_id: str) -> None:
        with self._lock:
            follower = self._followers.pop(job_id, None)
        if follower is not None:
            follower.close()

    def download(self, job_id: str, request: JobRequest, cancel: threading.Event) -> JobResult:
        """Write the video to ``clips/<scene_id>.mp4`` (temp file, checked as MP4, renamed)."""
        with self._lock:
            view = self._done.pop(job_id, None)
        if view is None:
            view = self.sdk().get(job_id, self._context("poll"))
        status = view.poll_status(self._context("poll"))
        if status.state is not PollState.COMPLETED or view.video is None:
            raise status.error or ProviderError("The Gemini Omni video is not ready yet.")
        dest = project_path(request.project_dir, "clips", f"{request.file_stem}.mp4")
        expect = expected_clip(request, job_id)
        bound = request_clip_limit(request, expect)
        self._save(job_id, view.video, dest, cancel, expect, bound)
        return JobResult(
            scene_id=request.scene_id,
            provider=ProviderName.OMNI,
            job_id=job_id,
            clip_path=dest,
            billed_usd=self.estimate(request),
        )

    def _save(
        self,
        job_id: str,
        video: OmniVideo,
        dest: Path,
        cancel: threading.Event,
        expect: ExpectedClip,
        max_bytes: int | None = None,
    ) -> None:
        if cancel.is_set():
            raise JobCancelledError("download cancelled")
        if video.data is None:
            assert video.uri is not None  # an OmniVideo has data or a uri
            opener = self.sdk().opener(video.uri)
            resumable_download(
                opener,
                dest,
                cancel,
                attempts=DOWNLOAD_ATTEMPTS,
                sleep=self._sleep,
                expect=expect,
                max_bytes=max_bytes,
            )
            return
        fetches = 0

        def fetch(tmp: Path) -> int:
            nonlocal video, fetches
            fetches += 1
            if fetches > 1:  # inline bytes come with the interaction: ask for it again
                video = self.sdk().get(job_id, self._context("poll")).video or video
            data = video.decoded() if video.data is not None else b""
            write_chunks(tmp, (data[i : i + CHUNK] for i in range(0, len(data), CHUNK)))
            return len(data)

        fetch_checked_clip(fetch, dest, cancel, expect=expect, sleep=self._sleep)

    def cancel(self, job_id: str) -> None:
        """Ask Google to stop the interaction (best effort: the job is abandoned either way)."""
        with self._lock:
            self._done.pop(job_id, None)
        self._forget(job_id)
        try:
            self.sdk().cancel(job_id, self._context("poll"))
        except ProviderError as exc:
            log.info("remote cancel of %s failed: %s", job_id, exc.kind)

    def check_key(self) -> KeyCheck:
        """Tell apart a bad key, a key without Omni access, and no network."""
        try:
            sdk = self.sdk()
        except ProviderError as exc:
            return KeyCheck(status=KeyStatus.MISSING, message=exc.user_message)
        return sdk.check(self.settings.model)

    def close(self) -> None:
        with self._lock:
            sdk, self._sdk = self._sdk, None
            followers, self._followers = list(self._followers.values()), {}
        for follower in followers:
            follower.close()
        if sdk is not None:
            sdk.close()
