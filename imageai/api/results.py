"""What the Python API hands back: results, progress reports, cost estimates, a cancel token."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field

from imageai.api.config import VideoConfig
from imageai.core.errors import ErrorKind, JobError
from imageai.core.stop_token import StopToken

if TYPE_CHECKING:
    import threading


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class VideoResult(_Frozen):
    """The outcome of one video: ``success`` with ``video_path``, or ``error`` (or cancelled).

    ``cost_usd`` is what the video's create was billed (the ledger's record), also when the job
    was resumed or its clip reused from an earlier run; ``new_spend_usd`` is what this call
    added to the bill.
    """

    success: bool
    config: VideoConfig
    provider: str
    video_path: Path | None = None
    thumbnail_path: Path | None = None
    job_id: str | None = None
    cost_usd: float = 0.0
    new_spend_usd: float = 0.0
    error: JobError | None = None
    cancelled: bool = False
    #: The job was created by an earlier run (paid then) and followed to the end now.
    resumed: bool = False
    #: An earlier run already downloaded this video: nothing was sent.
    reused: bool = False
    #: The id this video has in the output folder's ledger (stable across runs).
    key: str = ""

    @property
    def error_kind(self) -> ErrorKind | None:
        return self.error.kind if self.error is not None else None


class VideoProgress(_Frozen):
    """A progress report: ``index`` is the config's place in the batch (0 for one video)."""

    index: int
    key: str
    #: 0..1, or -1 when unknown (queued).
    fraction: float
    message: str = ""
    job_id: str | None = None


class VideoCost(_Frozen):
    """The estimate of one config, from the same price table and rules as the app and CLI."""

    usd: float
    usd_per_second: float
    seconds: int
    model: str
    provider: str
    #: False when no vendor page confirmed the rate (third-party prices).
    price_verified: bool
    price_source: str = ""


class VideoInfo(_Frozen):
    """A video the provider lists (``openai-videos``)."""

    job_id: str = Field(min_length=1, max_length=200)
    status: str
    model: str
    seconds: int = Field(gt=0)
    size: str | None = None
    prompt: str = ""
    created_at: float = 0.0


class CancelToken:
    """Thread-safe: ``cancel()`` stops the jobs given this token at their next stop point and
    asks the provider to cancel them where it can, as the app's Cancel button does.

    A Ctrl+C during a batch only stops following (the token is detached): jobs already created
    stay at the provider and in the ledger, and running the script again resumes them.
    """

    def __init__(self) -> None:
        self._event = StopToken()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    @property
    def event(self) -> threading.Event:
        """The `threading.Event` the core job loop waits on."""
        return self._event
