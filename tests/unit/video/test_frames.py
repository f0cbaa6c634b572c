"""extract_last_frame returns the final frame of a real clip at the clip's size."""

from __future__ import annotations

import subprocess
from typing import TYPE_CHECKING

import pytest
from PIL import Image

from imageai.core.media import MediaError, ffmpeg_exe
from imageai.video.frames import extract_last_frame

if TYPE_CHECKING:
    from pathlib import Path


def red_then_blue(out: Path, size: str = "320x180", seconds: float = 1) -> Path:
    graph = (
        f"color=c=red:s={size}:r=12:d={seconds}[a];"
        f"color=c=blue:s={size}:r=12:d={seconds}[b];[a][b]concat=n=2[out0]"
    )
    command = [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi"]
    command += ["-i", graph, "-c:v", "libx264", "-pix_fmt", "yuv420p", str(out)]
    subprocess.run(command, check=True, capture_output=True, timeout=60)
    return out


@pytest.mark.parametrize(("size", "seconds"), [("320x180", 1), ("180x320", 0.25)])
def test_last_frame_has_clip_size_and_last_colour(
    tmp_path: Path, size: str, seconds: float
) -> None:
    clip = red_then_blue(tmp_path / "clip.mp4", size, seconds)
    out = tmp_path / "frames" / "last.png"

    assert extract_last_frame(clip, out) == out

    with Image.open(out) as img:
        assert img.format == "PNG"
        assert img.size == tuple(int(v) for v in size.split("x"))
        red, _green, blue = img.convert("RGB").getpixel((img.width // 2, img.height // 2))
    assert blue > 200 > red
    assert [p.name for p in out.parent.iterdir()] == ["last.png"]


def test_missing_clip_raises_media_error(tmp_path: Path) -> None:
    with pytest.raises(MediaError, match="does not exist"):
        extract_last_frame(tmp_path / "gone.mp4", tmp_path / "last.png")


def test_non_video_raises_media_error_and_writes_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "bad.mp4"
    bad.write_text("nope")

    with pytest.raises(MediaError, match="last frame"):
        extract_last_frame(bad, tmp_path / "last.png")
    assert not (tmp_path / "last.png").exists()
