"""Undoable storyboard edits: each is a `QUndoCommand` that changes the `ProjectDocument`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from imageai.core.models import Project, ProviderName, ProviderSettingsT, Scene, new_scene_id
from imageai.core.takes import choose_take, current_take, list_takes

if TYPE_CHECKING:
    from imageai.services.project_document import ProjectDocument

#: Fields an edit may change; render state is the render controller's business, never undone.
EDITABLE_FIELDS = frozenset(
    {
        "prompt",
        "duration",
        "reference_image",
        "last_frame_image",
        "extra_reference_images",
        "fit",
        "provider",
        "provider_settings",
        "audio_direction",
        "continuity",
    }
)
#: What choosing a take changes: the clip the scene shows and how it was made.
TAKE_FIELDS = ("job_id", "clip_path", "thumbnail_path", "rendered_prompt", "state", "error")
_MERGE_PROMPT = 1001


def _with_scenes(project: Project, scenes: list[Scene]) -> Project:
    return project.model_copy(update={"scenes": tuple(scenes)})


class _DocCommand(QUndoCommand):
    def __init__(self, editor: StoryboardEditor, text: str) -> None:
        super().__init__(text)
        self._editor = editor
        # What a command keeps to undo (a deleted scene, a take's fields) must include the
        # render events already received, not yet applied.
        editor.document.settle()

    @property
    def doc(self) -> ProjectDocument:
        document = self._editor.document
        document.settle()
        return document


class InsertScenesCommand(_DocCommand):
    """Insert scenes at rows (each row counted in the final order)."""

    def __init__(self, editor: StoryboardEditor, rows_scenes: list[tuple[int, Scene]], text: str):
        super().__init__(editor, text)
        self._items = sorted(rows_scenes, key=lambda item: item[0])

    def redo(self) -> None:
        scenes = list(self.doc.project.scenes)
        for row, scene in self._items:
            scenes.insert(min(row, len(scenes)), scene)
        self.doc.set_project(_with_scenes(self.doc.project, scenes))
        self._editor.select([s.id for _, s in self._items])

    def undo(self) -> None:
        ids = {s.id for _, s in self._items}
        self.doc.set_project(
            _with_scenes(self.doc.project, [s for s in self.doc.project.scenes if s.id not in ids])
        )
        self._editor.select([])


class RemoveScenesCommand(_DocCommand):
    def __init__(self, editor: StoryboardEditor, scene_ids: list[str]) -> None:
        noun = "scene" if len(scene_ids) == 1 else f"{len(scene_ids)} scenes"
        super().__init__(editor, f"Delete {noun}")
        self._ids = set(scene_ids)
        self._removed: list[tuple[int, Scene]] = []

    def redo(self) -> None:
        project = self.doc.project
        # Keep the scenes as they are now (a render may have finished since), to put back on undo.
        self._removed = [(i, s) for i, s in enumerate(project.scenes) if s.id in self._ids]
        self.doc.set_project(
            _with_scenes(project, [s for s in project.scenes if s.id not in self._ids])
        )
        self._editor.select([])

    def undo(self) -> None:
        scenes = list(self.doc.project.scenes)
        for row, scene in self._removed:
            scenes.insert(min(row, len(scenes)), scene)
        self.doc.set_project(_with_scenes(self.doc.project, scenes))
        self._editor.select([s.id for _, s in self._removed])


class MoveScenesCommand(_DocCommand):
    """Move scenes (kept in their relative order) so they start at ``row`` of the old order."""

    def __init__(self, editor: StoryboardEditor, scene_ids: list[str], row: int) -> None:
        super().__init__(editor, "Move scenes" if len(scene_ids) > 1 else "Move scene")
        self._ids = scene_ids
        self._row = row
        self._before: list[str] = []

    def redo(self) -> None:
        project = self.doc.project
        self._before = [s.id for s in project.scenes]
        moving = [s for s in project.scenes if s.id in self._ids]
        row = self._row - sum(1 for s in project.scenes[: self._row] if s.id in self._ids)
        rest = [s for s in project.scenes if s.id not in self._ids]
        self.doc.set_project(_with_scenes(project, rest[:row] + moving + rest[row:]))
        self._editor.select(self._ids)

    def undo(self) -> None:
        by_id = {s.id: s for s in self.doc.project.scenes}
        order = [by_id[i] for i in self._before if i in by_id]
        order += [s for s in self.doc.project.scenes if s.id not in self._before]
        self.doc.set_project(_with_scenes(self.doc.project, order))
        self._editor.select(self._ids)


class EditSceneCommand(_DocCommand):
    """Change some fields of one scene; consecutive prompt edits merge into one undo step."""

    def __init__(self, editor: StoryboardEditor, scene_id: str, changes: dict[str, Any]) -> None:
        super().__init__(editor, f"Edit {', '.join(sorted(changes))}")
        unknown = set(changes) - EDITABLE_FIELDS
        if unknown:
            raise ValueError(f"not editable: {sorted(unknown)}")
        scene = editor.document.project.scene(scene_id)
        self.scene_id = scene_id
        self.new = dict(changes)
        self.old = {name: getattr(scene, name) for name in changes}

    def id(self) -> int:
        return _MERGE_PROMPT if set(self.new) == {"prompt"} else -1

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, EditSceneCommand) or other.scene_id != self.scene_id:
            return False
        self.new.update(other.new)
        return True

    def _apply(self, values: dict[str, Any]) -> None:
        try:
            self.doc.set_project(self.doc.project.update_scene(self.scene_id, **values))
        except KeyError:
            return  # the scene was deleted by a later command that is not undone
        self._editor.scene_edited.emit(self.scene_id)

    def redo(self) -> None:
        self._apply(self.new)

    def undo(self) -> None:
        self._apply(self.old)


class ChooseTakeCommand(_DocCommand):
    """Make take ``number`` the scene's clip; undo shows the clip it showed before."""

    def __init__(self, editor: StoryboardEditor, scene_id: str, number: int) -> None:
        super().__init__(editor, f"Choose take {number}")
        scene = editor.document.project.scene(scene_id)
        self.scene_id = scene_id
        self.number = number
        chosen = choose_take(scene, number)  # raises ValidationError before the push
        self.new = {name: getattr(chosen, name) for name in TAKE_FIELDS}
        self.old = {name: getattr(scene, name) for name in TAKE_FIELDS}

    def _apply(self, values: dict[str, Any]) -> None:
        try:
            scene = self.doc.project.scene(self.scene_id)
        except KeyError:
            return
        # The takes list itself is left alone: takes added since are never lost by an undo.
        takes = list_takes(scene)
        self.doc.replace_scene(scene.model_copy(update={**values, "takes": takes}))
        self._editor.scene_edited.emit(self.scene_id)

    def redo(self) -> None:
        self._apply(self.new)

    def undo(self) -> None:
        self._apply(self.old)


class SetProjectFieldsCommand(_DocCommand):
    """Change project-level fields (provider, per-provider settings, title, style, budget)."""

    def __init__(self, editor: StoryboardEditor, changes: dict[str, Any], text: str) -> None:
        super().__init__(editor, text)
        project = editor.document.project
        self.new = dict(changes)
        self.old = {name: getattr(project, name) for name in changes}

    def redo(self) -> None:
        self.doc.set_project(self.doc.project.model_copy(update=self.new))

    def undo(self) -> None:
        self.doc.set_project(self.doc.project.model_copy(update=self.old))


class StoryboardEditor(QObject):
    """Every user edit of the storyboard goes through here, onto one undo stack.

    Signals:
        selection_requested(scene_ids): the scenes a command touched, for the view to select
        scene_edited(scene_id)
    """

    selection_requested = Signal(list)
    scene_edited = Signal(str)

    def __init__(self, document: ProjectDocument, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.undo_stack = QUndoStack(self)

    def select(self, scene_ids: list[str]) -> None:
        self.selection_requested.emit(list(scene_ids))

    def reset(self, document: ProjectDocument) -> None:
        """Edit another document; the old history does not apply to it."""
        self.document = document
        self.undo_stack.clear()

    def add_scene(self, row: int | None = None, prompt: str = "") -> str:
        row = len(self.document.project.scenes) if row is None else row
        scene = Scene(prompt=prompt)
        self.undo_stack.push(InsertScenesCommand(self, [(row, scene)], "Add scene"))
        return scene.id

    def add_scenes(self, scenes: list[Scene], text: str = "Import scenes") -> None:
        start = len(self.document.project.scenes)
        items = [(start + i, s) for i, s in enumerate(scenes)]
        self.undo_stack.push(InsertScenesCommand(self, items, text))

    def duplicate(self, scene_ids: list[str]) -> list[str]:
        project = self.document.project
        chosen = [(i, s) for i, s in enumerate(project.scenes) if s.id in scene_ids]
        if not chosen:
            return []
        copies = [_fresh_copy(s) for _, s in chosen]
        # Each copy goes right after its original; rows count the copies inserted before it.
        items = [(i + 1 + n, c) for n, ((i, _), c) in enumerate(zip(chosen, copies, strict=True))]
        self.undo_stack.push(InsertScenesCommand(self, items, "Duplicate"))
        return [c.id for c in copies]

    def delete(self, scene_ids: list[str]) -> None:
        if scene_ids:
            self.undo_stack.push(RemoveScenesCommand(self, scene_ids))

    def move(self, scene_ids: list[str], row: int) -> None:
        current = [s.id for s in self.document.project.scenes]
        ids = [i for i in current if i in scene_ids]
        if ids:
            self.undo_stack.push(MoveScenesCommand(self, ids, row))

    def edit_scene(self, scene_id: str, **changes: Any) -> None:
        scene = self.document.project.scene(scene_id)
        changes = {k: v for k, v in changes.items() if getattr(scene, k) != v}
        if changes:
            self.undo_stack.push(EditSceneCommand(self, scene_id, changes))

    def choose_take(self, scene_id: str, number: int) -> None:
        """Show take ``number`` (1-based); raises `ValidationError` if there is no such take."""
        if current_take(self.document.project.scene(scene_id)) != number:
            self.undo_stack.push(ChooseTakeCommand(self, scene_id, number))

    def set_provider(self, provider: ProviderName) -> None:
        if provider != self.document.project.provider:
            self.undo_stack.push(
                SetProjectFieldsCommand(self, {"provider": provider}, f"Use {provider.value}")
            )

    def set_provider_settings(self, provider: ProviderName, settings: ProviderSettingsT) -> None:
        current = self.document.project.settings
        if current.for_provider(provider) == settings:
            return
        updated = current.model_copy(update={provider.value: settings})
        self.undo_stack.push(
            SetProjectFieldsCommand(self, {"settings": updated}, f"{provider.value} settings")
        )

    def set_project_fields(self, text: str, **changes: Any) -> None:
        project = self.document.project
        if any(getattr(project, k) != v for k, v in changes.items()):
            self.undo_stack.push(SetProjectFieldsCommand(self, changes, text))


def _fresh_copy(scene: Scene) -> Scene:
    """The scene's content under a new id, not yet rendered."""
    keep = {name: getattr(scene, name) for name in EDITABLE_FIELDS}
    return Scene(id=new_scene_id(), **keep)
