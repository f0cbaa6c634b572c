"""media.probe reads real clips made by the bundled ffmpeg, and rejects what is not a video."""

from __future__ import annotations

import subprocess
from typing import TYPE_CHECKING

import pytest

from imageai.core.media import MediaError, ffmpeg_exe, looks_like_mp4, probe, read_progress

if TYPE_CHECKING:
    from pathlib import Path


def make_clip(out: Path, *, size: str = "320x180", seconds: float = 1, audio: bool = True) -> Path:
    command = [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y"]
    command += ["-f", "lavfi", "-i", f"testsrc=size={size}:rate=12:duration={seconds}"]
    if audio:
        command += ["-f", "lavfi", "-t", str(seconds), "-i", "anullsrc=cl=mono:r=44100"]
        command += ["-c:a", "aac"]
    command += ["-c:v", "libx264", "-pix_fmt", "yuv420p", str(out)]
    subprocess.run(command, check=True, capture_output=True, timeout=60)
    return out


def test_probe_reads_size_duration_fps_and_codecs(tmp_path: Path) -> None:
    info = probe(make_clip(tmp_path / "a.mp4", seconds=2))

    assert (info.width, info.height) == (320, 180)
    assert info.duration == pytest.approx(2.0, abs=0.05)
    assert info.fps == 12
    assert (info.video_codec, info.pix_fmt) == ("h264", "yuv420p")
    assert info.video_profile
    assert (info.audio_codec, info.audio_rate, info.audio_layout) == ("aac", 44100, "mono")


def test_probe_of_clip_without_audio_has_no_audio_fields(tmp_path: Path) -> None:
    info = probe(make_clip(tmp_path / "silent.mp4", audio=False))

    assert info.audio_codec is None
    assert info.audio_rate is None
    assert info.audio_layout is None


def test_probe_of_non_video_file_raises_media_error(tmp_path: Path) -> None:
    text = tmp_path / "notes.mp4"
    text.write_text("not a video at all\n")

    with pytest.raises(MediaError, match="not a readable video"):
        probe(text)


def test_probe_of_missing_file_raises_media_error(tmp_path: Path) -> None:
    with pytest.raises(MediaError, match="does not exist"):
        probe(tmp_path / "gone.mp4")


def test_looks_like_mp4(tmp_path: Path) -> None:
    clip = make_clip(tmp_path / "a.mp4", audio=False)
    other = tmp_path / "b.bin"
    other.write_bytes(b"\0" * 64)

    assert looks_like_mp4(clip)
    assert not looks_like_mp4(other)
    assert not looks_like_mp4(tmp_path / "missing.mp4")


def test_read_progress_takes_latest_time_and_end_marker(tmp_path: Path) -> None:
    progress = tmp_path / "progress.txt"
    assert read_progress(progress) == (0, False)
    progress.write_text(
        "out_time_us=N/A\nprogress=continue\nout_time_us=500000\nprogress=continue\n"
        "out_time_us=1000000\nprogress=end\n"
    )
    assert read_progress(progress) == (1_000_000, True)
