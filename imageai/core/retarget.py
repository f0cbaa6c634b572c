"""Map shot settings between Sora (size + seconds), Veo and Omni (aspect + resolution + seconds)."""

from __future__ import annotations

from imageai.core.catalog import default_catalog
from imageai.core.models import ProviderName
from imageai.core.shot import parse_size

#: Veo 3.1 durations, and the only duration allowed above 720p.
VEO_SECONDS = (4, 6, 8)
VEO_HIGH_RES_SECONDS = (8,)
#: Short side in pixels of each Veo resolution.
VEO_SHORT_SIDE = {"720p": 720, "1080p": 1080, "4k": 2160}
SORA_SECONDS = (4, 8, 12)
SORA_SIZES = ("1280x720", "720x1280")
#: Gemini Omni: short side of each resolution, and the aspects it renders.
OMNI_SHORT_SIDE = {"360p": 360, "720p": 720, "1080p": 1080, "4k": 2160}
OMNI_ASPECTS = ("16:9", "9:16")


def nearest(value: int, allowed: tuple[int, ...]) -> int:
    """The allowed value closest to ``value``; a tie goes to the longer one (nothing cut)."""
    return min(allowed, key=lambda a: (abs(a - value), -a))


def map_from_sora(size: str, seconds: int) -> tuple[str, str, int, str]:
    """Sora ``size``/``seconds`` -> Veo ``(aspect, resolution, seconds, note)``.

    The note says in words what had to change; it is empty when nothing did.
    """
    width, height = parse_size(size)
    aspect = "9:16" if height > width else "16:9"
    short = min(width, height)
    resolution = min(("720p", "1080p"), key=lambda r: (abs(VEO_SHORT_SIDE[r] - short), r))
    new_seconds = nearest(seconds, VEO_SECONDS)
    changes: list[str] = []
    if resolution != "720p" and new_seconds not in VEO_HIGH_RES_SECONDS:
        # Keep the duration (it sets the cut) and give up resolution.
        changes.append(f"size {size} becomes {aspect} 720p (Veo renders {resolution} only at 8 s)")
        resolution = "720p"
    elif (width, height) != _frame(aspect, resolution):
        changes.append(f"size {size} becomes {aspect} {resolution}")
    if new_seconds != seconds:
        changes.append(f"{seconds} s becomes {new_seconds} s (Veo offers 4, 6 or 8 s)")
    note = "; ".join(changes)
    return aspect, resolution, new_seconds, _sentence("Sora to Veo", note)


def map_to_sora(
    aspect: str, resolution: str, seconds: int, model: str = "sora-2"
) -> tuple[str, int, str]:
    """Veo ``aspect``/``resolution``/``seconds`` -> Sora ``(size, seconds, note)`` for ``model``."""
    info = default_catalog().get(ProviderName.SORA, model)
    sizes = info.sizes if info is not None and info.sizes else SORA_SIZES
    allowed_seconds = info.seconds if info is not None else SORA_SECONDS
    want = _frame(aspect, resolution)
    portrait = aspect == "9:16"
    same_shape = [s for s in sizes if (parse_size(s)[1] > parse_size(s)[0]) == portrait] or list(
        sizes
    )
    size = min(same_shape, key=lambda s: (abs(min(parse_size(s)) - min(want)), s))
    new_seconds = nearest(seconds, allowed_seconds)
    changes: list[str] = []
    if parse_size(size) != want:
        changes.append(f"{aspect} {resolution} becomes {size} ({model} has no {_size(want)})")
    if new_seconds != seconds:
        offered = ", ".join(str(s) for s in allowed_seconds)
        changes.append(f"{seconds} s becomes {new_seconds} s ({model} offers {offered} s)")
    return size, new_seconds, _sentence("Veo to Sora", "; ".join(changes))


def map_to_omni(
    size: str, seconds: int, shot: tuple[str, str] | None = None
) -> tuple[str, str, int, str]:
    """A shot -> Omni ``(aspect, resolution, seconds, note)``, kept where Omni allows.

    ``shot`` is the source's own (aspect, resolution) when it has one (Veo); else the frame
    ``size`` gives the aspect and the nearest resolution. The model's own limits (durations,
    resolutions) are applied after this by the plan, with their notes.
    """
    width, height = parse_size(size)
    aspect, resolution = shot or ("9:16" if height > width else "16:9", "")
    changes: list[str] = []
    if aspect not in OMNI_ASPECTS:
        changes.append(f"aspect {aspect} becomes 16:9 (Omni renders 16:9 or 9:16)")
        aspect = "16:9"
    if resolution not in OMNI_SHORT_SIDE:
        short = min(width, height)
        resolution = min(OMNI_SHORT_SIDE, key=lambda r: (abs(OMNI_SHORT_SIDE[r] - short), r))
        if (width, height) != _frame(aspect, resolution):
            changes.append(f"size {size} becomes {aspect} {resolution}")
    return aspect, resolution, seconds, _sentence("Shot to", "; ".join(changes))


def _frame(aspect: str, resolution: str) -> tuple[int, int]:
    short = OMNI_SHORT_SIDE.get(resolution, 720)
    long = short * 16 // 9
    return (short, long) if aspect == "9:16" else (long, short)


def _size(frame: tuple[int, int]) -> str:
    return f"{frame[0]}x{frame[1]}"


def _sentence(direction: str, changes: str) -> str:
    return f"{direction}: {changes}." if changes else ""
