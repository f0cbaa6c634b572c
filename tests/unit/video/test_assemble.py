"""assemble joins real clips: stream copy when they match, re-encode when they differ."""

from __future__ import annotations

import logging
import subprocess
import threading
from typing import TYPE_CHECKING

import pytest
from PIL import Image

from imageai.core.errors import JobCancelledError
from imageai.core.job_loop import run_job
from imageai.core.jobs import Done, JobRequest
from imageai.core.media import MediaInfo, ffmpeg_exe, probe
from imageai.core.models import AnimaticSettings, ProviderName
from imageai.core.shot import ShotSpec
from imageai.providers.animatic.provider import AnimaticProvider
from imageai.video.assemble import AssemblyError, assemble, plan_assembly

if TYPE_CHECKING:
    from pathlib import Path


def make_clip(
    out: Path,
    *,
    seconds: float = 1,
    size: str = "320x180",
    fps: int = 12,
    audio: str | None = "cl=stereo:r=48000",
) -> Path:
    command = [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y"]
    command += ["-f", "lavfi", "-i", f"testsrc=size={size}:rate={fps}:duration={seconds}"]
    if audio:
        command += ["-f", "lavfi", "-t", str(seconds), "-i", f"anullsrc={audio}", "-c:a", "aac"]
    command += ["-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", str(out)]
    subprocess.run(command, check=True, capture_output=True, timeout=60)
    return out


def info(**changes: object) -> MediaInfo:
    base = MediaInfo(
        duration=1.0,
        width=1280,
        height=720,
        fps=24.0,
        video_codec="h264",
        video_profile="High",
        pix_fmt="yuv420p",
        audio_codec="aac",
        audio_rate=48000,
        audio_layout="stereo",
    )
    return base.model_copy(update=changes)


def test_plan_assembly_copies_only_matching_clips() -> None:
    assert plan_assembly([info(), info(duration=8.0)])
    assert plan_assembly([info(audio_codec=None, audio_rate=None, audio_layout=None)] * 2)
    assert not plan_assembly([])
    for change in (
        {"width": 720, "height": 1280},
        {"fps": 30.0},
        {"video_codec": "hevc"},
        {"video_profile": "Main"},
        {"audio_layout": "mono"},
        {"audio_rate": 44100},
        {"audio_codec": None, "audio_rate": None, "audio_layout": None},
    ):
        assert not plan_assembly([info(), info(**change)]), change


def test_matching_clips_are_stream_copied_to_the_summed_duration(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    clips = [make_clip(tmp_path / "a.mp4", seconds=1), make_clip(tmp_path / "b.mp4", seconds=2)]
    fractions: list[float] = []
    out = tmp_path / "out" / "cut.mp4"

    with caplog.at_level(logging.INFO, logger="imageai.video.assemble"):
        assert assemble(clips, out, progress=fractions.append) == out

    cut = probe(out)
    assert cut.duration == pytest.approx(3.0, abs=0.1 * len(clips))
    assert (cut.width, cut.height, cut.fps) == (320, 180, 12)
    assert "(copy)" in caplog.text
    assert fractions == sorted(fractions)
    assert fractions[-1] == 1.0
    assert [p.name for p in out.parent.iterdir()] == ["cut.mp4"]


def test_mixed_clips_are_reencoded_to_the_first_clips_shape(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    clips = [
        make_clip(tmp_path / "a.mp4", seconds=1),
        make_clip(tmp_path / "b.mp4", seconds=2, size="640x360", fps=24, audio=None),
        make_clip(tmp_path / "c.mp4", seconds=1, size="180x320", audio="cl=mono:r=44100"),
    ]
    fractions: list[float] = []
    out = tmp_path / "cut.mp4"

    with caplog.at_level(logging.INFO, logger="imageai.video.assemble"):
        assemble(clips, out, progress=fractions.append)

    cut = probe(out)
    assert cut.duration == pytest.approx(4.0, abs=0.1 * len(clips))
    assert (cut.width, cut.height, cut.fps) == (320, 180, 12)
    assert (cut.audio_codec, cut.audio_rate, cut.audio_layout) == ("aac", 48000, "stereo")
    assert "(re-encode)" in caplog.text
    assert fractions == sorted(fractions)
    assert fractions[-1] == 1.0


def test_missing_clip_is_named_and_nothing_is_written(tmp_path: Path) -> None:
    clips = [make_clip(tmp_path / "a.mp4"), tmp_path / "gone.mp4"]

    with pytest.raises(AssemblyError, match=r"Clip 2 .*gone\.mp4.* does not exist"):
        assemble(clips, tmp_path / "cut.mp4")
    assert not (tmp_path / "cut.mp4").exists()


def test_unreadable_clip_is_named(tmp_path: Path) -> None:
    bad = tmp_path / "bad.mp4"
    bad.write_bytes(b"this is not a video")

    with pytest.raises(AssemblyError, match=r"Clip 1 .*bad\.mp4.* not a readable video"):
        assemble([bad], tmp_path / "cut.mp4")


def test_no_clips_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(AssemblyError, match="no clips"):
        assemble([], tmp_path / "cut.mp4")


def test_cancel_stops_ffmpeg_and_leaves_no_file(tmp_path: Path) -> None:
    clips = [make_clip(tmp_path / "a.mp4"), make_clip(tmp_path / "b.mp4", size="640x360")]
    out_dir = tmp_path / "out"
    cancel = threading.Event()
    cancel.set()

    with pytest.raises(JobCancelledError):
        assemble(clips, out_dir / "cut.mp4", cancel=cancel)
    assert list(out_dir.iterdir()) == []


def test_clip_paths_with_quotes_stream_copy(tmp_path: Path) -> None:
    folder = tmp_path / "it's here"
    folder.mkdir()
    clips = [make_clip(folder / "a'1.mp4"), make_clip(folder / "b.mp4")]

    cut = assemble(clips, tmp_path / "cut.mp4")

    assert probe(cut).duration == pytest.approx(2.0, abs=0.2)


def test_animatic_clips_from_both_paths_stream_copy(tmp_path: Path) -> None:
    # The provider's clips (title card and push-in) share one encoding, so a cut never re-encodes.
    reference = tmp_path / "ref.png"
    Image.new("RGB", (300, 300), (10, 120, 200)).save(reference)
    provider = AnimaticProvider(poll_interval=0.02)
    clips = []
    for scene_id, seconds, ref in (("a", 1, None), ("b", 2, reference)):
        request = JobRequest(
            scene_id=scene_id,
            index=1,
            spec=ShotSpec(
                provider=ProviderName.ANIMATIC, model="animatic", seconds=seconds, size="1280x720"
            ),
            prompt="A quiet harbour at dawn.",
            settings=AnimaticSettings(size="1280x720", seconds=seconds, fps=12),
            project_dir=tmp_path,
            reference_image=ref,
        )
        *_, done = run_job(request, provider, threading.Event())
        assert isinstance(done, Done)
        clips.append(done.result.clip_path)

    assert plan_assembly([probe(c) for c in clips])
    cut = assemble(clips, tmp_path / "cut.mp4")
    assert probe(cut).duration == pytest.approx(3.0, abs=0.2)
