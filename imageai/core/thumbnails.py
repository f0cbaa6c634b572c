"""Every rendered clip gets a thumbnail: the provider's own, else the clip's first frame (ffmpeg)."""

from __future__ import annotations

import logging
import os
import subprocess
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from imageai.core.media import MediaError, ffmpeg_exe
from imageai.core.project_files import ProjectPathError, project_path

if TYPE_CHECKING:
    from imageai.core.jobs import JobResult

log = logging.getLogger(__name__)

#: As wide as the animatic's thumbnails.
THUMB_WIDTH = 480


def clip_thumbnail(clip: Path, out_jpg: Path, width: int = THUMB_WIDTH) -> Path | None:
    """Write the clip's first frame, ``width`` wide, to ``out_jpg``; None if ffmpeg cannot.

    Best effort: a missing thumbnail only costs the picture on the card, never the clip.
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


def ensure_thumbnail(result: JobResult, project_dir: Path) -> JobResult:
    """``result`` with a thumbnail: the provider's if it delivered one, else the clip's first
    frame saved as ``thumbs/<clip stem>.jpg`` (Veo and Omni send none).

    The one place every provider's render passes through (`run_job`), so no provider is left
    without a picture; when ffmpeg cannot read the clip the result is returned unchanged.
    """
    if result.thumbnail_path is not None and result.thumbnail_path.is_file():
        return result
    try:
        out = project_path(project_dir, "thumbs", f"{result.clip_path.stem}.jpg")
    except (ProjectPathError, OSError) as exc:
        log.info("no thumbnail for %s: %s", result.clip_path.name, exc)
        return result
    thumb = clip_thumbnail(result.clip_path, out)
    return result if thumb is None else result.model_copy(update={"thumbnail_path": thumb})
