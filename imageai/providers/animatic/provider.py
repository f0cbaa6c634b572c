"""The free offline provider: ffmpeg renders a slow push-in on the reference image, or a title card.

Each job is an ffmpeg subprocess writing ``clips/.<scene>.<job>.part.mp4`` and a ``-progress``
file; ``poll`` reads both. Jobs live only in this process: after an app restart ``poll`` reports a
job it does not know as FAILED (`NotFoundError`), and the runner renders the scene again, which
costs nothing.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import uuid
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from imageai.core.catalog import Catalog, ModelInfo, default_catalog
from imageai.core.clip_check import expected_clip
from imageai.core.downloads import finalize_clip
from imageai.core.errors import NotFoundError, ProviderError, ValidationError
from imageai.core.imaging import fit_image, open_image
from imageai.core.jobs import JobRequest, JobResult, PollState, PollStatus, StartedJob
from imageai.core.media import MediaError, ffmpeg_exe, read_progress
from imageai.core.models import AnimaticSettings, ProviderName
from imageai.core.project_files import project_path, write_atomic
from imageai.core.prompts import TITLE_CARD_TEMPLATE, render
from imageai.core.title_card import draw_title_card
from imageai.core.validation import validate_spec

log = logging.getLogger(__name__)

#: How far the push-in zooms over the whole clip (1.0 -> 1.0 + PUSH_IN).
PUSH_IN = 0.08
THUMB_WIDTH = 480
_STDERR_TAIL = 12
#: zlib level of the source frame handed to ffmpeg (1: fastest that still compresses).
SOURCE_PNG_COMPRESSION = 1
#: ffmpeg runs this much nicer than the app (POSIX; below-normal class on Windows).
FFMPEG_NICENESS = 10


@dataclass
class _Render:
    """One running ffmpeg job and the files it owns."""

    process: subprocess.Popen[bytes]
    part: Path
    workdir: Path
    source: Path
    total_us: int

    @property
    def progress_file(self) -> Path:
        return self.workdir / "progress.txt"

    @property
    def stderr_file(self) -> Path:
        return self.workdir / "stderr.txt"


def _upscale_factor(width: int, height: int) -> int:
    # zoompan crops at whole input pixels; zooming on a larger copy makes each step a fraction of
    # an output pixel, so the push-in glides instead of jittering. Capped to bound memory.
    return max(2, min(4, 6000 // max(width, height)))


def ffmpeg_command(
    source: Path,
    size: tuple[int, int],
    seconds: int,
    fps: int,
    *,
    push_in: bool,
    progress_file: Path,
    out: Path,
) -> list[str]:
    """The ffmpeg command line for one clip (pure; exposed for tests)."""
    width, height = size
    frames = seconds * fps
    if push_in:
        factor = _upscale_factor(width, height)
        last = max(1, frames - 1)
        video = (
            f"[0:v]scale={width * factor}:{height * factor}:flags=lanczos,"
            f"zoompan=z='1+{PUSH_IN}*on/{last}':x='iw/2-(iw/zoom/2)':y='ih/2-(ih/zoom/2)'"
            f":d={frames}:s={width}x{height}:fps={fps},"
        )
        video_input = ["-i", str(source)]
    else:
        video = "[0:v]"
        video_input = ["-loop", "1", "-framerate", str(fps), "-i", str(source)]
    video += "setsar=1,format=yuv420p[v]"
    return [
        ffmpeg_exe(),
        *("-hide_banner", "-nostdin", "-loglevel", "error", "-y"),
        *video_input,
        *("-f", "lavfi", "-t", str(seconds)),
        *("-i", "anullsrc=channel_layout=stereo:sample_rate=48000"),
        *("-filter_complex", video, "-map", "[v]", "-map", "1:a"),
        *("-frames:v", str(frames), "-r", str(fps)),
        *("-c:v", "libx264", "-preset", "veryfast", "-crf", "20", "-pix_fmt", "yuv420p"),
        *("-c:a", "aac", "-b:a", "128k", "-ar", "48000", "-ac", "2"),
        *("-movflags", "+faststart", "-progress", str(progress_file), "-stats_period", "0.2"),
        *("-f", "mp4", str(out)),
    ]


def _stderr_tail(path: Path) -> str:
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").strip().splitlines()
    except OSError:
        return ""
    return "\n".join(lines[-_STDERR_TAIL:])


def _lower_priority(pid: int) -> None:
    """Make an encoder yield the CPU to the app.

    Several x264 encoders on a 2-core machine otherwise starve the GUI thread: its event loop
    stalled for 60-200 ms while 4 renders ran (benchmarks/gui_event_loop.py). Threads ffmpeg
    starts later inherit the value.
    """
    if sys.platform == "win32":
        return  # the creation flag did it
    with contextlib.suppress(OSError):
        own = os.getpriority(os.PRIO_PROCESS, 0)
        os.setpriority(os.PRIO_PROCESS, pid, min(19, own + FFMPEG_NICENESS))


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
        """Draw the source frame and launch ffmpeg; returns at once."""
        fps = request.settings.fps if isinstance(request.settings, AnimaticSettings) else 24
        size = request.spec.frame_size
        job_id = f"animatic-{request.scene_id}-{uuid.uuid4().hex[:8]}"
        workdir = Path(tempfile.mkdtemp(prefix="imageai-animatic-"))
        try:
            source = workdir / "source.png"
            # ffmpeg reads this once from a temp folder: the fastest compression costs a
            # quarter of the default's CPU (60 vs 280 ms for a detailed 720p frame) while
            # four renders share two cores with the app.
            self._source_image(request, size).save(
                source, format="PNG", compress_level=SOURCE_PNG_COMPRESSION
            )
            part = project_path(
                request.project_dir, "clips", f".{request.file_stem}.{job_id}.part.mp4"
            )
            command = ffmpeg_command(
                source,
                size,
                request.spec.seconds,
                fps,
                push_in=request.reference_image is not None,
                progress_file=workdir / "progress.txt",
                out=part,
            )
            with (workdir / "stderr.txt").open("wb") as stderr:
                process = subprocess.Popen(
                    command,
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.DEVNULL,
                    stderr=stderr,
                    creationflags=getattr(subprocess, "BELOW_NORMAL_PRIORITY_CLASS", 0),
                )
            _lower_priority(process.pid)
        except (MediaError, OSError) as exc:
            shutil.rmtree(workdir, ignore_errors=True)
            raise ProviderError(f"The animatic cannot run ffmpeg: {exc}") from exc
        except BaseException:
            shutil.rmtree(workdir, ignore_errors=True)
            raise
        render_ = _Render(process, part, workdir, source, request.spec.seconds * 1_000_000)
        with self._lock:
            self._renders[job_id] = render_
        log.info("animatic %s started (%s, %d fps)", job_id, request.spec.describe(), fps)
        return StartedJob(job_id=job_id, billed_usd=0.0)

    def _source_image(self, request: JobRequest, size: tuple[int, int]) -> Image.Image:
        if request.reference_image is not None:
            return fit_image(open_image(request.reference_image), size, request.fit)
        text = render(
            TITLE_CARD_TEMPLATE,
            title=request.title or "Untitled",
            index=request.index,
            seconds=request.spec.seconds,
            prompt=request.prompt,
        )
        return draw_title_card(text, size)

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
            state=PollState.FAILED,
            message="ffmpeg failed",
            error=ProviderError(f"ffmpeg failed (exit code {code}).", detail=tail),
        )

    def download(self, job_id: str, request: JobRequest, cancel: threading.Event) -> JobResult:
        """Move the finished clip to ``clips/<scene_id>.mp4`` and write ``thumbs/<scene_id>.jpg``."""
        render_ = self._get(job_id)
        if render_ is None or render_.process.poll() != 0:
            raise NotFoundError("The animatic render is not finished.", detail=job_id)
        try:
            dest = project_path(request.project_dir, "clips", f"{request.file_stem}.mp4")
            clip = finalize_clip(render_.part, dest, expect=expected_clip(request, job_id))
            thumb = self._write_thumbnail(render_.source, request)
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
    def _write_thumbnail(source: Path, request: JobRequest) -> Path:
        # The clip's first frame is the source image itself, so no decode is needed.
        target = project_path(request.project_dir, "thumbs", f"{request.file_stem}.jpg")
        data = io.BytesIO()
        with Image.open(source) as img:
            thumb = img.convert("RGB")
            thumb.thumbnail((THUMB_WIDTH, THUMB_WIDTH))
            thumb.save(data, format="JPEG", quality=85)
        write_atomic(target, data.getvalue())
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
