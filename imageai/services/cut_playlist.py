"""The cut as it plays: the chosen take of each scene in storyboard order, and the timeline's
block geometry (no Qt)."""

from __future__ import annotations

from bisect import bisect_right
from typing import TYPE_CHECKING, NamedTuple

from imageai.core.models import RenderState
from imageai.core.shot import resolve

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

    from imageai.core.models import Project, Scene


def chosen_clip(scene: Scene, folder: Path | None) -> Path | None:
    """The clip of the take the cut uses (what the assembly joins), or None when the scene
    has no finished take or the project has no folder yet.

    A scene rendering again, or whose render again failed or was cancelled, keeps its chosen
    take in the cut until a new one replaces it: a failed new take never loses the old one.
    """
    if not scene.clip_path or folder is None:
        return None
    if scene.state is not RenderState.DONE and not any(
        take.clip_path == scene.clip_path for take in scene.takes
    ):
        return None
    return folder / scene.clip_path


class CutEntry(NamedTuple):
    """One scene of the cut: its row, what plays and for how long the timeline shows it."""

    row: int
    scene_id: str
    clip: Path | None
    seconds: float
    thumbnail: Path | None


def cut_entries(project: Project, folder: Path | None) -> list[CutEntry]:
    """Every scene in storyboard order; ``clip`` is None for a scene with no take yet."""
    entries = []
    for row, scene in enumerate(project.scenes):
        thumb = scene.thumbnail_path or scene.reference_image
        entries.append(
            CutEntry(
                row=row,
                scene_id=scene.id,
                clip=chosen_clip(scene, folder),
                seconds=float(resolve(project, scene).seconds),
                thumbnail=folder / thumb if thumb and folder is not None else None,
            )
        )
    return entries


class CutPlaylist:
    """Plays the cut from one entry to the next, skipping scenes with no take.

    Scenes without a clip are skipped, not shown as a title card: the cut then shows exactly
    what an export would join, and `skipped` names what was left out so the player can say so.
    """

    def __init__(self, entries: Sequence[CutEntry]) -> None:
        self.entries = list(entries)
        self.index: int | None = None
        self.skipped: list[CutEntry] = []

    @property
    def current(self) -> CutEntry | None:
        return None if self.index is None else self.entries[self.index]

    def start(self, row: int = 0) -> CutEntry | None:
        """The first playable entry at or after ``row``; None when nothing there has a take."""
        self.index = None
        self.skipped = []
        return self._seek(row)

    def advance(self) -> CutEntry | None:
        """The next playable entry after the current one; None at the end of the cut."""
        if self.index is None:
            return None
        return self._seek(self.index + 1)

    def _seek(self, row: int) -> CutEntry | None:
        for index in range(max(row, 0), len(self.entries)):
            if self.entries[index].clip is not None:
                self.index = index
                return self.entries[index]
            self.skipped.append(self.entries[index])
        self.index = None
        return None

    def playable(self) -> int:
        return sum(1 for e in self.entries if e.clip is not None)


class Block(NamedTuple):
    """A scene's block on the timeline, in pixels from the strip's left edge."""

    x: int
    width: int


def block_layout(
    seconds: Sequence[float], px_per_second: float, *, gap: int = 4, min_width: int = 40
) -> list[Block]:
    """One block per scene, ``px_per_second`` wide per second (at least ``min_width``), in a
    row with ``gap`` pixels between blocks."""
    blocks, x = [], gap
    for value in seconds:
        width = max(min_width, round(max(value, 0.0) * px_per_second))
        blocks.append(Block(x, width))
        x += width + gap
    return blocks


def total_width(blocks: Sequence[Block], gap: int = 4) -> int:
    return blocks[-1].x + blocks[-1].width + gap if blocks else 0


def visible_rows(blocks: Sequence[Block], left: int, right: int) -> range:
    """The rows whose block overlaps ``[left, right)``: only these are painted (500 scenes
    scroll as fast as 5)."""
    if not blocks or right <= left:
        return range(0)
    starts = [b.x for b in blocks]
    first = max(bisect_right(starts, left) - 1, 0)
    if blocks[first].x + blocks[first].width <= left:
        first += 1
    last = bisect_right(starts, right - 1)
    return range(first, max(first, last))


def row_at(blocks: Sequence[Block], x: int) -> int | None:
    """The row of the block under ``x`` (a gap is no block)."""
    rows = visible_rows(blocks, x, x + 1)
    return rows.start if len(rows) else None


def playhead_x(blocks: Sequence[Block], row: int, fraction: float) -> int:
    """Where the playhead stands ``fraction`` (0..1) of the way through block ``row``."""
    block = blocks[row]
    return block.x + round(min(max(fraction, 0.0), 1.0) * block.width)
