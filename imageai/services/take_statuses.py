"""`TakeStatuses`: each scene's take status, shared by the cards and the cost summary, cached per input."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any, NamedTuple

from PySide6.QtCore import QObject

from imageai.core.file_digest import stamp
from imageai.core.models import RenderState
from imageai.core.pricing import CostEstimate, estimate
from imageai.core.take_state import NOT_RENDERED, TakeStatus, take_status

if TYPE_CHECKING:
    from collections.abc import Collection
    from pathlib import Path

    from imageai.core.catalog import Catalog
    from imageai.core.models import Project, Scene
    from imageai.services.project_document import ProjectDocument


def _file_stamps(scene: Scene, folder: Path) -> tuple[Any, ...]:
    """The scene's image files as they are on disk (the request hashes their bytes): a file
    saved again in place, replaced or deleted changes its stamp. A stat, not a read."""
    stamps: list[Any] = []
    for relative in (scene.reference_image, scene.last_frame_image, *scene.extra_reference_images):
        if relative is None:
            continue
        try:
            st = (folder / relative).stat()
        except OSError:
            stamps.append((relative, None))
            continue
        stamps.append((relative, *stamp(st)))
    return tuple(stamps)


def render_inputs(
    project: Project, scene: Scene, previous: Scene | None, folder: Path
) -> tuple[Any, ...]:
    """What, besides ``scene`` itself, its request is built from: its provider and that
    provider's settings (another provider's settings leave it alone), the style, chaining, of
    the scene before (``previous``) its prompt (it continues into this one) and finished clip
    (an extend's source), not its progress; and the stamps of the images it references."""
    before = (
        None
        if previous is None
        else (
            previous.id,
            previous.prompt,
            previous.state is RenderState.DONE,
            previous.clip_path,
            previous.job_id,
        )
    )
    return (
        folder,
        project.provider_for(scene),
        project.settings_for(scene),
        project.style,
        project.chain_scenes,
        before,
        _file_stamps(scene, folder),
    )


def as_new_takes(project: Project, scene_ids: Collection[str]) -> Project:
    """``project`` with the done scenes among ``scene_ids`` priced as new creates (as the
    render planner prices a render again: the estimate counts a done scene as $0 more)."""
    scenes = tuple(
        s.model_copy(update={"state": RenderState.PENDING})
        if s.id in scene_ids and s.state is RenderState.DONE
        else s
        for s in project.scenes
    )
    return project.model_copy(update={"scenes": scenes})


def _same_frame(before: Project, after: Project) -> bool:
    """The same scenes in the same order under the same project-wide settings: each scene's
    estimate row is then its own business."""
    return (
        before.provider == after.provider
        and before.settings == after.settings
        and len(before.scenes) == len(after.scenes)
        and all(a.id == b.id for a, b in zip(before.scenes, after.scenes, strict=True))
    )


class Priced(NamedTuple):
    """A project's changed scenes and its estimate with them priced as the new takes Render
    offers: what the cards and the cost line both show."""

    changed: dict[str, TakeStatus]
    estimate: CostEstimate


class TakeStatuses(QObject):
    """The document's scenes' `TakeStatus`, one per document (`of`): building a request hashes
    references, so a status is computed once per change of its scene or inputs, not per paint
    or per label."""

    def __init__(self, document: ProjectDocument, catalog: Catalog) -> None:
        super().__init__(document)  # lives and dies with the document
        self._doc = document
        self._catalog = catalog
        #: scene id -> (scene, its `render_inputs`, status).
        self._cache: dict[str, tuple[Scene, tuple[Any, ...], TakeStatus]] = {}
        #: The last `priced` answer and what it was computed from (project, changed, day).
        self._priced: tuple[Project, dict[str, TakeStatus], date, Priced] | None = None
        #: The last estimate, of the project priced as new takes, and its day.
        self._estimated: tuple[Project, date, CostEstimate] | None = None

    @classmethod
    def of(cls, document: ProjectDocument, catalog: Catalog) -> TakeStatuses:
        """The document's statuses, made on first use (the storyboard and the costs share it)."""
        found = document.findChild(cls)
        return found if isinstance(found, cls) else cls(document, catalog)

    def status(self, scene: Scene, project: Project | None = None) -> TakeStatus:
        """Whether ``scene`` of ``project`` (default the document's) changed since its take."""
        project = self._doc.project if project is None else project
        if scene.state is not RenderState.DONE:
            return NOT_RENDERED
        index = project.index_of(scene.id)
        return self._status(project, scene, project.scenes[index - 1] if index > 0 else None)

    def changed(self, project: Project | None = None) -> dict[str, TakeStatus]:
        """The changed scenes of ``project`` (default the document's), by id; forgets the
        statuses of scenes no longer in it."""
        project = self._doc.project if project is None else project
        ids = {s.id for s in project.scenes}
        for gone in [i for i in self._cache if i not in ids]:
            del self._cache[gone]
        found: dict[str, TakeStatus] = {}
        previous: Scene | None = None
        for scene in project.scenes:
            if scene.state is RenderState.DONE:
                status = self._status(project, scene, previous)
                if status.changed:
                    found[scene.id] = status
            previous = scene
        return found

    def priced(self, project: Project | None = None) -> Priced:
        """``project`` (default the document's) priced once for the storyboard's cards and the
        cost line: estimating 500 scenes takes ~10 ms, and both ask after every change. The
        statuses are checked again on each call (a reference saved again in place changes
        them); only the scenes that differ from the last estimate's are priced again."""
        project = self._doc.project if project is None else project
        changed = self.changed(project)
        today = date.today()
        last = self._priced
        if last is not None and last[0] is project and last[1] == changed and last[2] == today:
            return last[3]
        priced = as_new_takes(project, changed) if changed else project
        answer = Priced(changed, self._estimate(priced, today))
        self._priced = (project, changed, today, answer)
        self._estimated = (priced, today, answer.estimate)
        return answer

    def _estimate(self, priced: Project, today: date) -> CostEstimate:
        """The estimate of ``priced``, reusing the last one's rows for the scenes that did not
        change (a row depends on the project's provider and settings, its scene and its
        number; the day is in it through a model's retirement)."""
        last = self._estimated
        if last is None or last[1] != today or not _same_frame(last[0], priced):
            return estimate(priced, catalog=self._catalog)
        before, _today, rows = last
        stale = [
            new.id
            for old, new in zip(before.scenes, priced.scenes, strict=True)
            if old is not new and old != new
        ]
        if not stale:
            return rows
        if len(stale) * 2 > len(priced.scenes):
            return estimate(priced, catalog=self._catalog)
        fresh = {row.id: row for row in estimate(priced, stale, self._catalog).scenes}
        return rows.model_copy(update={"scenes": tuple(fresh.get(r.id, r) for r in rows.scenes)})

    def _status(self, project: Project, scene: Scene, previous: Scene | None) -> TakeStatus:
        folder = self._doc.folder
        if scene.state is not RenderState.DONE or folder is None:
            return NOT_RENDERED
        inputs = render_inputs(project, scene, previous, folder)
        cached = self._cache.get(scene.id)
        if cached is not None and cached[0] is scene and cached[1] == inputs:
            return cached[2]
        status = take_status(self._catalog, project, scene, folder)
        self._cache[scene.id] = (scene, inputs, status)
        return status
