"""A scripted `VideoProvider` for job-loop and runner tests: a list of poll states, then a clip."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from imageai.core.catalog import ModelInfo, default_catalog
from imageai.core.errors import OutcomeUnknownError, ProviderError
from imageai.core.jobs import JobRequest, JobResult, PollState, PollStatus, StartedJob
from imageai.core.models import ProviderName

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

# A tiny file with an MP4 ftyp box: enough for the clip checks, not playable.
FAKE_MP4 = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2" + b"\x00" * 32


class FakeProvider:
    """Scripted: each poll pops the next item of ``script`` (a fraction, "done", or an error).

    ``gate`` (optional) blocks each poll until set, so a test can hold jobs mid-render.
    ``lose_answers`` creates (and bills) that many jobs, then loses each answer: `start` raises
    `OutcomeUnknownError`, as a provider does when a create's response never arrived.
    Every request `start` receives is kept in ``requests`` (its ``source`` included).
    """

    name = ProviderName.ANIMATIC

    def __init__(
        self,
        script: Sequence[float | str | ProviderError] = (0.3, 0.7, "done"),
        *,
        poll_interval: float = 0.0,
        start_error: ProviderError | None = None,
        gate: threading.Event | None = None,
        price: float = 0.1,
        name: ProviderName = ProviderName.ANIMATIC,
        lose_answers: int = 0,
    ) -> None:
        self.name = name
        self.lose_answers = lose_answers
        self.script = list(script)
        self.poll_interval = poll_interval
        self.start_error = start_error
        self.gate = gate
        self.price = price
        self.lock = threading.Lock()
        self.started: list[str] = []
        self.requests: list[JobRequest] = []
        self.polls: dict[str, int] = {}
        self.cancelled: list[str] = []
        #: Generations in flight (created, not yet seen done, failed or cancelled): what a
        #: provider's concurrency limit counts.
        self.active = 0
        self.max_active = 0
        self.ended: set[str] = set()
        #: Downloads in progress; ``download_gate`` (optional) holds each download until set.
        self.downloading = 0
        self.max_downloading = 0
        self.download_gate: threading.Event | None = None
        #: The hint ``start`` gives for the first poll (None: poll at once).
        self.first_poll_after: float | None = None

    def capabilities(self) -> tuple[ModelInfo, ...]:
        return default_catalog().offered(ProviderName.ANIMATIC)

    def validate(self, request: JobRequest) -> None:
        return None

    def estimate(self, request: JobRequest) -> float:
        return self.price * request.spec.seconds

    def start(self, request: JobRequest) -> StartedJob:
        if self.start_error is not None:
            raise self.start_error
        with self.lock:
            job_id = f"fake-{request.scene_id}-{len(self.started) + 1}"
            self.started.append(job_id)
            self.requests.append(request)
            if self.lose_answers > 0:
                self.lose_answers -= 1
                raise OutcomeUnknownError("the create's answer was lost", detail=job_id)
            self.active += 1
            self.max_active = max(self.max_active, self.active)
        return StartedJob(
            job_id=job_id, billed_usd=self.estimate(request), poll_after=self.first_poll_after
        )

    def poll(self, job_id: str) -> PollStatus:
        if self.gate is not None:
            self.gate.wait(10)
        with self.lock:
            count = self.polls.get(job_id, 0)
            self.polls[job_id] = count + 1
        step = self.script[min(count, len(self.script) - 1)]
        if isinstance(step, ProviderError):
            raise step
        if step in ("done", "failed"):
            self._generation_ended(job_id)
        if step == "done":
            return PollStatus(state=PollState.COMPLETED, fraction=1.0)
        if step == "failed":
            return PollStatus(state=PollState.FAILED, error=ProviderError("scripted failure"))
        assert isinstance(step, float)
        return PollStatus(state=PollState.RUNNING, fraction=step, message=f"{step:.0%}")

    def download(self, job_id: str, request: JobRequest, cancel: threading.Event) -> JobResult:
        clip: Path = request.clips_dir / f"{request.scene_id}.mp4"
        clip.parent.mkdir(parents=True, exist_ok=True)
        with self.lock:
            self.downloading += 1
            self.max_downloading = max(self.max_downloading, self.downloading)
        try:
            if self.download_gate is not None:
                self.download_gate.wait(10)
            clip.write_bytes(FAKE_MP4)
        finally:
            with self.lock:
                self.downloading -= 1
        return JobResult(
            scene_id=request.scene_id,
            provider=request.provider,
            job_id=job_id,
            clip_path=clip,
            billed_usd=self.estimate(request),
        )

    def close(self) -> None:
        return None

    def _generation_ended(self, job_id: str) -> None:
        with self.lock:
            if job_id not in self.ended:
                self.ended.add(job_id)
                self.active -= 1

    def cancel(self, job_id: str) -> None:
        with self.lock:
            self.cancelled.append(job_id)
        self._generation_ended(job_id)
