"""A Veo long-running operation read into one shape, and its poll status."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from imageai.core.jobs import PollState, PollStatus
from imageai.providers.google.errors import (
    ErrorContext,
    classify,
    filtered_error,
    status_from_error,
)


@dataclass(frozen=True)
class VideoRef:
    """Where a finished sample is: a URI to fetch, or bytes already in the operation."""

    uri: str | None = None
    data: bytes | None = None
    mime_type: str = "video/mp4"


@dataclass(frozen=True)
class OperationView:
    """What a poll learned: done or not, the error, the samples and the safety-filter count."""

    name: str
    done: bool
    error: dict[str, Any] | None = None
    videos: tuple[VideoRef, ...] = ()
    filtered_count: int = 0
    filtered_reasons: tuple[str, ...] = ()

    def poll_status(self, context: ErrorContext) -> PollStatus:
        if not self.done:
            return PollStatus(state=PollState.RUNNING, fraction=-1.0, message="Veo is generating")
        if self.error:
            error = classify(status_from_error(self.error, None), context)
            return PollStatus(state=PollState.FAILED, message=error.user_message, error=error)
        if self.videos:
            return PollStatus(state=PollState.COMPLETED, fraction=1.0, message="done")
        if self.filtered_count or self.filtered_reasons:
            error = filtered_error(max(1, self.filtered_count), self.filtered_reasons)
        else:
            error = filtered_error(0, ("Google returned no video and no reason",))
        return PollStatus(state=PollState.FAILED, message=error.user_message, error=error)
