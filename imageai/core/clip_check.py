"""Is a downloaded clip what was paid for: a whole MP4 whose video decodes, of the promised length."""

from __future__ import annotations

import logging
import os
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict

from imageai.core.errors import ErrorKind, NetworkError, ProviderError
from imageai.core.jobs import SourceMode
from imageai.core.media import MediaError, decode_video, mp4_layout, probe
from imageai.core.models import ProviderName

if TYPE_CHECKING:
    from pathlib import Path

    from imageai.core.jobs import JobRequest, SourceClip

log = logging.getLogger(__name__)

#: How far a clip's length may be from the promised one (seconds).
TOLERANCE_S = 0.5
#: Where a clip that failed every check is kept, inside ``clips/``.
REJECTED_DIR = ".rejected"
#: Omni extend: the extension is joined onto at most this much of the input (Google's
#: "Extend videos" page for the Agent Platform); the Gemini API caps the whole output at 30 s.
OMNI_EXTEND_INPUT_MAX_S = 30.0
OMNI_GEMINI_API_TOTAL_MAX_S = 30.0


class ClipCheckError(NetworkError):
    """A downloaded clip failed a check; fetching it again may help (never creating it again).

    Attributes:
        resumable: bytes are missing at the end, so a ``Range`` request can finish the file;
            otherwise what arrived is garbage and the next fetch starts from byte 0.
    """

    kind = ErrorKind.BAD_CLIP

    def __init__(self, message: str, *, resumable: bool = False, detail: str = "") -> None:
        super().__init__(message, detail=detail)
        self.resumable = resumable


class BadClipError(ProviderError):
    """A paid clip failed its check on every fetch. The job stays open (the ledger has no
    ``downloaded`` or ``failed`` line for it), so Retry downloads it again instead of paying.

    Attributes:
        kept: where what arrived was moved (``clips/.rejected/<name>``), or None.
    """

    kind = ErrorKind.BAD_CLIP
    final = True

    def __init__(self, message: str, *, kept: Path | None, detail: str = "") -> None:
        super().__init__(message, detail=detail)
        self.kept = kept


class ExpectedClip(BaseModel):
    """What a clip must be: its length within one of ``ranges`` (seconds, inclusive)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    ranges: tuple[tuple[float, float], ...]
    #: The provider job, named in the error so the user sees it is kept.
    job_id: str | None = None

    @classmethod
    def around(cls, *seconds: float, job_id: str | None = None) -> ExpectedClip:
        values = sorted(set(seconds))
        return cls(ranges=tuple((s - TOLERANCE_S, s + TOLERANCE_S) for s in values), job_id=job_id)

    def accepts(self, seconds: float) -> bool:
        return any(low <= seconds <= high for low, high in self.ranges)

    def describe(self) -> str:
        def one(low: float, high: float) -> str:
            if high - low <= 2 * TOLERANCE_S + 1e-9:
                return f"{(low + high) / 2:g} s"
            return f"{low + TOLERANCE_S:g}-{high - TOLERANCE_S:g} s"

        return " or ".join(one(low, high) for low, high in self.ranges)


def expected_clip(request: JobRequest, job_id: str | None = None) -> ExpectedClip:
    """The length each provider promises for ``request``: the one place that knows.

    The animatic renders exactly ``seconds``; Sora and other ``/v1/videos`` servers, Veo (4, 6
    or 8 s) and Omni generate ``seconds``. Omni is the exception for an earlier clip: an edit
    keeps the source's length, and an extend returns the source (its last 30 s at most) with
    the new seconds joined on (Google's "Extend videos" page; the Gemini API caps the whole at
    30 s). The request's ``seconds`` stays accepted there too, in case only the new part comes.
    """
    seconds = float(request.spec.seconds)
    source = request.source
    if request.provider is not ProviderName.OMNI or source is None:
        return ExpectedClip.around(seconds, job_id=job_id)
    source_s = _source_seconds(source)
    if source.mode is SourceMode.EDIT:
        extra = () if source_s is None else (source_s,)
        return ExpectedClip.around(seconds, *extra, job_id=job_id)
    if source_s is None:  # the source is known only by its job id: any input length fits
        high = seconds + OMNI_EXTEND_INPUT_MAX_S + TOLERANCE_S
        return ExpectedClip(ranges=((seconds - TOLERANCE_S, high),), job_id=job_id)
    joined = min(source_s, OMNI_EXTEND_INPUT_MAX_S) + seconds
    capped = min(source_s + seconds, OMNI_GEMINI_API_TOTAL_MAX_S)
    return ExpectedClip.around(seconds, joined, capped, job_id=job_id)


def _source_seconds(source: SourceClip) -> float | None:
    if source.clip_path is None or not source.clip_path.is_file():
        return None
    try:
        return round(probe(source.clip_path).duration, 3)
    except MediaError:
        return None


def check_clip(path: Path, expect: ExpectedClip | None) -> None:
    """Raise `ClipCheckError` unless ``path`` is a whole MP4 with ``moov`` and ``mdat``, whose
    first video track decodes to its last frame, and (given ``expect``) of the promised length.
    """
    layout = mp4_layout(path)
    if layout.truncated:
        # A body cut short with no Content-Length still starts with ``ftyp``: only the box
        # sizes show bytes are missing. A resumable download continues from here.
        raise ClipCheckError("The video arrived cut short; fetching the rest.", resumable=True)
    if not layout.whole:
        raise ClipCheckError("The downloaded file is not an MP4 video.", detail=str(path))
    missing = [box for box in ("moov", "mdat") if box not in layout.boxes]
    if missing:
        raise ClipCheckError(
            f"The video file has no {' or '.join(missing)} box, so it cannot play.",
            detail=f"boxes: {', '.join(layout.boxes)}",
        )
    try:
        report = decode_video(path)
    except MediaError as exc:
        raise ClipCheckError(f"The video could not be checked: {exc}") from exc
    if report.frames == 0 or report.error:
        raise ClipCheckError(
            "The video track does not decode (the file is damaged).",
            detail=report.error or "no frame decoded",
        )
    if expect is not None and not expect.accepts(report.seconds):
        raise ClipCheckError(
            f"The video is {report.seconds:.2f} s long, not the {expect.describe()} asked for.",
            detail=f"{report.frames} frames",
        )


def reject_clip(tmp: Path, dest: Path) -> Path | None:
    """Move what arrived to ``clips/.rejected/<name>`` (numbered if taken); None if it cannot."""
    if not tmp.is_file() or tmp.stat().st_size == 0:
        return None
    folder = dest.parent / REJECTED_DIR
    try:
        if folder.is_symlink():  # a received project's link must not carry files elsewhere
            return None
        folder.mkdir(exist_ok=True)
        target = folder / dest.name
        n = 1
        while target.exists() or target.is_symlink():
            target = folder / f"{dest.stem}.{n}{dest.suffix}"
            n += 1
        os.replace(tmp, target)
    except OSError as exc:
        log.warning("could not keep the rejected clip %s: %s", tmp, exc)
        return None
    return target


def give_up(
    tmp: Path, dest: Path, last: ClipCheckError, tries: int, expect: ExpectedClip | None
) -> BadClipError:
    """The error after the last fetch failed its check; what arrived is moved aside first."""
    kept = reject_clip(tmp, dest)
    job = expect.job_id if expect is not None and expect.job_id else None
    where = (
        f"What arrived is kept at {dest.parent.name}/{REJECTED_DIR}/{kept.name}."
        if kept is not None
        else "What arrived could not be kept."
    )
    message = (
        f"The clip {dest.name} failed its check after {tries} downloads: {last.user_message} "
        f"Nothing was paid again: the job{f' {job}' if job else ''} is kept, so Retry "
        f"downloads it again. {where}"
    )
    detail = "; ".join(part for part in (last.detail, str(kept or ""), job or "") if part)
    return BadClipError(message, kept=kept, detail=detail)
