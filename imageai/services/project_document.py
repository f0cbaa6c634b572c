"""`ProjectDocument`: the open project, its folder and unsaved state, changed only on the GUI thread."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from imageai.core import project_store
from imageai.core.errors import ValidationError
from imageai.core.ledger import LEDGER_NAME, Ledger, ledger_for
from imageai.core.project_lock import holding_project
from imageai.services.save_writer import SaveWriter

if TYPE_CHECKING:
    import threading
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


@dataclass(frozen=True)
class _Written:
    """A background save that ended: where, which edits it held, and the file it made."""

    folder: Path
    edits: int
    stamp: _Stamp | None


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
        save_failed(Exception): a `save_later` write failed (reported on the GUI thread)
        document_replaced(): another project was opened in this document (New / Open)
        settling(): `settle` was called: apply now any change queued for this project
    """

    project_changed = Signal()
    document_replaced = Signal()
    scene_changed = Signal(str)
    dirty_changed = Signal(bool)
    saved = Signal(str)
    save_failed = Signal(object)
    settling = Signal()

    def __init__(
        self,
        project: Project,
        folder: Path | None = None,
        parent: QObject | None = None,
        *,
        background_saves: bool = True,
    ) -> None:
        super().__init__(parent)
        self._project = project
        self._folder = folder
        self._dirty = False
        #: project.json as this document last read or wrote it (see ``save(if_unchanged=)``).
        self._disk = _disk_stamp(folder)
        #: Counts edits that made the document dirty: a background save clears ``dirty`` only
        #: if no edit came after the state it wrote.
        self._edits = 0
        #: None: `save_later` writes at once, on the caller's thread (the command line has no
        #: event loop to keep smooth, so it keeps no writer thread either).
        self._writer: SaveWriter[_Written] | None = (
            SaveWriter(self._written, "project-save", self) if background_saves else None
        )

    @classmethod
    def open(cls, folder: Path, *, background_saves: bool = True) -> ProjectDocument:
        return cls(project_store.load(folder), folder, background_saves=background_saves)

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
        self._edited(dirty)

    def settle(self) -> None:
        """Have changes queued for this project applied now (a render applies its jobs' events
        once per pass of the event loop): an edit, an undo snapshot or a save then reads the
        project with every event received before it."""
        self.settling.emit()

    def replace(self, project: Project, folder: Path | None) -> None:
        """Hold another project (New / Open); it starts with no unsaved changes."""
        self.settle()
        self.flush()
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
        self._edited(dirty)

    def _edited(self, dirty: bool) -> None:
        if dirty:
            self._edits += 1
        self._set_dirty(dirty or self._dirty)

    def save(self, folder: Path | None = None, *, if_unchanged: bool = False) -> Path:
        """Write the project to ``folder`` (default: its own) and return where.

        Raises:
            ProjectLockedError: another process holds the project (a render saving it).
            ProjectChangedError: with ``if_unchanged`` (the user's Save), project.json changed
                on disk since this document read or wrote it: another process finished there.
        """
        self.settle()
        target = folder or self._folder
        if target is None:
            raise ValueError("the project has no folder yet; choose one with Save As")
        self.flush()  # a background save must not land after (and over) this one
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

    def save_later(self, failed: threading.Event | None = None) -> None:
        """Save the project as it is now, to its folder, on a background thread.

        For saves on the GUI thread's hot path (a render's job events): the write, fsyncs
        and backup copy run elsewhere, in order, and one asked for before the last started
        is dropped for the newer state. ``saved`` or ``save_failed`` follows on the GUI
        thread; `flush` waits for it (`save` and `replace` flush first). ``failed`` is set on
        the writer's thread as soon as a write fails, before the GUI thread hears of it.
        """
        folder = self._folder
        if folder is None:
            raise ValueError("the project has no folder yet; choose one with Save As")
        project, edits = self._project, self._edits  # frozen: safe to hand to another thread

        def write() -> _Written:
            try:
                with holding_project(folder, "save"):
                    project_store.save(project, folder)
                    return _Written(folder, edits, _disk_stamp(folder))
            except Exception:
                if failed is not None:
                    failed.set()
                raise

        if self._writer is None:
            outcome: _Written | Exception
            try:
                outcome = write()
            except Exception as exc:  # noqa: BLE001 - reported through save_failed, as below
                outcome = exc
            self._written(outcome)
            return
        self._writer.submit(write)

    def wait_saved(self) -> None:
        """Wait, on any thread, until the background saves asked for so far have ended (a
        job about to create waits for them: a failed one must stop it)."""
        if self._writer is not None:
            self._writer.wait_written()

    def flush(self) -> None:
        """Wait for background saves and report their outcome (``saved``/``save_failed``) now."""
        if self._writer is not None:
            self._writer.flush()

    def saving(self) -> bool:
        """A background save is queued or under way."""
        return self._writer is not None and self._writer.busy()

    def _written(self, outcome: _Written | Exception) -> None:
        if isinstance(outcome, Exception):
            self.save_failed.emit(outcome)
            return
        if outcome.folder != self._folder:
            return  # cannot happen (replace and save flush first); never mix two files' stamps
        self._disk = outcome.stamp
        if outcome.edits == self._edits:
            self._set_dirty(False)
        self.saved.emit(str(outcome.folder))

    def _set_dirty(self, dirty: bool) -> None:
        if dirty != self._dirty:
            self._dirty = dirty
            self.dirty_changed.emit(dirty)
