"""Job requests, events and results, and the `VideoProvider` protocol every provider implements."""

from __future__ import annotations

import hashlib
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from pydantic import BaseModel, ConfigDict

from imageai.core.errors import ProviderError
from imageai.core.file_digest import file_sha256
from imageai.core.models import FitMode, ProviderName, ProviderSettingsT
from imageai.core.shot import ShotSpec

if TYPE_CHECKING:
    import threading

    from imageai.core.catalog import ModelInfo


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class SourceMode(StrEnum):
    """What a request does with an earlier clip (Omni ``edit`` and ``extend`` tasks)."""

    #: A new take of the same shot, changed as the prompt says (a remix).
    EDIT = "edit"
    #: A new clip that continues the source clip.
    EXTEND = "extend"


class SourceClip(_Frozen):
    """An earlier render a request edits or extends: by provider job id, or by its file."""

    mode: SourceMode
    #: The earlier job (Omni: ``previous_interaction_id``), when the provider still keeps it.
    job_id: str | None = None
    #: The clip file, sent as input when there is no job id to refer to.
    clip_path: Path | None = None


class JobRequest(_Frozen):
    """Everything a provider needs to render one scene; a frozen copy crosses threads."""

    scene_id: str
    index: int
    title: str = ""
    spec: ShotSpec
    prompt: str
    settings: ProviderSettingsT
    project_dir: Path
    reference_image: Path | None = None
    last_frame_image: Path | None = None
    extra_reference_images: tuple[Path, ...] = ()
    fit: FitMode = FitMode.CROP
    #: Omni: the scene's audio direction, already part of ``prompt``; kept for display.
    audio_direction: str = ""
    #: Set for an edit (remix) or extend of an earlier clip.
    source: SourceClip | None = None
    #: Set when a job already exists (resume): poll it instead of creating a new one.
    resume_job_id: str | None = None
    #: Seconds from start to give up polling; the provider job id is kept for later.
    deadline_s: float = 1800.0
    #: A render again of a scene that has takes: the take number it becomes. Its files are the
    #: take's (never the earlier takes'), and it is part of the fingerprint, so the ledger never
    #: takes an earlier take's job for this new create.
    take: int | None = None
    #: The endpoint the provider sends this request to (`job_endpoint.provider_endpoint`), set
    #: by `run_job`; the ledger records it with the intent and the create. Not in the
    #: fingerprint: the same scene on another endpoint is the same paid-for output.
    endpoint: str = ""

    @property
    def provider(self) -> ProviderName:
        return self.spec.provider

    @property
    def file_stem(self) -> str:
        """The stem of the clip and thumbnail files: ``<scene>`` or ``<scene>-take<k>``."""
        return self.scene_id if self.take is None else f"{self.scene_id}-take{self.take}"

    @property
    def clips_dir(self) -> Path:
        return self.project_dir / "clips"

    @property
    def thumbs_dir(self) -> Path:
        return self.project_dir / "thumbs"

    @property
    def refs_dir(self) -> Path:
        return self.project_dir / "refs"

    def fingerprint(self) -> str:
        """Identifies what would be billed: same fingerprint, same paid-for output.

        A render again (``take`` set) differs from every earlier take even with the same inputs.
        """
        content = self.content_fingerprint()
        if self.take is None:
            return content
        return hashlib.sha256(f"{content}\0take{self.take}".encode()).hexdigest()[:32]

    def content_fingerprint(self) -> str:
        """The fingerprint of what is rendered (provider, model, prompt, shape, images)."""
        digest = hashlib.sha256()
        for part in (
            self.spec.provider.value,
            self.spec.model,
            self.prompt,
            self.spec.size or "",
            self.spec.aspect or "",
            self.spec.resolution or "",
            str(self.spec.seconds),
        ):
            digest.update(part.encode())
            digest.update(b"\0")
        if self.source is not None:
            digest.update(f"{self.source.mode}:{self.source.job_id or ''}".encode())
        for image in self.input_files:
            if image.is_file():
                digest.update(file_sha256(image))
        return digest.hexdigest()[:32]

    @property
    def input_files(self) -> tuple[Path, ...]:
        """The files sent with the request, whose bytes its fingerprint hashes: the images and
        the clip it edits or extends."""
        source = self.source.clip_path if self.source else None
        files = (self.reference_image, self.last_frame_image, *self.extra_reference_images, source)
        return tuple(f for f in files if f is not None)


class JobResult(_Frozen):
    """A finished render: where its files are and what it cost."""

    scene_id: str
    provider: ProviderName
    job_id: str
    clip_path: Path
    thumbnail_path: Path | None = None
    billed_usd: float = 0.0


class PollState(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"


class PollStatus(_Frozen):
    """One look at a remote job."""

    state: PollState
    #: 0..1, or -1 when unknown.
    fraction: float = -1.0
    message: str = ""
    #: The provider's hint for the next poll, in seconds (OpenAI's ``openai-poll-after-ms``).
    poll_after: float | None = None
    #: Set when ``state`` is FAILED.
    error: ProviderError | None = None

    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)


class StartedJob(_Frozen):
    job_id: str
    billed_usd: float
    #: The provider's hint for the first poll, in seconds (None: poll at once). A job just
    #: created is never done yet, so polling before the hint only costs a request.
    poll_after: float | None = None


# ---- events -----------------------------------------------------------------------------------


class Queued(_Frozen):
    scene_id: str


class Created(_Frozen):
    """The provider accepted the job: from here on it is paid for."""

    scene_id: str
    job_id: str
    billed_usd: float
    resumed: bool = False


class Progress(_Frozen):
    scene_id: str
    fraction: float
    message: str


class Downloading(_Frozen):
    scene_id: str
    job_id: str


class Done(_Frozen):
    result: JobResult


JobEvent = Queued | Created | Progress | Downloading | Done


class VideoProvider(Protocol):
    """A video backend: the animatic renderer, Sora or Veo."""

    name: ProviderName
    #: Seconds between polls when the provider gives no hint.
    poll_interval: float

    def capabilities(self) -> tuple[ModelInfo, ...]: ...

    def validate(self, request: JobRequest) -> None:
        """Raise `ValidationError` for a request the provider cannot serve."""

    def estimate(self, request: JobRequest) -> float:
        """USD this request will be billed."""
        ...

    def start(self, request: JobRequest) -> StartedJob:
        """Create the job (the billable step). Must not retry on its own after an ambiguous fault."""
        ...

    def poll(self, job_id: str) -> PollStatus: ...

    def download(self, job_id: str, request: JobRequest, cancel: threading.Event) -> JobResult:
        """Fetch the finished clip (and thumbnail when there is one) into the project."""
        ...

    def cancel(self, job_id: str) -> None:
        """Best-effort remote cancel; providers without one do nothing."""

    def close(self) -> None:
        """Release connections and stop local work (app exit)."""


class Journal(Protocol):
    """Where billable steps are recorded before and after they happen (see `Ledger`)."""

    def intent(self, request: JobRequest) -> None: ...
    def created(self, request: JobRequest, job_id: str, billed_usd: float) -> None: ...
    def completed(self, request: JobRequest, job_id: str) -> None: ...
    def downloaded(self, request: JobRequest, result: JobResult) -> None: ...
    def failed(self, request: JobRequest, job_id: str | None, kind: str, message: str) -> None: ...
