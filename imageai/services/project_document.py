"""`ProjectDocument`: the open project, its folder and unsaved state, changed only on the GUI thread."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from imageai.core import project_store
from imageai.core.errors import ValidationError
from imageai.core.ledger import LEDGER_NAME, Ledger, ledger_for
from imageai.core.project_lock import holding_project

if TYPE_CHECKING:
    from pathlib import Path

    from imageai.core.models import Project, Scene


#: ``(inode, size, mtime_ns)`` of a project.json: an atomic save always makes a new inode.
_Stamp = tuple[int, int, int]


def _disk_stamp(folder: Path | None) -> _Stamp | None:
    if folder is None:
        return None
    try:
        st = project_store.project_file(folder).stat()
    except OSError:
        return None
    return (st.st_ino, st.st_size, st.st_mtime_ns)


class ProjectChangedError(ValidationError):
    """project.json changed on disk since this document read or wrote it."""

    def __init__(self, folder: Path) -> None:
        super().__init__(
            "project",
            f"{project_store.project_file(folder)} was changed by another ImageAI process since "
            "it was opened here (a render or a command there saved it); saving now would undo "
            "that, and a render could pay again for scenes it finished. Reopen the project to "
            "see its changes, or use Save As to keep this version elsewhere.",
        )


class ProjectDocument(QObject):
    """Holds the current `Project`; every edit goes through here.

    Signals:
        project_changed(): any change (scenes, settings, title)
        scene_changed(scene_id): one scene's fields changed
        dirty_changed(bool)
        saved(path)
        document_replaced(): another project was opened in this document (New / Open)
    """

    project_changed = Signal()
    document_replaced = Signal()
    scene_changed = Signal(str)
    dirty_changed = Signal(bool)
    saved = Signal(str)

    def __init__(
        self, project: Project, folder: Path | None = None, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._project = project
        self._folder = folder
        self._dirty = False
        #: project.json as this document last read or wrote it (see ``save(if_unchanged=)``).
        self._disk = _disk_stamp(folder)

    @classmethod
    def open(cls, folder: Path) -> ProjectDocument:
        return cls(project_store.load(folder), folder)

    @property
    def project(self) -> Project:
        return self._project

    @property
    def folder(self) -> Path | None:
        return self._folder

    @property
    def dirty(self) -> bool:
        return self._dirty

    def ledger(self) -> Ledger | None:
        return ledger_for(self._folder / LEDGER_NAME) if self._folder else None

    def set_project(self, project: Project, *, dirty: bool = True) -> None:
        if project == self._project:
            return
        self._project = project
        self.project_changed.emit()
        self._set_dirty(dirty or self._dirty)

    def replace(self, project: Project, folder: Path | None) -> None:
        """Hold another project (New / Open); it starts with no unsaved changes."""
        self._project = project
        self._folder = folder
        self._disk = _disk_stamp(folder)
        self.document_replaced.emit()
        self.project_changed.emit()
        self._set_dirty(False)

    def replace_scene(self, scene: Scene, *, dirty: bool = True) -> None:
        if self._project.scene(scene.id) == scene:
            return
        self._project = self._project.with_scene(scene)
        self.scene_changed.emit(scene.id)
        self.project_changed.emit()
        self._set_dirty(dirty or self._dirty)

    def save(self, folder: Path | None = None, *, if_unchanged: bool = False) -> Path:
        """Write the project to ``folder`` (default: its own) and return where.

        Raises:
            ProjectLockedError: another process holds the project (a render saving it).
            ProjectChangedError: with ``if_unchanged`` (the user's Save), project.json changed
                on disk since this document read or wrote it: another process finished there.
        """
        target = folder or self._folder
        if target is None:
            raise ValueError("the project has no folder yet; choose one with Save As")
        # A render in another process saves the project as it goes: refused (ProjectLockedError,
        # an ImageAIError the window shows), never written over. This app's own render holds
        # the lock already, and the count lets it through.
        with holding_project(target, "save"):
            if if_unchanged and target == self._folder and _disk_stamp(target) != self._disk:
                raise ProjectChangedError(target)
            project_store.save(self._project, target)
            self._disk = _disk_stamp(target)
        self._folder = target
        self._set_dirty(False)
        self.saved.emit(str(target))
        return target

    def _set_dirty(self, dirty: bool) -> None:
        if dirty != self._dirty:
            self._dirty = dirty
            self.dirty_changed.emit(dirty)
