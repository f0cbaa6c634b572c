"""A thumbnail for an Omni clip: its first frame as a JPEG, with ffmpeg (best effort)."""

from __future__ import annotations

import logging
import os
import subprocess
import tempfile
from pathlib import Path

from imageai.core.media import MediaError, ffmpeg_exe

log = logging.getLogger(__name__)

#: As wide as the animatic's thumbnails.
THUMB_WIDTH = 480


def clip_thumbnail(clip: Path, out_jpg: Path, width: int = THUMB_WIDTH) -> Path | None:
    """Write the clip's first frame, ``width`` wide, to ``out_jpg``; None if ffmpeg cannot.

    Omni sends no thumbnail of its own; a missing one only costs the picture in the list.
    """
    out_jpg.parent.mkdir(parents=True, exist_ok=True)
    # A fresh temp name (O_EXCL): ffmpeg -y would write through a link left at a fixed name.
    fd, name = tempfile.mkstemp(prefix=f".{out_jpg.stem}.", suffix=".part.jpg", dir=out_jpg.parent)
    os.close(fd)
    tmp = Path(name)
    cmd = [
        *("-hide_banner", "-nostdin", "-loglevel", "error", "-y", "-i", str(clip)),
        *("-an", "-frames:v", "1", "-vf", f"scale={width}:-2", "-q:v", "4", str(tmp)),
    ]
    try:
        proc = subprocess.run(
            [ffmpeg_exe(), *cmd], capture_output=True, text=True, timeout=60, check=False
        )
        if proc.returncode == 0 and tmp.is_file() and tmp.stat().st_size > 0:
            os.replace(tmp, out_jpg)
            return out_jpg
        log.info("no thumbnail for %s: %s", clip.name, proc.stderr.strip()[-300:])
    except (MediaError, OSError, subprocess.TimeoutExpired) as exc:
        log.info("no thumbnail for %s: %s", clip.name, exc)
    finally:
        tmp.unlink(missing_ok=True)
    return None
