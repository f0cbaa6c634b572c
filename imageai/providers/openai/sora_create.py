"""Billable creates that are never sent twice blindly: sent again only when nothing can have
been created; an ambiguous failure is outcome unknown, and the video it made can be found."""

from __future__ import annotations

import logging
import random
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

import openai
from openai import OpenAI

from imageai.core.errors import OutcomeUnknownError, ProviderError
from imageai.providers.openai.errors import classify, created_nothing, outcome_unknown
from imageai.providers.openai.sora_videos import SoraVideo, iter_recent, same_model

if TYPE_CHECKING:
    from collections.abc import Callable

    from openai.types import Video

log = logging.getLogger(__name__)

MAX_BACKOFF_S = 20.0
#: Videos looked at, newest first, when searching for a lost create.
SEARCH_LIMIT = 100
LOST_MESSAGE = (
    "Creating this video was interrupted after it was sent (no answer, or a server error), so "
    "it is unknown whether it was accepted (and billed). It is never sent again blindly."
)


@dataclass(frozen=True)
class CreateIntent:
    """What a create asked for; None fields are not compared when looking for the result.

    There is no time window: a server clock behind ours must not hide the video. A video is
    told apart by what was asked and by not being any other create's (claimed or excluded).
    """

    prompt: str
    model: str | None = None
    size: str | None = None
    seconds: int | None = None
    remixed_from: str | None = None

    def matches(self, video: SoraVideo) -> bool:
        # A video whose prompt is not listed (some compatible endpoints omit it) cannot be told
        # apart from another scene's of the same shape: never adopt it.
        if video.prompt is None or video.prompt != self.prompt:
            return False
        if self.model is not None and not same_model(video.model, self.model):
            return False
        if self.size is not None and video.size != self.size:
            return False
        if self.seconds is not None and video.seconds != self.seconds:
            return False
        return self.remixed_from is None or video.remixed_from_video_id == self.remixed_from

    @property
    def key(self) -> tuple[object, ...]:
        """Intents with the same key could be matched by each other's videos."""
        return (self.prompt, self.model, self.size, self.seconds, self.remixed_from)


class SafeCreator:
    """Sends creates with the SDK's retries off and applies the render-safety rules.

    Args:
        client: an SDK client; creates go through a copy with ``max_retries=0``.
        attempts: creates sent at most, counting those surely refused before anything was made.
        sleep: how to wait between attempts (tests pass a no-op).
    """

    def __init__(
        self,
        client: OpenAI,
        *,
        attempts: int = 4,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._client = client.with_options(max_retries=0)
        # Listing is a GET and safe to repeat; it decides whether a lost create is adopted.
        self._lister = client.with_options(max_retries=4)
        self._attempts = attempts
        self._sleep = sleep
        # Videos already handed out, so two identical scenes never adopt the same video.
        self._claimed: set[str] = set()
        # Sends under way per intent key: a search for a lost create waits for identical sends
        # to finish (and claim their video), or it could adopt another scene's new video.
        self._sending: dict[tuple[object, ...], int] = {}
        self._lock = threading.Condition()

    def claim(self, video_id: str) -> bool:
        with self._lock:
            if video_id in self._claimed:
                return False
            self._claimed.add(video_id)
            return True

    def run(self, send: Callable[[OpenAI], Video], intent: CreateIntent) -> SoraVideo:
        """Create once; send again only when nothing can have been created (a 429, or a
        connection that failed before sending).

        Raises:
            OutcomeUnknownError: the create may have been accepted (a 5xx, 408, 409, a dropped
                connection, a timeout): never sent again here; the caller looks for it.
            ProviderError: the create failed for sure (classified).
        """
        last: ProviderError | None = None
        for attempt in range(self._attempts):
            try:
                return self._send(send, intent)
            except openai.OpenAIError as exc:
                error = classify(exc)
                if outcome_unknown(exc):
                    log.warning("create outcome unknown (%s); not sending it again", error.kind)
                    raise OutcomeUnknownError(LOST_MESSAGE, detail=error.user_message) from exc
                if not created_nothing(exc):
                    raise error from exc
                last = error
                if attempt + 1 < self._attempts:
                    self._sleep(self._backoff(attempt, error))
        assert last is not None
        raise last

    def _send(self, send: Callable[[OpenAI], Video], intent: CreateIntent) -> SoraVideo:
        """One create; its video is claimed before the send counts as finished."""
        with self._lock:
            self._sending[intent.key] = self._sending.get(intent.key, 0) + 1
        try:
            answer = send(self._client)
            try:
                video = SoraVideo.from_sdk(answer)
            except (ValueError, TypeError) as exc:
                # A 2xx we cannot read may still be a created (billed) video.
                raise OutcomeUnknownError(LOST_MESSAGE, detail=f"unreadable answer: {exc}") from exc
            if not self.claim(video.id):
                log.error("video %s was already adopted for another scene's lost create", video.id)
            return video
        finally:
            with self._lock:
                self._sending[intent.key] -= 1
                self._lock.notify_all()

    def _wait_for_identical_sends(self, intent: CreateIntent, timeout: float = 120.0) -> None:
        with self._lock:
            self._lock.wait_for(lambda: not self._sending.get(intent.key), timeout=timeout)

    def find(self, intent: CreateIntent, exclude: frozenset[str] = frozenset()) -> SoraVideo | None:
        """The newest matching video among the latest `SEARCH_LIMIT` that is no other create's
        (not claimed in this process, not in ``exclude``); claimed on return.

        Raises:
            openai.OpenAIError: the list could not be read.
        """
        self._wait_for_identical_sends(intent)
        for video in iter_recent(self._lister, newer_than=0, limit=SEARCH_LIMIT):
            if video.id in exclude or not intent.matches(video):
                continue
            if self.claim(video.id):
                return video
        return None

    @staticmethod
    def _backoff(attempt: int, error: ProviderError) -> float:
        if error.retry_after is not None:
            return min(error.retry_after, MAX_BACKOFF_S)
        return min(MAX_BACKOFF_S, 2.0**attempt) * random.uniform(0.75, 1.0)
