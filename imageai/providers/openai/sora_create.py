"""Billable creates that are never sent twice blindly: retry only when nothing was created,
and after an ambiguous failure adopt the video the API did create."""

from __future__ import annotations

import logging
import random
import threading
import time
from dataclasses import dataclass, field
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

#: How far the server's clock may be behind ours when matching ``created_at`` to the intent.
CLOCK_SKEW_S = 30.0
MAX_BACKOFF_S = 20.0


@dataclass(frozen=True)
class CreateIntent:
    """What a create asked for; None fields are not compared when looking for the result."""

    prompt: str
    model: str | None = None
    size: str | None = None
    seconds: int | None = None
    remixed_from: str | None = None
    #: Unix time just before the first send.
    since: float = field(default_factory=time.time)

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
        attempts: creates sent at most, counting those found not to have happened.
        settle_s: pause before looking a second time for a video the list may not show yet.
        sleep: how to wait between attempts (tests pass a no-op).
    """

    def __init__(
        self,
        client: OpenAI,
        *,
        attempts: int = 4,
        settle_s: float = 1.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._client = client.with_options(max_retries=0)
        # Listing is a GET and safe to repeat; it decides whether a create is sent again.
        self._lister = client.with_options(max_retries=4)
        self._attempts = attempts
        self._settle_s = settle_s
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
        """Create once; on failure retry only where it is safe, adopting a created video.

        Raises:
            OutcomeUnknownError: the video may exist but could not be looked up.
            ProviderError: the create failed for sure (classified).
        """
        last: ProviderError | None = None
        ambiguous = False
        for attempt in range(self._attempts):
            try:
                video = self._send(send, intent)
            except openai.OpenAIError as exc:
                error = classify(exc)
                if outcome_unknown(exc):
                    ambiguous = True
                    log.warning("create outcome unknown (%s); looking for the video", error.kind)
                    found = self._find(intent, error)
                    if found is not None:
                        log.info("adopted %s created by the lost request", found.id)
                        return found
                elif not created_nothing(exc):
                    raise error from exc
                last = error
                if attempt + 1 < self._attempts:
                    self._sleep(self._backoff(attempt, error))
                continue
            return video
        assert last is not None
        if ambiguous:
            # Some send may have created a video that the list did not show yet: leave the
            # intent unsettled so the next render looks again before paying.
            raise OutcomeUnknownError(
                "Creating this video was interrupted and it could not be found afterwards, so "
                "it is unknown whether Sora accepted (and billed) it. Rendering again looks for "
                "it first.",
                detail=last.user_message,
            )
        raise last

    def _send(self, send: Callable[[OpenAI], Video], intent: CreateIntent) -> SoraVideo:
        """One create; its video is claimed before the send counts as finished."""
        with self._lock:
            self._sending[intent.key] = self._sending.get(intent.key, 0) + 1
        try:
            video = SoraVideo.from_sdk(send(self._client))
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

    def find(self, intent: CreateIntent) -> SoraVideo | None:
        """The newest unclaimed video matching ``intent`` created since it (claimed on return)."""
        for video in iter_recent(self._lister, newer_than=intent.since - CLOCK_SKEW_S, limit=100):
            if intent.matches(video) and self.claim(video.id):
                return video
        return None

    def _find(self, intent: CreateIntent, cause: ProviderError) -> SoraVideo | None:
        self._wait_for_identical_sends(intent)
        for look in range(2):
            try:
                found = self.find(intent)
            except openai.OpenAIError as exc:
                raise OutcomeUnknownError(
                    "The create request was interrupted and the video list could not be read, so "
                    "it is unknown whether Sora accepted (and billed) it. Check the account's "
                    "videos before rendering this scene again.",
                    detail=f"{cause.user_message} / {classify(exc).user_message}",
                ) from exc
            if found is not None:
                return found
            if look == 0 and self._settle_s > 0:
                self._sleep(self._settle_s)
        return None

    @staticmethod
    def _backoff(attempt: int, error: ProviderError) -> float:
        if error.retry_after is not None:
            return min(error.retry_after, MAX_BACKOFF_S)
        return min(MAX_BACKOFF_S, 2.0**attempt) * random.uniform(0.75, 1.0)
