"""Real, playable MP4s of a given length for tests and the fake server (made once, then cached)."""

from __future__ import annotations

import functools
import os
import struct
import subprocess
import tempfile
from pathlib import Path

from imageai.core.media import ffmpeg_exe

#: Small and quick to encode and to check: the clip check decodes every frame.
SIZE = "160x90"
FPS = 12
_CACHE = Path(tempfile.gettempdir()) / "imageai-test-clips-v1"


@functools.cache
def mp4_clip(seconds: float, audio: bool = True) -> bytes:
    """A ``seconds`` long H.264 MP4 (with AAC sound unless ``audio`` is False)."""
    name = f"{seconds:g}s-{SIZE}-{FPS}{'-a' if audio else ''}.mp4"
    cached = _CACHE / name
    if cached.is_file():
        return cached.read_bytes()
    _CACHE.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(suffix=".mp4", dir=_CACHE)
    os.close(fd)
    tmp = Path(tmp_name)
    sound = ["-f", "lavfi", "-i", f"sine=frequency=440:sample_rate=48000:duration={seconds}"]
    cmd = [
        ffmpeg_exe(), "-loglevel", "error", "-y",
        "-f", "lavfi", "-i", f"testsrc2=s={SIZE}:r={FPS}:d={seconds}",
        *(sound if audio else []),
        "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-g", str(FPS),
        *(["-c:a", "aac", "-shortest"] if audio else []),
        "-f", "mp4", str(tmp),
    ]  # fmt: skip
    try:
        subprocess.run(cmd, check=True, capture_output=True, timeout=120)
        tmp.replace(cached)  # atomic: test processes running side by side share the cache
    finally:
        tmp.unlink(missing_ok=True)
    return cached.read_bytes()


def box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", 8 + len(payload)) + kind + payload


def padded(clip: bytes, size: int) -> bytes:
    """``clip`` followed by a ``free`` box up to ``size`` bytes: still a valid, playable MP4."""
    pad = size - len(clip)
    if pad < 8:
        return clip
    return clip + struct.pack(">I", pad) + b"free" + bytes(pad - 8)


def without_box(clip: bytes, kind: bytes) -> bytes:
    """``clip`` with its top-level ``kind`` box (e.g. ``moov``) left out."""
    out, offset = b"", 0
    while offset < len(clip):
        size = struct.unpack(">I", clip[offset : offset + 4])[0]
        if clip[offset + 4 : offset + 8] != kind:
            out += clip[offset : offset + size]
        offset += size
    return out


def damaged(clip: bytes) -> bytes:
    """``clip`` with the middle of its ``mdat`` zeroed: boxes whole, the video does not decode."""
    start = clip.index(b"mdat") + 4
    size = struct.unpack(">I", clip[start - 8 : start - 4])[0]
    end = start - 8 + size
    lo, hi = start + (end - start) // 4, start + (end - start) // 2
    return clip[:lo] + bytes(hi - lo) + clip[hi:]
