"""The GUI's saves never silently overwrite project.json while another process renders it."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from imageai.core import project_store
from imageai.core.models import Project, RenderState, Scene
from imageai.core.project_lock import ProjectLockedError, holding_project
from imageai.providers.openai.sora_webhooks import WebhookEvent
from imageai.services.project_document import ProjectChangedError, ProjectDocument
from imageai.services.webhook_service import WebhookService
from tests.unit.cli.test_writing_commands_lock import held  # noqa: F401 - the fixture

if TYPE_CHECKING:
    from pathlib import Path


def test_save_is_refused_while_another_process_holds_the_project(
    qapp: object,
    held: Path,  # noqa: F811 - the fixture
) -> None:
    doc = ProjectDocument.open(held)
    before = (held / "project.json").read_bytes()
    doc.set_project(doc.project.model_copy(update={"title": "edited in the GUI"}))
    with pytest.raises(ProjectLockedError):
        doc.save()
    assert (held / "project.json").read_bytes() == before
    assert doc.dirty  # the edit is kept, to save once the render has finished


def test_save_while_this_process_renders_goes_through(qapp: object, tmp_path: Path) -> None:
    folder = tmp_path / "film"
    project_store.create_folder(folder)
    doc = ProjectDocument(Project(scenes=(Scene(prompt="a"),)), folder)
    with holding_project(folder, "render"):  # this app's own render has the lock
        doc.save()
    assert project_store.load(folder).scenes[0].prompt == "a"
    doc.set_project(doc.project.model_copy(update={"title": "again"}))
    doc.save()  # and with nobody holding it
    assert project_store.load(folder).title == "again"


def test_a_webhook_event_while_another_process_renders_does_not_raise(
    qapp: object,
    held: Path,  # noqa: F811 - the fixture
) -> None:
    project = project_store.load(held)
    scene = project.scenes[1].model_copy(
        update={"job_id": "video_9", "state": RenderState.RENDERING}
    )
    doc = ProjectDocument(project.with_scene(scene), held)
    before = (held / "project.json").read_bytes()
    service = WebhookService(doc)
    event = WebhookEvent(id="evt_1", type="video.completed", created_at=1, data_id="video_9")
    service._on_self_event_received(event)  # the slot the receiver's signal reaches
    assert (held / "project.json").read_bytes() == before  # the render's file, untouched
    assert doc.project.scene(scene.id).state is RenderState.DOWNLOADING


def test_the_users_save_does_not_undo_what_another_process_saved(
    qapp: object, tmp_path: Path
) -> None:
    folder = tmp_path / "film"
    project_store.create_folder(folder)
    project_store.save(Project(scenes=(Scene(id="s1", prompt="a"),)), folder)
    doc = ProjectDocument.open(folder)
    # A render in another process finished scene 1 and saved, after the window opened it.
    rendered = project_store.load(folder).update_scene(
        "s1", state=RenderState.DONE, job_id="video_1", clip_path="clips/s1.mp4"
    )
    project_store.save(rendered, folder)
    doc.set_project(doc.project.model_copy(update={"title": "edited in the window"}))
    with pytest.raises(ProjectChangedError):
        doc.save(if_unchanged=True)
    assert project_store.load(folder).scene("s1").state is RenderState.DONE
    assert doc.dirty


def test_the_users_save_after_its_own_saves_goes_through(qapp: object, tmp_path: Path) -> None:
    folder = tmp_path / "film"
    project_store.create_folder(folder)
    project_store.save(Project(scenes=(Scene(id="s1", prompt="a"),)), folder)
    doc = ProjectDocument.open(folder)
    for title in ("one", "two"):  # its own render saves in between, then the user's Save
        doc.set_project(doc.project.model_copy(update={"title": title}))
        doc.save()
        doc.save(if_unchanged=True)
    assert project_store.load(folder).title == "two"
