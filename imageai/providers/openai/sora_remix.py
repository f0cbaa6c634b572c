"""Batch remix: N variations of one Sora video, each kept (or its error) separately."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict

from imageai.core.errors import ErrorKind, JobError, ProviderError
from imageai.core.jobs import StartedJob

if TYPE_CHECKING:
    from collections.abc import Callable

#: Failures that would repeat for every prompt of the batch.
SAME_FOR_EVERY_PROMPT = frozenset(
    {ErrorKind.AUTH, ErrorKind.PERMISSION, ErrorKind.QUOTA, ErrorKind.NOT_FOUND}
)


class RemixOutcome(BaseModel):
    """One prompt of a batch remix: the started job, or why it did not start."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    source_job_id: str
    prompt: str
    job: StartedJob | None = None
    error: JobError | None = None

    @property
    def ok(self) -> bool:
        return self.job is not None


def remix_many(
    remix: Callable[[str, str], StartedJob], source_job_id: str, prompts: list[str]
) -> list[RemixOutcome]:
    """Start one remix per prompt, in order.

    A failed prompt is recorded and the batch goes on, unless the failure would repeat for every
    prompt (bad key, no access, no quota, endpoint gone): then the rest are marked with it unsent.
    """
    outcomes: list[RemixOutcome] = []
    stop: JobError | None = None
    for prompt in prompts:
        if stop is not None:
            outcomes.append(RemixOutcome(source_job_id=source_job_id, prompt=prompt, error=stop))
            continue
        try:
            job = remix(source_job_id, prompt)
        except ProviderError as exc:
            error = JobError.from_exception(exc)
            if exc.kind in SAME_FOR_EVERY_PROMPT:
                stop = error
            outcomes.append(RemixOutcome(source_job_id=source_job_id, prompt=prompt, error=error))
            continue
        outcomes.append(RemixOutcome(source_job_id=source_job_id, prompt=prompt, job=job))
    return outcomes
