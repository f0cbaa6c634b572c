"""The ffmpeg command line of one animatic clip: its picture, the fit, the push-in and the thumbnail."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from imageai.core.imaging import MAX_PIXELS
from imageai.core.media import ffmpeg_exe
from imageai.core.models import FitMode

if TYPE_CHECKING:
    from pathlib import Path

#: How far the push-in zooms over the whole clip (1.0 -> 1.0 + PUSH_IN).
PUSH_IN = 0.08
THUMB_WIDTH = 480
#: ``-i`` of a picture ffmpeg reads from its standard input (the reference, opened by the app).
STDIN = "pipe:0"

#: ffmpeg filters that turn a picture upright for each EXIF orientation, as Pillow's
#: ``ImageOps.exif_transpose`` does (2: mirrored, 3: upside down, 6: turned left, ...).
_UPRIGHT = {
    1: "",
    2: "hflip,",
    3: "hflip,vflip,",
    4: "vflip,",
    5: "transpose=cclock_flip,",
    6: "transpose=clock,",
    7: "transpose=clock_flip,",
    8: "transpose=cclock,",
}


@dataclass(frozen=True)
class Picture:
    """What a clip is made from, and what ffmpeg still has to do to it."""

    #: A file ffmpeg opens, or None for the reference it reads from its standard input.
    path: Path | None
    #: A slow push-in (a reference) rather than a still (a title card).
    push_in: bool
    #: Set when the picture is the artist's reference as it is on disk: ffmpeg turns it upright
    #: and fits it to the frame. None when it is already a frame of the clip's size.
    fit: FitMode | None = None
    #: The reference's EXIF orientation (1-8).
    orientation: int = 1


def _upscale_factor(width: int, height: int) -> int:
    # zoompan crops at whole input pixels; zooming on a larger copy makes each step a fraction of
    # an output pixel, so the push-in glides instead of jittering. Capped to bound memory.
    return max(2, min(4, 6000 // max(width, height)))


def _fitted(picture: Picture, width: int, height: int) -> str:
    """Filters that bring the picture to exactly ``width`` x ``height``."""
    if picture.fit is None:
        return f"scale={width}:{height}:flags=lanczos"
    upright = _UPRIGHT.get(picture.orientation, "")
    if picture.fit is FitMode.CROP:
        # Cropped to the frame's shape before it is scaled, as Pillow's fit does: scaled first
        # to cover the frame, a long strip became a picture as long (1000x39000 at 1280x720:
        # 5120x199680, 1.7 GB in ffmpeg) or one too large to make at all. exact: a 1-pixel
        # side of a subsampled (JPEG) picture is not rounded down to nothing.
        return (
            f"{upright}crop=w='max(1,min(iw,ih*{width}/{height}))'"
            f":h='max(1,min(ih,iw*{height}/{width}))':exact=1,"
            f"scale={width}:{height}:flags=lanczos"
        )
    # Scaled to fit, the short side rounded to even and at least 2: force_original_aspect_ratio
    # rounded a strip's (4000x2 at 1280x720: 0.6) down to 0, and ffmpeg gave up.
    wide = f"gt(a,{width}/{height})"
    return (
        f"{upright}scale=w='if({wide},{width},max(2,2*round({height}*a/2)))'"
        f":h='if({wide},max(2,2*round({width}/a/2)),{height})':flags=lanczos,"
        f"pad={width}:{height}:(ow-iw)/2:(oh-ih)/2:color=black"
    )


def filter_graph(picture: Picture, size: tuple[int, int], frames: int, fps: int) -> str:
    """The filter graph: ``[v]`` the clip's frames, ``[thumb]`` the first frame, small."""
    width, height = size
    if picture.push_in:
        factor = _upscale_factor(width, height)
        last = max(1, frames - 1)
        graph = (
            f"[0:v]setsar=1,{_fitted(picture, width * factor, height * factor)},"
            "split[clip][still];"
            f"[clip]zoompan=z='1+{PUSH_IN}*on/{last}':x='iw/2-(iw/zoom/2)':y='ih/2-(ih/zoom/2)'"
            f":d={frames}:s={width}x{height}:fps={fps},"
        )
    else:
        graph = "[0:v]split[clip][still];[clip]"
    return (
        f"{graph}setsar=1,format=yuv420p[v];"
        f"[still]trim=end_frame=1,scale={min(THUMB_WIDTH, width)}:{min(THUMB_WIDTH, height)}"
        ":force_original_aspect_ratio=decrease:flags=bicubic,setsar=1,format=yuvj420p[thumb]"
    )


def ffmpeg_command(
    picture: Picture,
    size: tuple[int, int],
    seconds: int,
    fps: int,
    *,
    progress_file: Path,
    out: Path,
    thumb: Path,
) -> list[str]:
    """The ffmpeg command line for one clip and its thumbnail (pure; exposed for tests)."""
    frames = seconds * fps
    source = STDIN if picture.path is None else str(picture.path)
    # The reference is read from a pipe: its name is never parsed by ffmpeg (an image2 pattern
    # like "%03d" or a "concat:" prefix), and the file checked is the file read.
    still = [] if picture.push_in else ["-loop", "1", "-framerate", str(fps)]
    return [
        ffmpeg_exe(),
        *("-hide_banner", "-nostdin", "-loglevel", "error", "-y"),
        # The app applies EXIF orientation itself, exactly as Pillow would; a bound on pixels
        # in case the file changed after its header was checked.
        *("-noautorotate", "-max_pixels", str(MAX_PIXELS), *still, "-i", source),
        *("-f", "lavfi", "-t", str(seconds)),
        *("-i", "anullsrc=channel_layout=stereo:sample_rate=48000"),
        *("-filter_complex", filter_graph(picture, size, frames, fps)),
        *("-map", "[v]", "-map", "1:a", "-frames:v", str(frames), "-r", str(fps)),
        *("-c:v", "libx264", "-preset", "veryfast", "-crf", "20", "-pix_fmt", "yuv420p"),
        *("-c:a", "aac", "-b:a", "128k", "-ar", "48000", "-ac", "2"),
        *("-movflags", "+faststart", "-progress", str(progress_file), "-stats_period", "0.2"),
        *("-f", "mp4", str(out)),
        *("-map", "[thumb]", "-frames:v", "1", "-q:v", "3", "-f", "mjpeg", str(thumb)),
    ]
