"""Still frames from clips with ffmpeg (the last frame seeds the next scene when chaining)."""

from __future__ import annotations

import os
import subprocess
from typing import TYPE_CHECKING

from imageai.core.media import MediaError, ffmpeg_exe

if TYPE_CHECKING:
    from pathlib import Path


def _last_frame_command(clip: Path, out: Path, seek_from_end: bool) -> list[str]:
    # -sseof starts decoding one second before the end; -update 1 keeps overwriting one image,
    # so what remains is the final frame.
    seek = ["-sseof", "-1"] if seek_from_end else []
    return [
        ffmpeg_exe(),
        *("-hide_banner", "-nostdin", "-loglevel", "error", "-y"),
        *seek,
        *("-i", str(clip), "-an", "-update", "1", "-f", "image2", "-c:v", "png", str(out)),
    ]


def extract_last_frame(clip: Path, out_png: Path) -> Path:
    """Write the clip's last frame to ``out_png`` (PNG at the clip's size) and return it.

    Raises:
        MediaError: the clip is missing or ffmpeg cannot decode it.
    """
    if not clip.is_file():
        raise MediaError(f"{clip} does not exist")
    out_png.parent.mkdir(parents=True, exist_ok=True)
    tmp = out_png.with_name(f".{out_png.stem}.part.png")
    try:
        detail = ""
        # A clip shorter than the seek window, or an odd container, can leave nothing with
        # -sseof; decoding the whole clip is the slow but sure fallback.
        for seek_from_end in (True, False):
            tmp.unlink(missing_ok=True)
            proc = subprocess.run(
                _last_frame_command(clip, tmp, seek_from_end),
                capture_output=True,
                text=True,
                timeout=120,
                check=False,
            )
            if proc.returncode == 0 and tmp.is_file() and tmp.stat().st_size > 0:
                os.replace(tmp, out_png)
                return out_png
            detail = proc.stderr.strip()
        raise MediaError(f"Could not read the last frame of {clip}: {detail[-500:]}")
    finally:
        tmp.unlink(missing_ok=True)
