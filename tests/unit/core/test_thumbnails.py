"""Clip thumbnails: the first frame of a real clip, made in one place for every provider."""

from __future__ import annotations

import subprocess
import threading
from typing import TYPE_CHECKING

from PIL import Image

from imageai.core.job_loop import run_job
from imageai.core.jobs import Done, JobRequest, JobResult
from imageai.core.media import ffmpeg_exe
from imageai.core.models import ProviderName, VeoSettings
from imageai.core.shot import ShotSpec
from imageai.core.thumbnails import clip_thumbnail, ensure_thumbnail
from tests.fakes.clips import mp4_clip
from tests.fakes.fake_provider import FakeProvider

if TYPE_CHECKING:
    from pathlib import Path

#: An ftyp header and zeros: looks like an MP4, decodes to nothing.
MP4 = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2" + b"\x00" * 2000


def _red_clip(path: Path) -> Path:
    cmd = [
        ffmpeg_exe(), "-loglevel", "error", "-y", "-f", "lavfi",
        "-i", "color=c=red:s=1280x720:r=24:d=1", "-c:v", "libx264", "-pix_fmt", "yuv420p",
        str(path),
    ]  # fmt: skip
    subprocess.run(cmd, check=True, capture_output=True, timeout=60)
    return path


def _result(clip: Path, thumb: Path | None = None) -> JobResult:
    return JobResult(
        scene_id="s1",
        provider=ProviderName.VEO,
        job_id="op-1",
        clip_path=clip,
        thumbnail_path=thumb,
    )


def test_thumbnail_is_the_first_frame_scaled_to_width(tmp_path: Path) -> None:
    clip = _red_clip(tmp_path / "c.mp4")
    thumb = clip_thumbnail(clip, tmp_path / "thumbs" / "s1.jpg", width=320)
    assert thumb == tmp_path / "thumbs" / "s1.jpg"
    with Image.open(thumb) as img:
        assert img.format == "JPEG"
        assert img.size == (320, 180)
        red, green, _blue = img.convert("RGB").getpixel((160, 90))
        assert red > 200 and green < 60


def test_an_undecodable_clip_gives_no_thumbnail_and_leaves_no_file(tmp_path: Path) -> None:
    clip = tmp_path / "c.mp4"
    clip.write_bytes(MP4)
    assert clip_thumbnail(clip, tmp_path / "thumbs" / "s1.jpg") is None
    assert list((tmp_path / "thumbs").iterdir()) == []


def test_a_clip_delivered_without_thumbnail_gets_its_first_frame(tmp_path: Path) -> None:
    (tmp_path / "clips").mkdir()
    clip = _red_clip(tmp_path / "clips" / "s1-take2.mp4")
    result = ensure_thumbnail(_result(clip), tmp_path)
    assert result.thumbnail_path == tmp_path / "thumbs" / "s1-take2.jpg"
    with Image.open(result.thumbnail_path) as img:
        assert img.format == "JPEG" and img.size[0] == 480


def test_the_providers_own_thumbnail_is_kept(tmp_path: Path) -> None:
    clip = _red_clip(tmp_path / "c.mp4")
    own = tmp_path / "own.webp"
    own.write_bytes(b"RIFF")
    result = ensure_thumbnail(_result(clip, own), tmp_path)
    assert result.thumbnail_path == own
    assert not (tmp_path / "thumbs").exists()


def test_an_unreadable_clip_keeps_its_result_unchanged(tmp_path: Path) -> None:
    clip = tmp_path / "c.mp4"
    clip.write_bytes(MP4)
    result = _result(clip)
    assert ensure_thumbnail(result, tmp_path) == result


class _NoThumbProvider(FakeProvider):
    """A provider that, like Veo, delivers a real clip and no thumbnail."""

    def download(self, job_id: str, request: JobRequest, cancel: threading.Event) -> JobResult:
        result = super().download(job_id, request, cancel)
        result.clip_path.write_bytes(mp4_clip(1.0, audio=False))
        return result


def test_every_render_through_the_job_loop_gets_a_thumbnail(tmp_path: Path) -> None:
    request = JobRequest(
        scene_id="s1",
        index=1,
        spec=ShotSpec(provider=ProviderName.VEO, model="veo", seconds=4, size="1280x720"),
        prompt="a fox",
        settings=VeoSettings(),
        project_dir=tmp_path,
    )
    events = list(run_job(request, _NoThumbProvider(["done"]), threading.Event()))
    done = events[-1]
    assert isinstance(done, Done)
    assert done.result.thumbnail_path == tmp_path / "thumbs" / "s1.jpg"
    assert done.result.thumbnail_path.read_bytes()[:3] == b"\xff\xd8\xff"
