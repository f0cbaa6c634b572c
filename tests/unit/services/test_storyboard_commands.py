"""Every storyboard edit is undoable; undo never rolls back render results."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from PySide6.QtCore import QByteArray, QMimeData, QModelIndex

from imageai.core.catalog import default_catalog
from imageai.core.errors import ValidationError
from imageai.core.models import Project, ProviderName, RenderState, Scene, SoraSettings, Take
from imageai.services.project_document import ProjectDocument
from imageai.services.storyboard_commands import StoryboardEditor
from imageai.services.storyboard_model import MIME_TYPE, SceneRole, StoryboardModel

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication


def _editor(count: int = 3) -> StoryboardEditor:
    scenes = tuple(Scene(id=f"s{i}", prompt=f"shot {i}") for i in range(count))
    return StoryboardEditor(ProjectDocument(Project(scenes=scenes)))


def _ids(editor: StoryboardEditor) -> list[str]:
    return [s.id for s in editor.document.project.scenes]


def test_add_delete_duplicate_with_undo_and_redo(qapp: QApplication) -> None:
    editor = _editor()
    new = editor.add_scene(1, "inserted")
    assert _ids(editor) == ["s0", new, "s1", "s2"]
    editor.delete(["s0", "s2"])
    assert _ids(editor) == [new, "s1"]
    copies = editor.duplicate(["s1"])
    assert _ids(editor) == [new, "s1", copies[0]]
    assert editor.document.project.scene(copies[0]).prompt == "shot 1"
    stack = editor.undo_stack
    stack.undo()
    stack.undo()
    assert _ids(editor) == ["s0", new, "s1", "s2"]
    stack.undo()
    assert _ids(editor) == ["s0", "s1", "s2"]
    stack.redo()
    stack.redo()
    assert _ids(editor) == [new, "s1"]
    assert editor.document.dirty


def test_move_and_undo_restore_the_order(qapp: QApplication) -> None:
    editor = _editor(4)
    editor.move(["s0", "s2"], 4)
    assert _ids(editor) == ["s1", "s3", "s0", "s2"]
    editor.move(["s2"], 0)
    assert _ids(editor) == ["s2", "s1", "s3", "s0"]
    editor.undo_stack.undo()
    editor.undo_stack.undo()
    assert _ids(editor) == ["s0", "s1", "s2", "s3"]


def test_typing_merges_into_one_undo_step(qapp: QApplication) -> None:
    editor = _editor(1)
    for text in ("a", "ab", "abc"):
        editor.edit_scene("s0", prompt=text)
    assert editor.undo_stack.count() == 1
    editor.undo_stack.undo()
    assert editor.document.project.scene("s0").prompt == "shot 0"


def test_undoing_an_edit_keeps_a_render_that_finished_since(qapp: QApplication) -> None:
    editor = _editor(1)
    editor.edit_scene("s0", duration=8)
    doc = editor.document
    doc.set_project(doc.project.update_scene("s0", state=RenderState.DONE, clip_path="c.mp4"))
    editor.undo_stack.undo()
    scene = doc.project.scene("s0")
    assert scene.duration is None
    assert scene.state is RenderState.DONE
    assert scene.clip_path == "c.mp4"


def test_provider_and_settings_changes_are_undoable(qapp: QApplication) -> None:
    editor = _editor(1)
    editor.set_provider(ProviderName.SORA)
    editor.set_provider_settings(ProviderName.SORA, SoraSettings(model="sora-2-pro"))
    assert editor.document.project.settings.sora.model == "sora-2-pro"
    editor.undo_stack.undo()
    editor.undo_stack.undo()
    assert editor.document.project.provider is ProviderName.ANIMATIC
    assert editor.document.project.settings.sora.model == "sora-2"


def test_model_rows_follow_the_document_and_drops_move_through_undo(qapp: QApplication) -> None:
    editor = _editor(3)
    model = StoryboardModel(editor.document, editor, default_catalog())
    assert model.rowCount() == 3
    assert model.index(0).data(SceneRole.EXCERPT) == "shot 0"
    assert model.index(0).data(SceneRole.PROVIDER) == "animatic"
    mime = model.mimeData([model.index(2)])
    assert model.dropMimeData(mime, model.supportedDropActions(), 0, 0, QModelIndex()) is False
    assert [model.index(r).data(SceneRole.ID) for r in range(3)] == ["s2", "s0", "s1"]
    editor.undo_stack.undo()
    assert model.index(0).data(SceneRole.ID) == "s0"
    assert model.moveRows(QModelIndex(), 0, 1, QModelIndex(), 3)
    assert model.index(2).data(SceneRole.ID) == "s0"
    foreign = QMimeData()
    foreign.setData("text/plain", QByteArray(b"x"))
    assert not model.canDropMimeData(foreign, model.supportedDropActions(), 0, 0, QModelIndex())
    assert MIME_TYPE in model.mimeTypes()


def test_model_reports_changed_rows_only(qapp: QApplication) -> None:
    editor = _editor(3)
    model = StoryboardModel(editor.document, editor, default_catalog())
    changed: list[int] = []
    model.dataChanged.connect(lambda first, _last: changed.append(first.row()))
    editor.edit_scene("s1", prompt="new words")
    assert changed == [1]
    assert model.index(1).data(SceneRole.EXCERPT) == "new words"


def test_a_project_setting_change_is_one_signal_over_every_row(qapp: QApplication) -> None:
    editor = _editor(50)
    model = StoryboardModel(editor.document, editor, default_catalog())
    spans: list[tuple[int, int]] = []
    model.dataChanged.connect(lambda first, last: spans.append((first.row(), last.row())))
    settings = editor.document.project.settings.animatic
    editor.set_provider_settings(
        ProviderName.ANIMATIC, settings.model_copy(update={"seconds": settings.seconds + 2})
    )
    assert spans == [(0, 49)]


def _with_takes() -> StoryboardEditor:
    first = Take(job_id="v1", clip_path="clips/s0.mp4", thumbnail_path="thumbs/s0.png")
    remix = Take(job_id="v2", clip_path="clips/s0-take2.mp4", remixed_from_job_id="v1")
    scene = Scene(
        id="s0",
        prompt="shot",
        state=RenderState.DONE,
        job_id="v1",
        clip_path="clips/s0.mp4",
        thumbnail_path="thumbs/s0.png",
        takes=(first, remix),
    )
    return StoryboardEditor(ProjectDocument(Project(scenes=(scene,))))


def test_choosing_a_take_is_undoable_and_keeps_takes_added_since(qapp: QApplication) -> None:
    editor = _with_takes()
    editor.choose_take("s0", 2)
    scene = editor.document.project.scene("s0")
    assert (scene.job_id, scene.clip_path, scene.thumbnail_path) == (
        "v2",
        "clips/s0-take2.mp4",
        None,
    )
    assert editor.undo_stack.undoText() == "Choose take 2"
    # A remix finishing meanwhile adds a take; undoing the choice must not lose it.
    third = Take(job_id="v3", clip_path="clips/s0-take3.mp4")
    editor.document.replace_scene(scene.model_copy(update={"takes": (*scene.takes, third)}))
    editor.undo_stack.undo()
    scene = editor.document.project.scene("s0")
    assert (scene.job_id, scene.clip_path) == ("v1", "clips/s0.mp4")
    assert [t.job_id for t in scene.takes] == ["v1", "v2", "v3"]
    editor.undo_stack.redo()
    assert editor.document.project.scene("s0").job_id == "v2"


def test_choosing_the_current_take_pushes_nothing_and_a_missing_one_raises(
    qapp: QApplication,
) -> None:
    editor = _with_takes()
    editor.choose_take("s0", 1)
    assert editor.undo_stack.count() == 0
    with pytest.raises(ValidationError, match="take 5 does not exist"):
        editor.choose_take("s0", 5)
    assert editor.undo_stack.count() == 0
