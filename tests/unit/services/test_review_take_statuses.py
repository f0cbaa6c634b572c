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
from imageai.core.models import OmniContinuity, Project, ProviderName, RenderState, Scene, Take
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


def test_a_deleted_reference_put_back_shows_the_take_current_again(
    qapp: QApplication, tmp_path: Path
) -> None:
    document = _rendered_with_reference(tmp_path)
    statuses = TakeStatuses.of(document, CATALOG)
    reference = tmp_path / "refs" / "boat.png"
    reference.unlink()
    assert set(statuses.changed()) == {"s1"}
    reference.write_bytes(b"first picture")  # the same picture back, the project untouched
    assert statuses.changed() == {}


def _extending(tmp_path: Path) -> ProjectDocument:
    """Two Omni scenes, both rendered; the second extends the first's clip (its request hashes
    that clip's bytes) and its take is current."""
    (tmp_path / "clips").mkdir()
    (tmp_path / "clips" / "s1.mp4").write_bytes(b"first clip")
    first = Scene(
        id="s1",
        prompt="A boat at dawn.",
        state=RenderState.DONE,
        job_id="interaction-1",
        job_provider=ProviderName.OMNI,
        clip_path="clips/s1.mp4",
    )
    second = Scene(id="s2", prompt="It sails on.", continuity=OmniContinuity.EXTEND)
    project = Project(provider=ProviderName.OMNI, scenes=(first, second))
    request = build_request(CATALOG, project, second, tmp_path)
    assert request.source is not None and request.source.clip_path == tmp_path / "clips" / "s1.mp4"
    take = Take(
        job_id="interaction-2",
        clip_path="clips/s2.mp4",
        provider=ProviderName.OMNI,
        fingerprint=inputs_fingerprint(request),
    )
    done = second.model_copy(
        update={
            "state": RenderState.DONE,
            "job_id": "interaction-2",
            "job_provider": ProviderName.OMNI,
            "clip_path": take.clip_path,
            "takes": (take,),
        }
    )
    return ProjectDocument(project.with_scene(done), folder=tmp_path)


def test_the_clip_a_scene_extends_saved_again_shows_its_take_changed(
    qapp: QApplication, tmp_path: Path
) -> None:
    """The statuses follow the scene's request itself, not a list of what it reads: the clip
    an extending scene continues is part of its request, and was in no such list."""
    document = _extending(tmp_path)
    statuses = TakeStatuses.of(document, CATALOG)
    assert statuses.changed() == {}
    (tmp_path / "clips" / "s1.mp4").write_bytes(b"first clip, trimmed in an editor")
    assert changed_scene_ids(CATALOG, document.project, tmp_path) == {"s2"}
    StoryboardEditor(document).set_project_fields("Title", title="Boats")
    assert set(statuses.changed()) == {"s2"}
    priced = statuses.priced()  # and priced as the new take Render offers
    assert priced.changed.keys() == {"s2"}
    assert not priced.estimate.scenes[1].already_rendered
