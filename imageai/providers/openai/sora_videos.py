"""`SoraVideo`: a plain, frozen view of an OpenAI ``Video`` for lists, adoption and remixes."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict

from imageai.core.jobs import PollState

if TYPE_CHECKING:
    from collections.abc import Iterator

    from openai import OpenAI
    from openai.types import Video

#: API status -> the job loop's states.
STATES = {
    "queued": PollState.QUEUED,
    "in_progress": PollState.RUNNING,
    "completed": PollState.COMPLETED,
    "failed": PollState.FAILED,
}


class SoraVideo(BaseModel):
    """One video of the account, as listed by the API."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    status: str
    progress: int = 0
    model: str
    size: str
    seconds: int
    prompt: str | None = None
    created_at: int
    completed_at: int | None = None
    expires_at: int | None = None
    remixed_from_video_id: str | None = None
    error_code: str | None = None
    error_message: str | None = None

    @classmethod
    def from_sdk(cls, video: Video) -> SoraVideo:
        return cls(
            id=video.id,
            status=video.status,
            progress=video.progress,
            model=str(video.model),
            size=str(video.size),
            seconds=listed_seconds(video.seconds),
            prompt=video.prompt,
            created_at=video.created_at,
            completed_at=video.completed_at,
            expires_at=video.expires_at,
            remixed_from_video_id=video.remixed_from_video_id,
            error_code=video.error.code if video.error else None,
            error_message=video.error.message if video.error else None,
        )

    @property
    def state(self) -> PollState:
        return STATES.get(self.status, PollState.RUNNING)


def listed_seconds(value: object) -> int:
    """Whole seconds of a listed video: ``"4.5"`` counts as 5, never shorter than the clip.

    Raises:
        ValueError: not a finite, non-negative number (a malformed answer).
    """
    seconds = float(str(value))
    if not math.isfinite(seconds) or seconds < 0:
        raise ValueError(f"seconds {value!r} is not a length")
    return math.ceil(seconds)


def same_model(listed: str, wanted: str) -> bool:
    """``sora-2-2025-10-06`` is a dated snapshot of ``sora-2``; ``sora-2-pro`` is not."""
    return listed == wanted or listed.startswith(f"{wanted}-20")


def iter_recent(client: OpenAI, *, newer_than: float, limit: int) -> Iterator[SoraVideo]:
    """The account's videos, newest first, stopping at ``limit`` or the first one older than
    ``newer_than`` (a Unix time)."""
    page = client.videos.list(limit=min(limit, 100), order="desc")
    # The SDK fetches the following pages itself, with `after=<last id>`.
    for count, video in enumerate(page):
        if video.created_at < newer_than or count >= limit:
            return
        yield SoraVideo.from_sdk(video)
