"""`JobKey`: what a runner job is (kind, scene, serial); the only module that reads job ids."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

#: A serial as written in a job id: ASCII digits with no leading zero, so the text round-trips,
#: and short enough that `int` takes it (Python refuses strings of over 4300 digits).
_SERIAL = re.compile(r"0|[1-9][0-9]{0,17}")


class JobKind(StrEnum):
    """Who owns a job: each kind has one owner in the `JobRegistry`."""

    RENDER = "render"
    REMIX = "remix"
    IMAGE = "image"
    EXPORT = "export"
    SAVE_AS = "save-as"


#: Kinds that name no scene and no serial: the job id is the kind's fixed text.
_FIXED = {JobKind.EXPORT: "export-cut", JobKind.SAVE_AS: "save-as"}


@dataclass(frozen=True, slots=True)
class JobKey:
    """A job's identity; ``str(key)`` is the runner job id (also a budget reservation key).

    A render is ``render-<scene>``, a remix ``remix-<scene>-<serial>``, an image job
    ``image-<serial>``; the export and Save As have one fixed id each.
    """

    kind: JobKind
    scene_id: str | None = None
    serial: int | None = None

    def __post_init__(self) -> None:
        needs_scene = self.kind in (JobKind.RENDER, JobKind.REMIX)
        needs_serial = self.kind in (JobKind.REMIX, JobKind.IMAGE)
        if needs_scene != (self.scene_id is not None) or (needs_scene and not self.scene_id):
            raise ValueError(f"a {self.kind} job key {'needs' if needs_scene else 'has no'} scene")
        if needs_serial != (self.serial is not None) or (self.serial or 0) < 0:
            raise ValueError(
                f"a {self.kind} job key {'needs' if needs_serial else 'has no'} serial"
            )

    @classmethod
    def render(cls, scene_id: str) -> JobKey:
        return cls(JobKind.RENDER, scene_id)

    @classmethod
    def remix(cls, scene_id: str, serial: int) -> JobKey:
        return cls(JobKind.REMIX, scene_id, serial)

    @classmethod
    def image(cls, serial: int) -> JobKey:
        return cls(JobKind.IMAGE, serial=serial)

    @classmethod
    def export(cls) -> JobKey:
        return cls(JobKind.EXPORT)

    @classmethod
    def save_as(cls) -> JobKey:
        return cls(JobKind.SAVE_AS)

    def __str__(self) -> str:
        if self.kind in _FIXED:
            return _FIXED[self.kind]
        if self.kind is JobKind.RENDER:
            return f"render-{self.scene_id}"
        if self.kind is JobKind.REMIX:
            return f"remix-{self.scene_id}-{self.serial}"
        return f"image-{self.serial}"

    @classmethod
    def parse(cls, job_id: str) -> JobKey | None:
        """The key whose text is ``job_id``, or None for an id of no known kind (a key check,
        the runner's own ``job-N``). Never raises; ``str(parse(s)) == s`` whenever it is a key."""
        for kind, text in _FIXED.items():
            if job_id == text:
                return cls(kind)
        head, sep, rest = job_id.partition("-")
        if not sep or not rest:
            return None
        if head == JobKind.RENDER:
            return cls.render(rest)
        if head == JobKind.IMAGE:
            return cls.image(int(rest)) if _SERIAL.fullmatch(rest) else None
        if head == JobKind.REMIX:
            scene_id, sep, serial = rest.rpartition("-")
            if sep and scene_id and _SERIAL.fullmatch(serial):
                return cls.remix(scene_id, int(serial))
        return None


def kind_of(job_id: str) -> JobKind | None:
    key = JobKey.parse(job_id)
    return None if key is None else key.kind


def render_scene(job_id: str) -> str | None:
    """The scene a render job renders, or None when ``job_id`` is not a render."""
    key = JobKey.parse(job_id)
    return key.scene_id if key is not None and key.kind is JobKind.RENDER else None
