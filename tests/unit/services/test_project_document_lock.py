"""The GUI's saves never silently overwrite project.json while another process renders it."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from imageai.core import project_store
from imageai.core.models import Project, Scene
from imageai.core.project_lock import ProjectLockedError, holding_project
from imageai.services.project_document import ProjectDocument
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
