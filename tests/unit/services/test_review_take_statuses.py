"""Review: a cached take status follows its reference images' files, as Render all does.

`TakeStatuses` keyed a status on the scene and the project's inputs, not on the files the
scene's request hashes. A reference image saved again in place (an image editor, a new
generation to the same name) changed the take's fingerprint: Render all (the planner reads
the files afresh) offered the scene again, while the cards and the cost line kept saying it
was current ('all N scenes rendered', no price for it) on every later project change. The
clip an extending scene continues was missed the same way until the statuses followed the
request itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from imageai.core.catalog import default_catalog
from imageai.core.models import OmniContinuity, Project, ProviderName, Scene
from imageai.core.render_plan import build_request
from imageai.core.take_state import changed_scene_ids
from imageai.services.project_document import ProjectDocument
from imageai.services.storyboard_commands import StoryboardEditor
from imageai.services.take_statuses import TakeStatuses
from tests.unit.services.current_take import with_current_take

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from PySide6.QtWidgets import QApplication

CATALOG = default_catalog()


def _rendered_with_reference(tmp_path: Path) -> ProjectDocument:
    (tmp_path / "refs").mkdir()
    (tmp_path / "refs" / "boat.png").write_bytes(b"first picture")
    scene = Scene(id="s1", prompt="A boat at dawn.", reference_image="refs/boat.png")
    project = Project(provider=ProviderName.ANIMATIC, scenes=(scene,))
    return ProjectDocument(with_current_take(project, "s1", tmp_path, "job-1"), folder=tmp_path)


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
    first = Scene(id="s1", prompt="A boat at dawn.")
    second = Scene(id="s2", prompt="It sails on.", continuity=OmniContinuity.EXTEND)
    project = Project(provider=ProviderName.OMNI, scenes=(first, second))
    project = with_current_take(project, "s1", tmp_path, "interaction-1")
    request = build_request(CATALOG, project, project.scene("s2"), tmp_path)
    assert request.source is not None and request.source.clip_path == tmp_path / "clips" / "s1.mp4"
    done = with_current_take(project, "s2", tmp_path, "interaction-2")
    return ProjectDocument(done, folder=tmp_path)


@pytest.mark.parametrize(
    ("rendered", "saved", "scene_id"),
    [
        pytest.param(_rendered_with_reference, "refs/boat.png", "s1", id="reference"),
        # The clip an extending scene continues: hashed by its request, it was in no list of
        # what a request reads (the statuses now follow the request itself).
        pytest.param(_extending, "clips/s1.mp4", "s2", id="extended clip"),
    ],
)
def test_a_file_the_request_sends_saved_again_in_place_shows_the_take_changed(
    qapp: QApplication,
    tmp_path: Path,
    rendered: Callable[[Path], ProjectDocument],
    saved: str,
    scene_id: str,
) -> None:
    document = rendered(tmp_path)
    statuses = TakeStatuses.of(document, CATALOG)
    assert statuses.changed() == {}
    (tmp_path / saved).write_bytes(b"saved again: painted over, trimmed in an editor")
    # What Render all offers (the planner's question) ...
    assert changed_scene_ids(CATALOG, document.project, tmp_path) == {scene_id}
    # ... and what the cards and the cost line say, after any later change of the project.
    StoryboardEditor(document).set_project_fields("Title", title="Boats")
    assert set(statuses.changed()) == {scene_id}
    priced = statuses.priced()  # and priced as the new take Render offers
    assert priced.changed.keys() == {scene_id}
    index = document.project.index_of(scene_id)
    assert not priced.estimate.scenes[index].already_rendered
