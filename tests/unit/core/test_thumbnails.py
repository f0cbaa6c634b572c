"""Omni clip thumbnails: the first frame of a real clip; nothing (no error) for an unreadable one."""

from __future__ import annotations

import subprocess
from typing import TYPE_CHECKING

from PIL import Image

from imageai.core.media import ffmpeg_exe
from imageai.providers.google.omni_thumbnail import clip_thumbnail

if TYPE_CHECKING:
    from pathlib import Path

#: An ftyp header and zeros: looks like an MP4, decodes to nothing.
MP4 = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2" + b"\x00" * 2000


def test_thumbnail_is_the_first_frame_scaled_to_width(tmp_path: Path) -> None:
    clip = tmp_path / "c.mp4"
    cmd = [
        ffmpeg_exe(), "-loglevel", "error", "-y", "-f", "lavfi",
        "-i", "color=c=red:s=1280x720:r=24:d=1", "-c:v", "libx264", "-pix_fmt", "yuv420p",
        str(clip),
    ]  # fmt: skip
    subprocess.run(cmd, check=True, capture_output=True, timeout=60)
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
