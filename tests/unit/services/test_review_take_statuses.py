"""Review: a cached take status follows its reference images' files, as Render all does.

`TakeStatuses` keyed a status on the scene and the project's inputs, not on the files the
scene's request hashes. A reference image saved again in place (an image editor, a new
generation to the same name) changed the take's fingerprint: Render all (the planner reads
the files afresh) offered the scene again, while the cards and the cost line kept saying it
was current ('all N scenes rendered', no price for it) on every later project change.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from imageai.core.catalog import default_catalog
from imageai.core.models import Project, ProviderName, RenderState, Scene, Take
from imageai.core.render_plan import build_request
from imageai.core.take_state import changed_scene_ids, inputs_fingerprint
from imageai.services.project_document import ProjectDocument
from imageai.services.storyboard_commands import StoryboardEditor
from imageai.services.take_statuses import TakeStatuses

if TYPE_CHECKING:
    from pathlib import Path

    from PySide6.QtWidgets import QApplication

CATALOG = default_catalog()


def _rendered_with_reference(tmp_path: Path) -> ProjectDocument:
    (tmp_path / "refs").mkdir()
    (tmp_path / "refs" / "boat.png").write_bytes(b"first picture")
    scene = Scene(id="s1", prompt="A boat at dawn.", reference_image="refs/boat.png")
    project = Project(provider=ProviderName.ANIMATIC, scenes=(scene,))
    fingerprint = inputs_fingerprint(build_request(CATALOG, project, scene, tmp_path))
    take = Take(
        job_id="job-1",
        clip_path="clips/s1.mp4",
        provider=ProviderName.ANIMATIC,
        fingerprint=fingerprint,
    )
    done = scene.model_copy(
        update={
            "state": RenderState.DONE,
            "job_id": "job-1",
            "job_provider": ProviderName.ANIMATIC,
            "clip_path": take.clip_path,
            "takes": (take,),
        }
    )
    return ProjectDocument(project.with_scene(done), folder=tmp_path)


def test_a_reference_saved_again_in_place_shows_the_take_changed(
    qapp: QApplication, tmp_path: Path
) -> None:
    document = _rendered_with_reference(tmp_path)
    statuses = TakeStatuses.of(document, CATALOG)
    assert statuses.changed() == {}
    (tmp_path / "refs" / "boat.png").write_bytes(b"second picture, painted over")
    # What Render all offers (the planner's question) ...
    assert changed_scene_ids(CATALOG, document.project, tmp_path) == {"s1"}
    # ... and what the cards and the cost line say, after any later change of the project.
    StoryboardEditor(document).set_project_fields("Title", title="Boats")
    assert set(statuses.changed()) == {"s1"}


def test_a_reference_deleted_shows_the_take_changed(qapp: QApplication, tmp_path: Path) -> None:
    document = _rendered_with_reference(tmp_path)
    statuses = TakeStatuses.of(document, CATALOG)
    assert statuses.changed() == {}
    (tmp_path / "refs" / "boat.png").unlink()
    assert changed_scene_ids(CATALOG, document.project, tmp_path) == {"s1"}
    assert set(statuses.changed()) == {"s1"}
