"""Concatenate scene clips into one cut: stream copy when they match, re-encode when they don't."""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import tempfile
import threading
import uuid
from pathlib import Path
from typing import TYPE_CHECKING

from imageai.core.errors import JobCancelledError
from imageai.core.media import MediaError, MediaInfo, ffmpeg_exe, probe, read_progress

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

log = logging.getLogger(__name__)

#: Allowed gap between the cut's duration and the sum of its clips, per clip (seconds).
DURATION_SLACK = 0.1
DEFAULT_FPS = 24.0
_POLL_S = 0.1


class AssemblyError(MediaError):
    """A clip is missing or unreadable, or ffmpeg failed to write the cut."""


def _signature(info: MediaInfo) -> tuple[object, ...]:
    return (
        info.video_codec,
        info.video_profile,
        info.pix_fmt,
        info.width,
        info.height,
        round(info.fps, 3),
        info.audio_codec,
        info.audio_rate,
        info.audio_layout,
    )


def plan_assembly(clips: Sequence[MediaInfo]) -> bool:
    """True when the clips can be joined by stream copy: same codec, size, fps and audio layout."""
    if not clips:
        return False
    first = _signature(clips[0])
    return all(_signature(info) == first for info in clips[1:])


def _quote(path: Path) -> str:
    # The concat demuxer's list syntax: single quotes, with ' written as '\''.
    return "'" + str(path.resolve()).replace("'", "'\\''") + "'"


def concat_copy_command(list_file: Path, out: Path, progress_file: Path) -> list[str]:
    """ffmpeg argv that joins the clips named in ``list_file`` without re-encoding."""
    return [
        ffmpeg_exe(),
        *("-hide_banner", "-nostdin", "-loglevel", "error", "-y"),
        *("-f", "concat", "-safe", "0", "-i", str(list_file)),
        *("-map", "0:v", "-map", "0:a?", "-c", "copy", "-movflags", "+faststart"),
        *("-progress", str(progress_file), "-stats_period", "0.25", "-f", "mp4", str(out)),
    ]


def reencode_command(
    clips: Sequence[Path], infos: Sequence[MediaInfo], out: Path, progress_file: Path
) -> list[str]:
    """ffmpeg argv that scales and pads every clip to the first one's frame, at one fps, with audio.

    Each segment is held to its own duration (last frame cloned, silence padded) so the cut's
    length is the sum of the clips'.
    """
    width = infos[0].width - infos[0].width % 2
    height = infos[0].height - infos[0].height % 2
    fps = infos[0].fps or DEFAULT_FPS
    inputs: list[str] = []
    graph: list[str] = []
    pairs = ""
    for i, (clip, info) in enumerate(zip(clips, infos, strict=True)):
        inputs += ["-i", str(clip)]
        d = f"{info.duration:.3f}"
        graph.append(
            f"[{i}:v]scale={width}:{height}:force_original_aspect_ratio=decrease,"
            f"pad={width}:{height}:(ow-iw)/2:(oh-ih)/2:color=black,setsar=1,fps={fps:g},"
            f"format=yuv420p,tpad=stop=-1:stop_mode=clone,trim=duration={d},"
            f"setpts=PTS-STARTPTS[v{i}]"
        )
        if info.audio_codec:
            audio = f"[{i}:a]aresample=48000,aformat=sample_fmts=fltp:channel_layouts=stereo,apad,"
        else:
            audio = "anullsrc=r=48000:cl=stereo,"
        graph.append(f"{audio}atrim=duration={d},asetpts=PTS-STARTPTS[a{i}]")
        pairs += f"[v{i}][a{i}]"
    graph.append(f"{pairs}concat=n={len(clips)}:v=1:a=1[v][a]")
    return [
        ffmpeg_exe(),
        *("-hide_banner", "-nostdin", "-loglevel", "error", "-y"),
        *inputs,
        *("-filter_complex", ";".join(graph), "-map", "[v]", "-map", "[a]"),
        *("-c:v", "libx264", "-preset", "veryfast", "-crf", "20", "-pix_fmt", "yuv420p"),
        *("-r", f"{fps:g}", "-c:a", "aac", "-b:a", "128k", "-ar", "48000", "-ac", "2"),
        *("-movflags", "+faststart"),
        *("-progress", str(progress_file), "-stats_period", "0.25", "-f", "mp4", str(out)),
    ]


def _probe_clips(clips: Sequence[Path]) -> list[MediaInfo]:
    infos = []
    for number, clip in enumerate(clips, start=1):
        if not clip.is_file():
            raise AssemblyError(f"Clip {number} ({clip}) does not exist; render the scene first.")
        try:
            infos.append(probe(clip))
        except MediaError as exc:
            raise AssemblyError(f"Clip {number} ({clip}) is not a readable video.") from exc
    return infos


def _run(
    command: list[str],
    total_us: int,
    progress_file: Path,
    progress: Callable[[float], None],
    cancel: threading.Event,
) -> None:
    """Run ffmpeg, reporting ``out_time / total`` and killing it when ``cancel`` is set."""
    stderr_file = progress_file.with_name("stderr.txt")
    with stderr_file.open("wb") as stderr:
        process = subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=stderr
        )
    reported = -1.0
    try:
        while process.poll() is None:
            if cancel.wait(_POLL_S):
                raise JobCancelledError("assembly cancelled")
            out_us, _ = read_progress(progress_file)
            fraction = min(0.99, out_us / total_us) if total_us else 0.0
            if fraction >= reported + 0.01:
                reported = fraction
                progress(fraction)
    finally:
        if process.poll() is None:
            process.kill()
        process.wait()
    if process.returncode != 0:
        tail = stderr_file.read_text(encoding="utf-8", errors="replace").strip().splitlines()
        raise AssemblyError(
            f"ffmpeg could not write the cut (exit code {process.returncode}): "
            + " | ".join(tail[-5:])
        )


def assemble(
    clips: list[Path],
    out: Path,
    progress: Callable[[float], None] | None = None,
    cancel: threading.Event | None = None,
) -> Path:
    """Join ``clips`` in order into ``out`` (written to a temp file, renamed when complete).

    Raises:
        AssemblyError: no clips, a missing or unreadable clip, or ffmpeg failed.
        JobCancelledError: ``cancel`` was set; nothing is left behind.
    """
    if not clips:
        raise AssemblyError("There are no clips to assemble.")
    infos = _probe_clips(clips)
    report = _monotonic(progress)
    total_us = int(sum(info.duration for info in infos) * 1_000_000)
    cancel = cancel or threading.Event()
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.stem}.{uuid.uuid4().hex[:8]}.part.mp4")
    workdir = Path(tempfile.mkdtemp(prefix="imageai-assemble-"))
    try:
        copied = False
        if plan_assembly(infos):
            list_file = workdir / "clips.txt"
            list_file.write_text("".join(f"file {_quote(c)}\n" for c in clips), encoding="utf-8")
            command = concat_copy_command(list_file, tmp, workdir / "progress.txt")
            _run(command, total_us, workdir / "progress.txt", report, cancel)
            copied = _duration_ok(tmp, total_us, len(clips))
            if not copied:
                log.warning("stream copy gave a cut of the wrong length; re-encoding instead")
        if not copied:
            command = reencode_command(clips, infos, tmp, workdir / "progress2.txt")
            _run(command, total_us, workdir / "progress2.txt", report, cancel)
        if out.exists() and not out.is_file():  # a folder or a device: never replaced
            raise AssemblyError(f"{out} is not a regular file; the cut was not written there.")
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
        shutil.rmtree(workdir, ignore_errors=True)
    report(1.0)
    log.info("assembled %d clips into %s (%s)", len(clips), out, "copy" if copied else "re-encode")
    return out


def _monotonic(progress: Callable[[float], None] | None) -> Callable[[float], None]:
    """Wrap ``progress`` so a fallback re-encode never reports going backwards."""
    best = [0.0]

    def report(fraction: float) -> None:
        if progress is not None and fraction >= best[0]:
            best[0] = fraction
            progress(fraction)

    return report


def _duration_ok(cut: Path, total_us: int, count: int) -> bool:
    try:
        duration = probe(cut).duration
    except MediaError:
        return False
    return abs(duration - total_us / 1_000_000) <= DURATION_SLACK * count
