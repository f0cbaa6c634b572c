"""A received project folder never escapes it: links at the files the app writes, hostile ids."""

from __future__ import annotations

import json
import os
from typing import TYPE_CHECKING

import pytest
from pydantic import ValidationError as PydanticValidationError

from imageai.core import project_store
from imageai.core.errors import ProjectFileError
from imageai.core.ledger import LEDGER_NAME, ledger_for
from imageai.core.models import Project, Scene
from imageai.core.project_files import (
    ProjectPathError,
    check_id,
    check_name,
    open_append,
    project_path,
)
from imageai.core.project_lock import LOCK_NAME, ProjectLock

if TYPE_CHECKING:
    from pathlib import Path

pytestmark = pytest.mark.skipif(os.name != "posix", reason="symlinks need privileges on Windows")

SECRET = "export PATH=/usr/bin\n"


@pytest.fixture
def victim(tmp_path: Path) -> Path:
    """A file outside the project that a link in it points at (a shell start-up file)."""
    target = tmp_path / "home" / ".bashrc"
    target.parent.mkdir()
    target.write_text(SECRET)
    return target


@pytest.fixture
def project(tmp_path: Path) -> Path:
    folder = tmp_path / "received"
    project_store.create_folder(folder)
    project_store.save(Project(scenes=(Scene(id="s1", prompt="a fox"),)), folder)
    return folder


def test_ledger_link_is_refused_and_its_target_untouched(project: Path, victim: Path) -> None:
    (project / LEDGER_NAME).symlink_to(victim)

    with pytest.raises(ProjectPathError, match="symbolic link"):
        ledger_for(project / LEDGER_NAME).note("s1", "sora", "job", "completed", "$(touch x)")

    assert victim.read_text() == SECRET


def test_ledger_link_is_refused_at_load(project: Path, victim: Path) -> None:
    (project / LEDGER_NAME).symlink_to(victim)

    with pytest.raises(ProjectFileError, match=r"ledger\.jsonl is a symbolic link"):
        project_store.load(project)


def test_lock_link_does_not_truncate_its_target(project: Path, victim: Path) -> None:
    (project / LOCK_NAME).symlink_to(victim)

    with pytest.raises(ProjectPathError, match="symbolic link"):
        ProjectLock(project).acquire("render")

    assert victim.read_text() == SECRET


def test_backup_link_is_replaced_not_written_through(project: Path, victim: Path) -> None:
    (project / project_store.BACKUP_FILE).symlink_to(victim)

    project_store.save(Project(title="again"), project)

    assert victim.read_text() == SECRET
    assert not (project / project_store.BACKUP_FILE).is_symlink()
    assert "a fox" in (project / project_store.BACKUP_FILE).read_text()


def test_backup_link_is_refused_at_load(project: Path, victim: Path) -> None:
    (project / project_store.BACKUP_FILE).symlink_to(victim)

    with pytest.raises(ProjectFileError, match=r"project\.json\.bak is a symbolic link"):
        project_store.load(project)


def test_project_file_link_is_refused_at_load(tmp_path: Path, victim: Path) -> None:
    folder = tmp_path / "p"
    folder.mkdir()
    (folder / "project.json").symlink_to(victim)

    with pytest.raises(ProjectFileError, match=r"project\.json is a symbolic link"):
        project_store.load(folder)


@pytest.mark.parametrize("sub", ["clips", "thumbs", "refs"])
def test_linked_subfolder_is_refused_for_writes_and_at_load(
    tmp_path: Path, project: Path, sub: str
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (project / sub).rmdir()
    (project / sub).symlink_to(outside, target_is_directory=True)

    with pytest.raises(ProjectPathError, match="symbolic link"):
        project_path(project, sub, "s1.mp4")
    with pytest.raises(ProjectFileError, match=f"{sub} is a symbolic link"):
        project_store.load(project)
    with pytest.raises(ProjectPathError):
        project_store.save(Project(), project)
    assert list(outside.iterdir()) == []


def test_linked_file_in_a_subfolder_is_refused(tmp_path: Path, project: Path) -> None:
    (project / "thumbs" / "s1.jpg").symlink_to(tmp_path / "elsewhere.jpg")

    with pytest.raises(ProjectPathError, match="symbolic link"):
        project_path(project, "thumbs", "s1.jpg")


@pytest.mark.parametrize(
    "scene_id", ["../../../x/evil", "$(touch x)", "a/b", "..", "", ".hidden", "x" * 65, "a\nb"]
)
def test_hostile_scene_id_is_refused_at_load_naming_the_scene(
    tmp_path: Path, project: Path, scene_id: str
) -> None:
    data = json.loads((project / "project.json").read_text())
    data["scenes"].append({"id": scene_id, "prompt": "evil"})
    (project / "project.json").write_text(json.dumps(data))
    before = (project / "project.json").read_bytes()

    with pytest.raises(ProjectFileError, match=r"scene 2: id .* is not a valid id"):
        project_store.load(project)

    assert (project / "project.json").read_bytes() == before
    assert not (tmp_path / "x").exists()


def test_duplicate_scene_ids_are_refused_at_load(project: Path) -> None:
    data = json.loads((project / "project.json").read_text())
    data["scenes"].append({"id": "s1", "prompt": "again"})
    (project / "project.json").write_text(json.dumps(data))

    with pytest.raises(ProjectFileError, match="scene 2: id 's1' is used twice"):
        project_store.load(project)


@pytest.mark.parametrize("scene_id", ["../../../x/evil", "$(touch x)", "a/b"])
def test_hostile_scene_id_is_refused_when_created(scene_id: str) -> None:
    with pytest.raises(PydanticValidationError, match="is not a valid id"):
        Scene(id=scene_id, prompt="evil")


@pytest.mark.parametrize("name", ["../x.mp4", "a/b.mp4", "..", "$(x).mp4", "", "-rf"])
def test_path_builder_refuses_names_that_are_not_plain(project: Path, name: str) -> None:
    with pytest.raises(ProjectPathError):
        project_path(project, "clips", name)


def test_path_builder_accepts_the_app_names(project: Path) -> None:
    assert check_id("ab12cd34ef56-take2") == "ab12cd34ef56-take2"
    assert check_name(".s1.animatic-s1-1a2b3c4d.part.mp4")
    assert project_path(project, "refs/fitted", "door-1280x720-crop-ab.png").parent.is_dir()


def test_append_refuses_a_fifo_instead_of_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "ledger.jsonl"
    os.mkfifo(fifo)

    with pytest.raises(OSError, match="No such device or address"), open_append(fifo):
        pass


def test_a_hostile_scene_id_never_becomes_a_path_in_a_provider(tmp_path: Path) -> None:
    from imageai.core.jobs import JobRequest
    from imageai.core.models import AnimaticSettings, ProviderName
    from imageai.core.shot import ShotSpec
    from imageai.providers.animatic.provider import AnimaticProvider

    project = tmp_path / "deep" / "er" / "p"
    project_store.create_folder(project)
    request = JobRequest(
        scene_id="../../../x/evil",
        index=1,
        spec=ShotSpec(provider=ProviderName.ANIMATIC, model="animatic", seconds=1, size="640x360"),
        prompt="evil",
        settings=AnimaticSettings(size="640x360", seconds=1),
        project_dir=project,
    )
    provider = AnimaticProvider()
    try:
        with pytest.raises(ProjectPathError, match="not a plain file name"):
            provider.start(request)
    finally:
        provider.close()
    assert not (tmp_path / "x").exists()
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("reference_image", "/home/me/passport.jpg"),
        ("reference_image", "../../.ssh/id_rsa"),
        ("last_frame_image", "refs/../../secret.png"),
        ("clip_path", "../other-project/clips/s1.mp4"),
        ("extra_reference_images", ["refs/ok.png", "/etc/shadow"]),
    ],
)
def test_a_file_outside_the_project_is_refused_at_load(
    project: Path, field: str, value: object
) -> None:
    data = json.loads((project / "project.json").read_text())
    data["scenes"][0][field] = value

    (project / "project.json").write_text(json.dumps(data))

    with pytest.raises(ProjectFileError, match=f"scene 1: {field} .* is outside the project"):
        project_store.load(project)


def test_a_reference_linked_out_of_refs_is_refused_at_load(project: Path, victim: Path) -> None:
    (project / "refs" / "door.png").symlink_to(victim)
    data = json.loads((project / "project.json").read_text())
    data["scenes"][0]["reference_image"] = "refs/door.png"
    (project / "project.json").write_text(json.dumps(data))

    with pytest.raises(ProjectFileError, match=r"reference_image 'refs/door\.png' is outside"):
        project_store.load(project)


def test_files_inside_the_project_load(project: Path) -> None:
    data = json.loads((project / "project.json").read_text())
    data["scenes"][0]["reference_image"] = "refs/door.png"
    data["scenes"][0]["clip_path"] = str(project / "clips" / "s1.mp4")
    (project / "project.json").write_text(json.dumps(data))

    assert project_store.load(project).scenes[0].reference_image == "refs/door.png"


@pytest.mark.parametrize("field", ["schema_version", "title"])
def test_a_number_too_long_to_read_is_the_clear_error(project: Path, field: str) -> None:
    # json.loads raises a plain ValueError (not JSONDecodeError) past 4300 digits.
    data = json.loads((project / "project.json").read_text())
    data[field] = "@@"
    text = json.dumps(data).replace('"@@"', "9" * 5000)
    (project / "project.json").write_text(text)

    with pytest.raises(ProjectFileError, match="too long"):
        project_store.load(project)

    assert (project / "project.json").read_text() == text
