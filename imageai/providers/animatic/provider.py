"""The free offline provider: ffmpeg renders a slow push-in on the reference image, or a title card.

Each job is an ffmpeg subprocess writing ``clips/.<scene>.<job>.part.mp4`` and a ``-progress``
file; ``poll`` reads both. Jobs live only in this process: after an app restart ``poll`` reports a
job it does not know as FAILED (`NotFoundError`), and the runner renders the scene again, which
costs nothing.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import subprocess
import tempfile
import threading
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from imageai.core.background_process import start_in_background
from imageai.core.catalog import Catalog, ModelInfo, default_catalog
from imageai.core.clip_check import expected_clip
from imageai.core.downloads import finalize_clip
from imageai.core.errors import (
    InvalidRequestError,
    NotFoundError,
    ProviderError,
    ValidationError,
)
from imageai.core.imaging import (
    MIME_FOR_FORMAT,
    fit_image,
    header_of,
    open_image,
    open_reference,
)
from imageai.core.jobs import JobRequest, JobResult, PollState, PollStatus, StartedJob
from imageai.core.media import MediaError, read_progress
from imageai.core.models import AnimaticSettings, ProviderName
from imageai.core.project_files import project_path, write_atomic
from imageai.core.prompts import TITLE_CARD_TEMPLATE, render
from imageai.core.title_card import draw_title_card
from imageai.core.validation import validate_spec
from imageai.providers.animatic.command import Picture, ffmpeg_command

log = logging.getLogger(__name__)

_STDERR_TAIL = 12
#: zlib level of a title card handed to ffmpeg (1: fastest that still compresses).
SOURCE_PNG_COMPRESSION = 1
#: ffmpeg decodes these as Pillow would: a reference in one of them goes to ffmpeg untouched.
FFMPEG_MODES = frozenset({"1", "L", "LA", "P", "RGB", "RGBA"})


@dataclass
class _Render:
    """One running ffmpeg job and the files it owns."""

    process: subprocess.Popen[bytes]
    part: Path
    workdir: Path
    total_us: int
    #: The artist's reference when ffmpeg reads it itself (its damage is ffmpeg's to find).
    reference: Path | None = None

    @property
    def progress_file(self) -> Path:
        return self.workdir / "progress.txt"

    @property
    def stderr_file(self) -> Path:
        return self.workdir / "stderr.txt"


#: What ffmpeg says when the picture it reads is damaged.
_DECODE_ERRORS = (
    "Decoding error",
    "Invalid data found when processing input",
    "Error while decoding",
)


def _failure(code: int, tail: str, render_: _Render) -> ProviderError:
    """Why a render failed: a damaged reference by name (rendering again will not help), else
    ffmpeg's exit code with its last words."""
    if render_.reference is not None and any(words in tail for words in _DECODE_ERRORS):
        return InvalidRequestError(
            f"The reference image {render_.reference.name} could not be decoded: the file may "
            "be damaged. Open it in an image editor and save it again.",
            detail=tail,
        )
    return ProviderError(f"ffmpeg failed (exit code {code}).", detail=tail)


def _stderr_tail(path: Path) -> str:
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").strip().splitlines()
    except OSError:
        return ""
    return "\n".join(lines[-_STDERR_TAIL:])


class AnimaticProvider:
    """Renders scenes locally with ffmpeg; free, offline, and shaped like the cloud providers."""

    name = ProviderName.ANIMATIC

    def __init__(self, catalog: Catalog | None = None, poll_interval: float = 0.1) -> None:
        self._catalog = catalog or default_catalog()
        self.poll_interval = poll_interval
        self._lock = threading.Lock()
        self._renders: dict[str, _Render] = {}

    def capabilities(self) -> tuple[ModelInfo, ...]:
        return self._catalog.offered(ProviderName.ANIMATIC)

    def validate(self, request: JobRequest) -> None:
        if not isinstance(request.settings, AnimaticSettings):
            raise ValidationError("settings", "the animatic needs animatic settings")
        validate_spec(self._catalog, request.spec)
        if request.reference_image is not None and not request.reference_image.is_file():
            raise ValidationError("reference_image", f"{request.reference_image} does not exist")

    def estimate(self, request: JobRequest) -> float:
        return 0.0

    def start(self, request: JobRequest) -> StartedJob:
        """Launch ffmpeg on the reference (or a drawn title card); returns at once."""
        fps = request.settings.fps if isinstance(request.settings, AnimaticSettings) else 24
        size = request.spec.frame_size
        job_id = f"animatic-{request.scene_id}-{uuid.uuid4().hex[:8]}"
        workdir = Path(tempfile.mkdtemp(prefix="imageai-animatic-"))
        try:
            with contextlib.ExitStack() as files:
                # One open file for the header's checks and for ffmpeg: the file checked is
                # the file read.
                reference = (
                    files.enter_context(open_reference(request.reference_image))
                    if request.reference_image is not None
                    else None
                )
                picture = self._picture(request, size, workdir, reference)
                part = project_path(
                    request.project_dir, "clips", f".{request.file_stem}.{job_id}.part.mp4"
                )
                command = ffmpeg_command(
                    picture,
                    size,
                    request.spec.seconds,
                    fps,
                    progress_file=workdir / "progress.txt",
                    out=part,
                    thumb=workdir / "thumb.jpg",
                )
                stderr = files.enter_context((workdir / "stderr.txt").open("wb"))
                stdin: IO[bytes] | int = subprocess.DEVNULL
                if picture.path is None and reference is not None:
                    # The descriptor's own offset: a buffered seek may stay inside its buffer.
                    os.lseek(reference.fileno(), 0, os.SEEK_SET)
                    stdin = reference
                process = start_in_background(
                    command, stdin=stdin, stdout=subprocess.DEVNULL, stderr=stderr
                )
        except (MediaError, OSError) as exc:
            shutil.rmtree(workdir, ignore_errors=True)
            raise ProviderError(f"The animatic cannot run ffmpeg: {exc}") from exc
        except BaseException:
            shutil.rmtree(workdir, ignore_errors=True)
            raise
        render_ = _Render(
            process,
            part,
            workdir,
            request.spec.seconds * 1_000_000,
            reference=request.reference_image if picture.path is None else None,
        )
        with self._lock:
            self._renders[job_id] = render_
        log.info("animatic %s started (%s, %d fps)", job_id, request.spec.describe(), fps)
        return StartedJob(job_id=job_id, billed_usd=0.0)

    @staticmethod
    def _picture(
        request: JobRequest, size: tuple[int, int], workdir: Path, file: IO[bytes] | None
    ) -> Picture:
        """The reference (``file``, open) as ffmpeg will read it, or a frame drawn here when
        ffmpeg cannot."""
        reference = request.reference_image
        if reference is not None and file is not None:
            header = header_of(file, reference)
            if (
                header.format in MIME_FOR_FORMAT
                and header.mode in FFMPEG_MODES
                and header.orientation is not None
                # ffmpeg plays an animation, where Pillow shows the still picture
                and header.frames == 1
            ):
                # ffmpeg decodes, turns and fits it in its own (nicer) process: none of the
                # reference's pixels pass through the app, whose GUI thread shares the CPUs.
                return Picture(None, push_in=True, fit=request.fit, orientation=header.orientation)
            frame = fit_image(open_image(reference), size, request.fit)
        else:
            text = render(
                TITLE_CARD_TEMPLATE,
                title=request.title or "Untitled",
                index=request.index,
                seconds=request.spec.seconds,
                prompt=request.prompt,
            )
            frame = draw_title_card(text, size)
        source = workdir / "source.png"
        # ffmpeg reads this once from a temp folder: the fastest compression costs a quarter
        # of the default's CPU (60 vs 280 ms for a detailed 720p frame).
        frame.save(source, format="PNG", compress_level=SOURCE_PNG_COMPRESSION)
        return Picture(source, push_in=reference is not None)

    def _get(self, job_id: str) -> _Render | None:
        with self._lock:
            return self._renders.get(job_id)

    def poll(self, job_id: str) -> PollStatus:
        """RUNNING with the encoded fraction, COMPLETED, or FAILED with ffmpeg's last words."""
        render_ = self._get(job_id)
        if render_ is None:
            return PollStatus(
                state=PollState.FAILED,
                message="render interrupted",
                error=NotFoundError(
                    "The animatic render was interrupted (the app restarted); "
                    "render the scene again, it is free.",
                    detail=job_id,
                ),
            )
        code = render_.process.poll()
        if code is None:
            out_us, _ = read_progress(render_.progress_file)
            fraction = min(0.99, out_us / render_.total_us) if render_.total_us else -1.0
            return PollStatus(
                state=PollState.RUNNING, fraction=fraction, message="rendering animatic"
            )
        if code == 0 and render_.part.is_file():
            return PollStatus(state=PollState.COMPLETED, fraction=1.0, message="rendered")
        tail = _stderr_tail(render_.stderr_file)
        self._forget(job_id)
        return PollStatus(
            state=PollState.FAILED, message="ffmpeg failed", error=_failure(code, tail, render_)
        )

    def download(self, job_id: str, request: JobRequest, cancel: threading.Event) -> JobResult:
        """Move the finished clip to ``clips/<scene_id>.mp4`` and write ``thumbs/<scene_id>.jpg``."""
        render_ = self._get(job_id)
        if render_ is None or render_.process.poll() != 0:
            raise NotFoundError("The animatic render is not finished.", detail=job_id)
        try:
            dest = project_path(request.project_dir, "clips", f"{request.file_stem}.mp4")
            clip = finalize_clip(render_.part, dest, expect=expected_clip(request, job_id))
            thumb = self._write_thumbnail(render_, request)
        finally:
            self._forget(job_id)
        return JobResult(
            scene_id=request.scene_id,
            provider=ProviderName.ANIMATIC,
            job_id=job_id,
            clip_path=clip,
            thumbnail_path=thumb,
            billed_usd=0.0,
        )

    @staticmethod
    def _write_thumbnail(render_: _Render, request: JobRequest) -> Path | None:
        # ffmpeg wrote the clip's first frame, small, beside the clip: no decode here.
        try:
            data = (render_.workdir / "thumb.jpg").read_bytes()
        except OSError as exc:
            log.warning("animatic thumbnail missing for %s: %s", request.scene_id, exc)
            return None
        target = project_path(request.project_dir, "thumbs", f"{request.file_stem}.jpg")
        write_atomic(target, data)
        return target

    def cancel(self, job_id: str) -> None:
        """Kill the ffmpeg process and remove the partial clip; unknown ids are ignored."""
        self._forget(job_id)

    def close(self) -> None:
        """Cancel every running render (at app exit)."""
        with self._lock:
            job_ids = list(self._renders)
        for job_id in job_ids:
            self.cancel(job_id)

    def _forget(self, job_id: str) -> None:
        with self._lock:
            render_ = self._renders.pop(job_id, None)
        if render_ is None:
            return
        if render_.process.poll() is None:
            render_.process.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            render_.process.wait(timeout=10)
        render_.part.unlink(missing_ok=True)
        shutil.rmtree(render_.workdir, ignore_errors=True)
