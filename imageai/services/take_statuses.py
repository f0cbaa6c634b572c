"""`TakeStatuses`: each scene's take status, shared by the cards and the cost summary, cached per request."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, NamedTuple, TypeAlias

from PySide6.QtCore import QObject

from imageai.core.errors import ImageAIError
from imageai.core.file_digest import stamp
from imageai.core.models import RenderState
from imageai.core.pricing import CostEstimate, as_new_takes, estimate
from imageai.core.render_plan import build_request
from imageai.core.take_state import NOT_RENDERED, TakeStatus, inputs_fingerprint, take_status

if TYPE_CHECKING:
    from pathlib import Path

    from imageai.core.catalog import Catalog
    from imageai.core.jobs import JobRequest
    from imageai.core.models import Project, ProviderName, Scene
    from imageai.services.project_document import ProjectDocument

    #: A file's path and its `stamp`, or None when it cannot be read.
    _FileStamp: TypeAlias = tuple[Path, tuple[int, ...] | None]


def _stamps(files: tuple[Path, ...]) -> tuple[_FileStamp, ...]:
    """``files`` as they are on disk: saved again in place, replaced or deleted, a file changes
    its stamp. A stat, not a read."""
    stamps: list[_FileStamp] = []
    for path in files:
        try:
            stamps.append((path, stamp(path.stat())))
        except OSError:
            stamps.append((path, None))
    return tuple(stamps)


class _Inputs(NamedTuple):
    """A scene's request now, and the files it sends."""

    #: What its take status is worked out from besides the scene: its provider and the
    #: request's `inputs_fingerprint` (what a take records), or why it cannot be built.
    key: tuple[ProviderName, str]
    #: The files the request sends, stamped before it hashed them. When it cannot be built,
    #: those the last one sent (a reference since deleted is watched for its return), or None
    #: when none was ever built: which files it needs is unknown, so it is built on each ask.
    files: tuple[_FileStamp, ...] | None


def _inputs(
    catalog: Catalog,
    project: Project,
    scene: Scene,
    folder: Path,
    files: tuple[_FileStamp, ...] | None,
) -> tuple[_Inputs, JobRequest | None]:
    """``scene``'s request now, built as a render builds it. ``files`` are stamps of the files
    it sent last time, taken before this build: they stand for this request's when it sends
    the same files (a file saved during the build then differs next time). Also the request,
    or None when it cannot be built."""
    provider = project.provider_for(scene)
    try:
        request = build_request(catalog, project, scene, folder)
    except (ImageAIError, OSError) as exc:
        return _Inputs((provider, f"{type(exc).__name__}: {exc}"), files), None
    sent = request.input_files
    if files is None or tuple(path for path, _stamp in files) != sent:
        files = _stamps(sent)
    return _Inputs((provider, inputs_fingerprint(request)), files), request


class _Known(NamedTuple):
    """A scene's status and what it was worked out from."""

    scene: Scene
    #: What else its request was built from (`TakeStatuses._status`).
    reads: tuple[object, ...]
    inputs: _Inputs
    status: TakeStatus


def _same_frame(before: Project, after: Project) -> bool:
    """The same scenes in the same order under the same project-wide settings: each scene's
    estimate row is then its own business."""
    return (
        before.provider == after.provider
        and before.settings == after.settings
        and len(before.scenes) == len(after.scenes)
        and all(a.id == b.id for a, b in zip(before.scenes, after.scenes, strict=True))
    )


#: Project fields a request may carry but no render fingerprint reads, blanked before the
#: status cache compares a project's own fields: renaming a project or changing its budget
#: re-builds none of its requests (81 ms at 500 rendered scenes). A test checks that each
#: really leaves the fingerprint as it was.
UNRENDERED_FIELDS: dict[str, object] = {"title": "", "budget_usd": None}


class Priced(NamedTuple):
    """A project's changed scenes and its estimate with them priced as the new takes Render
    offers: what the cards and the cost line both show."""

    changed: dict[str, TakeStatus]
    estimate: CostEstimate


class _Last(NamedTuple):
    """The last `TakeStatuses.priced` answer and what it was worked out from."""

    project: Project
    changed: dict[str, TakeStatus]
    day: date
    #: ``project`` with its changed scenes as new takes: what ``answer.estimate`` prices.
    new_takes: Project
    answer: Priced


class TakeStatuses(QObject):
    """The document's scenes' `TakeStatus`, one per document (`of`). A status follows the
    scene's request itself (its `inputs_fingerprint`, as the take records it), so whatever
    the request is built from counts; it is worked out again only when that fingerprint
    changes. The request is built again only when what a request can read changed (the
    project's own fields, the scene, its place, the scene before it, a file it sends; a
    request that read another scene would have to be added there), not per paint or label."""

    def __init__(self, document: ProjectDocument, catalog: Catalog) -> None:
        super().__init__(document)  # lives and dies with the document
        self._doc = document
        self._catalog = catalog
        #: scene id -> its status and what it was worked out from.
        self._cache: dict[str, _Known] = {}
        #: The last project asked about and its `_own_fields`.
        self._own: tuple[Project, Project] | None = None
        self._last: _Last | None = None

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
        previous = project.scenes[index - 1] if index > 0 else None
        return self._status(project, self._own_fields(project), index, previous, scene)

    def changed(self, project: Project | None = None) -> dict[str, TakeStatus]:
        """The changed scenes of ``project`` (default the document's), by id; forgets the
        statuses of scenes no longer in it."""
        project = self._doc.project if project is None else project
        ids = {s.id for s in project.scenes}
        for gone in [i for i in self._cache if i not in ids]:
            del self._cache[gone]
        own = self._own_fields(project)
        found: dict[str, TakeStatus] = {}
        previous: Scene | None = None
        for index, scene in enumerate(project.scenes):
            if scene.state is RenderState.DONE:
                status = self._status(project, own, index, previous, scene)
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
        last = self._last
        if (
            last is not None
            and last.project is project
            and last.changed == changed
            and last.day == today  # a model's retirement is dated
        ):
            return last.answer
        new_takes = as_new_takes(project, changed) if changed else project
        answer = Priced(changed, self._estimate(new_takes, today))
        self._last = _Last(project, changed, today, new_takes, answer)
        return answer

    def _estimate(self, new_takes: Project, today: date) -> CostEstimate:
        """The estimate of ``new_takes``, reusing the last one's rows for the scenes that did
        not change (a row depends on the project's provider and settings, its scene and its
        number; the day is in it through a model's retirement)."""
        last = self._last
        if last is None or last.day != today or not _same_frame(last.new_takes, new_takes):
            return estimate(new_takes, catalog=self._catalog)
        rows = last.answer.estimate
        stale = [
            new.id
            for old, new in zip(last.new_takes.scenes, new_takes.scenes, strict=True)
            if old is not new and old != new
        ]
        if not stale:
            return rows
        if len(stale) * 2 > len(new_takes.scenes):
            return estimate(new_takes, catalog=self._catalog)
        fresh = {row.id: row for row in estimate(new_takes, stale, self._catalog).scenes}
        return rows.model_copy(update={"scenes": tuple(fresh.get(r.id, r) for r in rows.scenes)})

    def _own_fields(self, project: Project) -> Project:
        """``project`` without its scenes: its own fields, which any request may read, less
        those no render fingerprint reads (`UNRENDERED_FIELDS`). The same object while they
        are equal, so each scene compares it by identity."""
        last = self._own
        if last is not None and last[0] is project:
            return last[1]
        own = project.model_copy(update={"scenes": (), **UNRENDERED_FIELDS})
        if last is not None and last[1] == own:
            own = last[1]
        self._own = (project, own)
        return own

    def _status(
        self, project: Project, own: Project, index: int, previous: Scene | None, scene: Scene
    ) -> TakeStatus:
        """The status of ``scene``, at ``index`` of ``project`` (whose `_own_fields` are
        ``own``) after ``previous``. Its request is built again only when something it can be
        built from changed: the project's own fields, the scene, its place and the scene before
        it (its prompt is continued, its clip extended), a file it sends, the folder, the day
        (a model's retirement); its status is worked out again only when the request's
        fingerprint changed."""
        folder = self._doc.folder
        if folder is None:
            return NOT_RENDERED
        reads = (own, index, previous, folder, date.today())
        known = self._cache.get(scene.id)
        sent = None if known is None else known.inputs.files
        now = None if sent is None else _stamps(tuple(path for path, _stamp in sent))
        if known is not None and known.scene is not scene:
            known = None  # an edited scene: its status is worked out anew
        files_kept = now is not None and now == sent  # none saved again, replaced or deleted
        if known is not None and files_kept and known.reads == reads:
            return known.status  # the same request as last time
        inputs, request = _inputs(self._catalog, project, scene, folder, now)
        if known is not None and known.inputs.key == inputs.key:
            status = known.status  # another request, the same render (e.g. a new title)
        else:
            status = take_status(self._catalog, project, scene, folder, request)
        self._cache[scene.id] = _Known(scene, reads, inputs, status)
        return status
