"""`SoraClient`: the `/v1/videos` protocol (OpenAI's, or any compatible endpoint) as a provider."""

from __future__ import annotations

import contextlib
import logging
import mimetypes
import os
import threading
import time
from typing import TYPE_CHECKING, Any

import httpx2
import openai
from openai import OpenAI

from imageai.core.catalog import Catalog, ModelInfo, default_catalog
from imageai.core.clip_check import expected_clip
from imageai.core.env_numbers import env_number
from imageai.core.errors import ErrorKind, OutcomeUnknownError, ProviderError, ValidationError
from imageai.core.imaging import fit_to_file
from imageai.core.jobs import JobRequest, JobResult, PollState, PollStatus, StartedJob
from imageai.core.key_check import KeyCheck, KeyStatus
from imageai.core.models import ProviderName, SoraSettings
from imageai.core.project_files import project_path
from imageai.core.response_limits import request_clip_limit
from imageai.core.settling import RECONCILE_DELAYS, reconcile
from imageai.core.validation import validate_spec
from imageai.core.videos_endpoint import is_compatible
from imageai.providers.openai.errors import RETIRED_MESSAGE, classify, classify_video_error
from imageai.providers.openai.http import MALFORMED_ANSWER, capped_http_client, malformed_answer
from imageai.providers.openai.sora_create import CreateIntent, SafeCreator
from imageai.providers.openai.sora_download import AssetDownloader
from imageai.providers.openai.sora_remix import RemixOutcome, remix_many
from imageai.providers.openai.sora_videos import SoraVideo, iter_recent

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from pathlib import Path

    from pydantic import SecretStr

    from imageai.core.shot import ShotSpec

log = logging.getLogger(__name__)

#: Seconds to look for a create whose answer was lost, overriding the default schedule.
LOST_CREATE_WAIT_ENV = "IMAGEAI_LOST_CREATE_WAIT_S"
#: Connect fast, but give a multipart create with a reference image time to upload.
TIMEOUT = httpx2.Timeout(60.0, connect=10.0)


class SoraClient:
    """The `/v1/videos` API over the official openai SDK: create (safely), poll, download, remix,
    list, delete.

    On OpenAI's own endpoint the Sora 2 models are retired and validation refuses them before
    any request; on a compatible endpoint any model id the gateway serves is accepted.

    Args:
        api_key: the OpenAI (or compatible endpoint's) key; never logged.
        base_url: an OpenAI-compatible endpoint; None uses the SDK default or ``OPENAI_BASE_URL``.
        catalog: model capabilities and prices; the packaged table by default.
        usd_per_second: the user's price for models the table does not know (compatible
            endpoints), to price remixes whose request carries no settings.
        http_client: an ``httpx2.Client`` for the SDK (tests hand in a mock transport).
        poll_interval: seconds between polls when the API sends no ``openai-poll-after-ms``.
        sleep: how to wait between create and download attempts (tests pass a no-op).
        reconcile_delays: pauses between looks for a create whose answer was lost; by default
            `RECONCILE_DELAYS`, scaled to ``IMAGEAI_LOST_CREATE_WAIT_S`` seconds when set.
    """

    name = ProviderName.SORA

    def __init__(
        self,
        api_key: SecretStr,
        *,
        base_url: str | None = None,
        catalog: Catalog | None = None,
        usd_per_second: float | None = None,
        http_client: httpx2.Client | None = None,
        poll_interval: float = 2.0,
        sleep: Callable[[float], None] = time.sleep,
        reconcile_delays: tuple[float, ...] | None = None,
    ) -> None:
        options: dict[str, Any] = {"timeout": TIMEOUT, "max_retries": 2}
        if base_url is not None:
            options["base_url"] = base_url
        # No answer but a clip may exceed a few MB: a hostile endpoint cannot fill memory.
        options["http_client"] = http_client or capped_http_client()
        self._client = OpenAI(api_key=api_key.get_secret_value(), **options)
        self._catalog = catalog or default_catalog()
        self._usd_per_second = usd_per_second
        # Where requests really go (the SDK resolves OPENAI_BASE_URL itself when base_url is None).
        self.endpoint = str(self._client.base_url)
        self.poll_interval = poll_interval
        #: The endpoint's latest ``openai-poll-after-ms``: a new job's first poll waits for it.
        self._hint: float | None = None
        self.reconcile_delays = (
            reconcile_delays if reconcile_delays is not None else delays_from_env(os.environ)
        )
        self._creator = SafeCreator(self._client, sleep=sleep)
        self._downloader = AssetDownloader(self._client, sleep=sleep)

    @classmethod
    def from_settings(
        cls, api_key: SecretStr, settings: SoraSettings, catalog: Catalog | None = None
    ) -> SoraClient:
        return cls(
            api_key,
            base_url=settings.base_url,
            catalog=catalog,
            usd_per_second=settings.usd_per_second,
        )

    # ---- VideoProvider ---------------------------------------------------------------------

    def capabilities(self) -> tuple[ModelInfo, ...]:
        if is_compatible(self.endpoint):
            # OpenAI's retirement does not reach a gateway that still serves these ids.
            return tuple(m for m in self._catalog.models if m.provider is ProviderName.SORA)
        return self._catalog.offered(ProviderName.SORA)

    def _at_endpoint(self, spec: ShotSpec) -> ShotSpec:
        """The spec as this client will send it: validated against the endpoint it talks to."""
        return spec.model_copy(update={"endpoint": self.endpoint})

    def validate(self, request: JobRequest) -> None:
        if request.provider is not ProviderName.SORA:
            raise ValidationError("provider", f"SoraClient cannot render {request.provider}")
        validate_spec(self._catalog, self._at_endpoint(request.spec))
        if request.last_frame_image is not None:
            raise ValidationError("last_frame_image", "Sora has no last-frame input")
        if request.extra_reference_images:
            raise ValidationError("reference_images", "Sora takes a single reference image")
        if request.reference_image is not None and not request.reference_image.is_file():
            raise ValidationError("reference_image", f"{request.reference_image} does not exist")

    def estimate(self, request: JobRequest) -> float:
        spec = request.spec
        try:
            rule = validate_spec(self._catalog, self._at_endpoint(spec)).price_rule(size=spec.size)
        except (ValidationError, LookupError) as exc:
            # validate() refuses such a request before any create; this is only a safety net.
            log.warning("no price for %s: %s", spec.model, exc)
            return 0.0
        return round(rule.usd_per_second * spec.seconds, 4)

    def start(self, request: JobRequest) -> StartedJob:
        """Create the video; the reference image is fitted to the exact size and kept in refs/."""
        self.validate(request)
        spec = request.spec
        size = spec.size or "{}x{}".format(*spec.frame_size)
        params: dict[str, Any] = {
            "prompt": request.prompt,
            "model": spec.model,
            "size": size,
            "seconds": str(spec.seconds),
        }
        if request.reference_image is not None:
            fitted = fit_to_file(
                request.reference_image, spec.frame_size, request.fit, request.refs_dir
            )
            mime = mimetypes.guess_type(fitted.name)[0] or "image/png"
            params["input_reference"] = (fitted.name, fitted.read_bytes(), mime)
        intent = CreateIntent(
            prompt=request.prompt, model=spec.model, size=size, seconds=spec.seconds
        )
        video = self._creator.run(lambda c: c.videos.create(**params), intent)
        # A gateway may answer with its own name for the model: the request's price holds then.
        return StartedJob(
            job_id=video.id,
            billed_usd=self._billed(video) or self.estimate(request),
            poll_after=self._hint,
        )

    def poll(self, job_id: str) -> PollStatus:
        try:
            raw = self._client.videos.with_raw_response.retrieve(job_id)
            video = SoraVideo.from_sdk(raw.parse())
        except openai.OpenAIError as exc:
            raise classify(exc, video_id=job_id) from exc
        poll_after: float | None = None
        header = raw.headers.get("openai-poll-after-ms")
        if header is not None:
            try:
                poll_after = max(0.0, float(header) / 1000.0)
                self._hint = poll_after
            except ValueError:
                log.debug("ignoring openai-poll-after-ms=%r", header)
        state = video.state
        if state is PollState.FAILED:
            error = classify_video_error(video.error_code, video.error_message)
            return PollStatus(state=state, message=error.user_message, error=error)
        fraction = 1.0 if state is PollState.COMPLETED else video.progress / 100.0
        if state is PollState.QUEUED and video.progress == 0:
            fraction = -1.0
        return PollStatus(
            state=state,
            fraction=max(-1.0, min(1.0, fraction)),
            message=f"{video.status.replace('_', ' ')} {video.progress}%",
            poll_after=poll_after,
        )

    def download(self, job_id: str, request: JobRequest, cancel: threading.Event) -> JobResult:
        """The clip to clips/<scene>.mp4, then the thumbnail and spritesheet (best effort)."""
        # Every path is checked before the paid clip is fetched (no link, no name that escapes).
        dest = project_path(request.project_dir, "clips", f"{request.file_stem}.mp4")
        thumb_stem = project_path(request.project_dir, "thumbs", request.file_stem)
        sprites_stem = project_path(request.project_dir, "thumbs", f"{request.file_stem}-sprites")
        expect = expected_clip(request, job_id)
        clip = self._downloader.clip(job_id, dest, cancel, expect, request_clip_limit(request))
        thumbnail = self._image(job_id, "thumbnail", thumb_stem, cancel)
        self._image(job_id, "spritesheet", sprites_stem, cancel)
        return JobResult(
            scene_id=request.scene_id,
            provider=ProviderName.SORA,
            job_id=job_id,
            clip_path=clip,
            thumbnail_path=thumbnail,
            billed_usd=self.estimate(request),
        )

    def cancel(self, job_id: str) -> None:
        """The Videos API has no cancel: the render goes on (and is billed) remotely.

        Only polling stops (the job loop does that); `delete_video` removes it if the user asks.
        """
        log.info("stopped following %s; the API has no cancel, the video is kept", job_id)

    def close(self) -> None:
        """Close the SDK's HTTP connections."""
        self._client.close()

    # ---- beyond the protocol ---------------------------------------------------------------

    def delete_video(self, job_id: str) -> None:
        """Delete a finished or failed video and its assets on the server."""
        try:
            self._client.videos.delete(job_id)
        except openai.OpenAIError as exc:
            raise classify(exc, video_id=job_id) from exc

    def remix(
        self, source_job_id: str, prompt: str, exclude: frozenset[str] = frozenset()
    ) -> StartedJob:
        """One variation of a completed video; billed like a new video of the same shape.

        A remix whose answer was lost is looked for over `reconcile_delays` among the videos
        not in ``exclude`` (those the ledger gives to some scene), never sent again.
        """
        intent = CreateIntent(prompt=prompt, remixed_from=source_job_id)
        try:
            video = self._creator.run(
                lambda c: c.videos.remix(source_job_id, prompt=prompt), intent
            )
        except OutcomeUnknownError:
            found = reconcile(
                lambda: self.find_remix(source_job_id, prompt, exclude),
                threading.Event(),
                self.reconcile_delays,
            )
            if found is None:
                raise
            return found
        return StartedJob(job_id=video.id, billed_usd=self._billed(video))

    def find_remix(
        self, source_job_id: str, prompt: str, exclude: frozenset[str] = frozenset()
    ) -> StartedJob | None:
        """A remix of ``source_job_id`` with ``prompt`` that is no other create's (``exclude``:
        jobs the ledger gives to some scene): the video of a create whose answer was lost."""
        intent = CreateIntent(prompt=prompt, remixed_from=source_job_id)
        try:
            video = self._creator.find(intent, exclude)
        except openai.OpenAIError as exc:
            raise classify(exc) from exc
        return (
            None if video is None else StartedJob(job_id=video.id, billed_usd=self._billed(video))
        )

    def remix_batch(
        self, source_job_id: str, prompts: list[str], exclude: frozenset[str] = frozenset()
    ) -> list[RemixOutcome]:
        """N variations of one source, one per prompt; a failure does not lose the others.
        ``exclude``: videos a lost answer's search never adopts (the ledger's)."""
        return remix_many(
            lambda source, prompt: self.remix(source, prompt, exclude), source_job_id, prompts
        )

    def list_videos(self, limit: int = 20) -> list[SoraVideo]:
        """The account's most recent videos, newest first (to adopt one into a scene)."""
        try:
            return list(iter_recent(self._client, newer_than=0, limit=limit))
        except openai.OpenAIError as exc:
            raise classify(exc) from exc
        except MALFORMED_ANSWER as exc:
            raise malformed_answer("a list of videos", exc) from exc

    def get_video(self, job_id: str) -> SoraVideo:
        try:
            return SoraVideo.from_sdk(self._client.videos.retrieve(job_id))
        except openai.OpenAIError as exc:
            raise classify(exc, video_id=job_id) from exc
        except MALFORMED_ANSWER as exc:
            raise malformed_answer("a video", exc) from exc

    def find_existing(
        self, request: JobRequest, exclude: frozenset[str] = frozenset()
    ) -> StartedJob | None:
        """The video a create of ``request`` made whose answer was lost (`settling.JobFinder`):
        matched by model, size, seconds and prompt among the newest videos, never by the
        clock; ``exclude`` are ids the ledger gives to some scene."""
        spec = request.spec
        intent = CreateIntent(
            prompt=request.prompt, model=spec.model, size=spec.size, seconds=spec.seconds
        )
        try:
            video = self._creator.find(intent, exclude)
        except openai.OpenAIError as exc:
            raise classify(exc) from exc
        return None if video is None else StartedJob(job_id=video.id, billed_usd=0.0)

    def check_key(self) -> KeyCheck:
        """A cheap look: 401 bad key, 403 no video access, 404 endpoint gone, or no network."""
        quick = self._client.with_options(max_retries=0, timeout=httpx2.Timeout(15.0, connect=5.0))
        try:
            # Some compatible endpoints serve no model list; the videos call decides then.
            with contextlib.suppress(openai.NotFoundError):
                quick.models.list()
            quick.videos.list(limit=1).data[:1]  # touched: a malformed page fails here
        except openai.OpenAIError as exc:
            return _key_check_failed(classify(exc))
        except MALFORMED_ANSWER as exc:
            error = malformed_answer("a model or video list", exc)
            return KeyCheck(status=KeyStatus.UNKNOWN, message=error.user_message)
        return KeyCheck(status=KeyStatus.OK, message="The key works and has video access.")

    # ---- helpers ---------------------------------------------------------------------------

    def _price(self, model: str, size: str | None, seconds: int) -> float:
        info = self._catalog.get(ProviderName.SORA, model)
        if info is None:
            if is_compatible(self.endpoint) and self._usd_per_second is not None:
                return round(self._usd_per_second * seconds, 4)
            return 0.0
        try:
            rule = info.price_rule(size=size)
        except LookupError:
            return 0.0
        return round(rule.usd_per_second * seconds, 4)

    def _billed(self, video: SoraVideo) -> float:
        return self._price(video.model, video.size, video.seconds) or self._price(
            _base_model(video.model), video.size, video.seconds
        )

    def _image(self, job_id: str, variant: Any, stem: Path, cancel: threading.Event) -> Path | None:
        try:
            return self._downloader.image(job_id, variant, stem, cancel)
        except ProviderError as exc:
            # A missing preview never costs the user the clip itself.
            log.warning("no %s for %s: %s", variant, job_id, exc.user_message)
            return None


def delays_from_env(environ: Mapping[str, str]) -> tuple[float, ...]:
    """`RECONCILE_DELAYS`, scaled to a total of ``IMAGEAI_LOST_CREATE_WAIT_S`` seconds if set
    (a finite number >= 0; anything else keeps the default)."""
    default = sum(RECONCILE_DELAYS)
    scale = env_number(environ, LOST_CREATE_WAIT_ENV, default, zero_ok=True) / default
    return tuple(d * scale for d in RECONCILE_DELAYS)


def _base_model(model: str) -> str:
    """``sora-2-pro-2025-10-06`` -> ``sora-2-pro``."""
    head, sep, _ = model.partition("-20")
    return head if sep else model


def _key_check_failed(error: ProviderError) -> KeyCheck:
    statuses = {
        ErrorKind.AUTH: (KeyStatus.BAD_KEY, "The key was refused (401)."),
        ErrorKind.PERMISSION: (KeyStatus.NO_VIDEO_ACCESS, "The key has no video access (403)."),
        ErrorKind.NETWORK: (KeyStatus.NETWORK, "Could not reach the endpoint; check the network."),
        ErrorKind.TIMEOUT: (KeyStatus.NETWORK, "The endpoint did not answer in time."),
        ErrorKind.NOT_FOUND: (KeyStatus.ENDPOINT_GONE, RETIRED_MESSAGE),
    }
    status, message = statuses.get(error.kind, (KeyStatus.UNKNOWN, error.user_message))
    return KeyCheck(status=status, message=message)
