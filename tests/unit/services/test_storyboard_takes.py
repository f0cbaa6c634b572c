"""The storyboard card says when a scene changed since its take, which take it shows, and undo."""

from __future__ import annotations

from typing import TYPE_CHECKING

from imageai.core.catalog import default_catalog
from imageai.core.models import Project, ProviderName, RenderState, Scene, Take
from imageai.core.take_state import TakeState
from imageai.services.project_document import ProjectDocument
from imageai.services.storyboard_commands import StoryboardEditor
from imageai.services.storyboard_model import SceneRole, StoryboardModel

if TYPE_CHECKING:
    from pathlib import Path

    from PySide6.QtWidgets import QApplication


def _take(number: int, provider: ProviderName = ProviderName.ANIMATIC) -> Take:
    stem = "s1" if number == 1 else f"s1-take{number}"
    return Take(job_id=f"job-{number}", clip_path=f"clips/{stem}.mp4", provider=provider)


def _model(tmp_path: Path, takes: int) -> tuple[StoryboardEditor, StoryboardModel]:
    scene = Scene(
        id="s1",
        prompt="A lighthouse.",
        state=RenderState.DONE,
        job_id=f"job-{takes}",
        job_provider=ProviderName.ANIMATIC,
        clip_path=_take(takes).clip_path,
        takes=tuple(_take(n) for n in range(1, takes + 1)),
    )
    document = ProjectDocument(Project(scenes=(scene,)), folder=tmp_path)
    editor = StoryboardEditor(document)
    return editor, StoryboardModel(document, editor, default_catalog())


def test_card_shows_the_chosen_take_and_choosing_is_undoable(
    qapp: QApplication, tmp_path: Path
) -> None:
    editor, model = _model(tmp_path, 3)
    assert model.index(0).data(SceneRole.STATE_TEXT) == "done · take 3 of 3"
    editor.choose_take("s1", 1)
    assert model.index(0).data(SceneRole.STATE_TEXT) == "done · take 1 of 3"
    editor.undo_stack.undo()
    assert model.index(0).data(SceneRole.STATE_TEXT) == "done · take 3 of 3"


def test_switching_the_project_provider_marks_the_card_changed(
    qapp: QApplication, tmp_path: Path
) -> None:
    editor, model = _model(tmp_path, 1)
    assert model.index(0).data(SceneRole.TAKE_STATUS).state is TakeState.CURRENT
    assert model.index(0).data(SceneRole.STATE_TEXT) == "done"
    editor.set_provider(ProviderName.OMNI)
    status = model.index(0).data(SceneRole.TAKE_STATUS)
    assert status.changed
    assert model.index(0).data(SceneRole.STATE_TEXT) == "changed since render"
    assert "Render renders it again" in model.index(0).data(0x03)  # ToolTipRole
    editor.undo_stack.undo()
    assert not model.index(0).data(SceneRole.TAKE_STATUS).changed
