"""What the remix, take and adopt commands share in the terminal: scene look-up, progress, exit."""

from __future__ import annotations

import sys
import threading
from typing import TYPE_CHECKING

from imageai.cli.exit_codes import ExitCode
from imageai.cli.progress import JsonEvents, TerminalProgress, retarget_hint
from imageai.core.errors import ErrorKind, ProviderError, ValidationError
from imageai.core.job_loop import run_job
from imageai.core.jobs import Done, Downloading, JobRequest, JobResult, Progress
from imageai.core.models import ProviderName
from imageai.core.takes import SceneJournal, relative
from imageai.providers.openai.sora_remix_jobs import remix_client

if TYPE_CHECKING:
    from pathlib import Path

    from imageai.cli.context import CliContext
    from imageai.core.models import Project, Scene, SoraSettings
    from imageai.providers.openai.sora_client import SoraClient


def scene_at(project: Project, number: int) -> Scene:
    """Scene ``number`` (1-based), or a `ValidationError` naming the range."""
    if not 1 <= number <= len(project.scenes):
        count = len(project.scenes)
        where = f"1-{count}" if count else "none: the project has no scenes"
        raise ValidationError("scene", f"scene {number} does not exist (scenes: {where})")
    return project.scenes[number - 1]


def sora_client(ctx: CliContext, settings: SoraSettings) -> SoraClient:
    """The Sora client for ``settings``; raises `AuthError` when there is no OpenAI key."""
    return remix_client(ctx.router, settings)


class JobReport:
    """Progress of followed jobs: JSON lines on stdout (``--json``) or bars on stderr."""

    def __init__(self, labels: dict[str, str], *, as_json: bool, project_dir: Path) -> None:
        self._labels = labels
        self._json = JsonEvents(sys.stdout) if as_json else None
        self._bar = None if as_json else TerminalProgress(labels)
        self._project_dir = project_dir

    def emit(self, event: str, text: str = "", **fields: object) -> None:
        """A JSON event, or ``text`` on stderr when not in JSON mode."""
        if self._json:
            self._json.emit(event, **fields)
        elif text:
            print(text, file=sys.stderr)

    def on_event(self, key: str, event: object) -> None:
        if isinstance(event, Progress):
            if self._json:
                self._json.emit("progress", key=key, fraction=round(event.fraction, 3))
            if self._bar:
                self._bar.update(key, event.fraction, event.message or "rendering")
        elif isinstance(event, Downloading) and self._bar:
            self._bar.update(key, 1.0, "downloading")
        elif isinstance(event, Done):
            clip = relative(event.result.clip_path, self._project_dir)
            self.emit("done", key=key, job_id=event.result.job_id, clip=clip)
            if self._bar:
                self._bar.update(key, 1.0, "done")

    def failed(self, key: str, kind: ErrorKind, message: str) -> None:
        hint = retarget_hint(kind, ProviderName.SORA, self._project_dir)
        text = f"{self._labels.get(key, key)} failed ({kind.value}): {message}"
        if hint:
            text += f" Hint: {hint}."
        if self._bar:
            self._bar.update(key, 0.0, f"failed: {kind.value}")
        extra = {"hint": hint} if hint else {}
        self.emit("failed", text, key=key, kind=kind.value, message=message, **extra)


def follow(
    key: str,
    request: JobRequest,
    client: SoraClient,
    journal: SceneJournal,
    report: JobReport,
) -> JobResult:
    """Poll and download the job ``request.resume_job_id`` names; no create is sent.

    Raises:
        ProviderError: the job failed, or polling gave up (the job id stays in the ledger).
        KeyboardInterrupt: Ctrl+C; the remote job goes on and can be followed again.
    """
    assert request.resume_job_id is not None
    cancel = threading.Event()
    result: JobResult | None = None
    for event in run_job(request, client, cancel, journal):
        report.on_event(key, event)
        if isinstance(event, Done):
            result = event.result
    assert result is not None
    return result


def provider_exit(error: ProviderError) -> int:
    """Exit code for a provider failure outside a render: 3 for key problems, 1 otherwise."""
    if error.kind in (ErrorKind.AUTH, ErrorKind.PERMISSION):
        return ExitCode.KEY_PROBLEM
    return ExitCode.SCENE_FAILED
