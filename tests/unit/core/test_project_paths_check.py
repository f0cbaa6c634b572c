"""Loading checks every file a project names is inside it, resolving each folder only once."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from imageai.core import project_store
from imageai.core.errors import ProjectFileError
from imageai.core.models import Project, Scene


def _save(folder: Path, scenes: list[Scene]) -> None:
    project_store.create_folder(folder)
    project_store.save(Project(title="t", scenes=tuple(scenes)), folder)


def test_many_scenes_in_a_few_folders_resolve_each_folder_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "p"
    scenes = [Scene(id=f"s{i}", prompt="x", reference_image=f"refs/r{i}.png") for i in range(50)]
    _save(folder, scenes)
    resolved: list[str] = []
    real = Path.resolve

    def counting(self: Path, strict: bool = False) -> Path:
        resolved.append(str(self))
        return real(self, strict)

    monkeypatch.setattr(Path, "resolve", counting)
    assert len(project_store.load(folder).scenes) == 50
    assert resolved.count(str(folder / "refs")) == 1
    assert not any(name.endswith(".png") for name in resolved)


@pytest.mark.parametrize(
    "value", ["../outside.png", "refs/../../outside.png", "/etc/hostname", "refs/.."]
)
def test_paths_leaving_the_folder_are_refused(tmp_path: Path, value: str) -> None:
    folder = tmp_path / "p"
    (tmp_path / "outside.png").write_bytes(b"x")
    _save(folder, [Scene(id="s1", prompt="x", reference_image="refs/a.png")])
    text = (folder / "project.json").read_text().replace("refs/a.png", value)
    (folder / "project.json").write_text(text)
    if value == "refs/..":
        # The folder itself is inside; what matters is that no path escapes it.
        project_store.load(folder)
        return
    with pytest.raises(ProjectFileError, match="outside the project"):
        project_store.load(folder)


def test_a_file_that_is_a_link_out_of_the_folder_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "p"
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"x")
    _save(folder, [Scene(id="s1", prompt="x", reference_image="refs/a.png")])
    os.symlink(secret, folder / "refs" / "a.png")
    with pytest.raises(ProjectFileError, match="outside the project"):
        project_store.load(folder)


def test_a_link_inside_the_folder_to_another_file_inside_is_kept(tmp_path: Path) -> None:
    folder = tmp_path / "p"
    _save(folder, [Scene(id="s1", prompt="x", reference_image="refs/a.png")])
    (folder / "refs" / "b.png").write_bytes(b"x")
    os.symlink("b.png", folder / "refs" / "a.png")
    assert project_store.load(folder).scenes[0].reference_image == "refs/a.png"
