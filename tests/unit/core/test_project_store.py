"""Atomic saves with a backup, and clear errors for corrupt, truncated or invalid files."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest

from imageai.core import project_files, project_store
from imageai.core.errors import ProjectFileError
from imageai.core.models import Project, Scene

if TYPE_CHECKING:
    from pathlib import Path


def test_round_trip_creates_subfolders(tmp_path: Path) -> None:
    project = Project(title="Heist", scenes=(Scene(prompt="a vault door"),))
    project_store.save(project, tmp_path / "p")
    assert project_store.load(tmp_path / "p") == project
    assert all((tmp_path / "p" / sub).is_dir() for sub in ("clips", "refs", "thumbs"))


def test_save_keeps_previous_version_as_backup(tmp_path: Path) -> None:
    project_store.save(Project(title="one"), tmp_path)
    project_store.save(Project(title="two"), tmp_path)
    backup = json.loads((tmp_path / "project.json.bak").read_text())
    assert backup["title"] == "one"
    assert project_store.load(tmp_path).title == "two"
    assert not list(tmp_path.glob("*.tmp"))


def test_failed_save_leaves_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project_store.save(Project(title="safe"), tmp_path)

    def boom(*_: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(project_files.os, "replace", boom)
    with pytest.raises(OSError, match="disk full"):
        project_store.save(Project(title="lost"), tmp_path)
    monkeypatch.undo()
    assert project_store.load(tmp_path).title == "safe"
    assert not list(tmp_path.glob(".project.json.*"))


def test_truncated_file_names_the_problem_and_is_not_touched(tmp_path: Path) -> None:
    project_store.save(Project(title="x", scenes=(Scene(prompt="a"),)), tmp_path)
    path = tmp_path / "project.json"
    text = path.read_text()
    path.write_text(text[: len(text) // 2])
    before = path.read_bytes()
    with pytest.raises(ProjectFileError, match=r"not valid JSON \(truncated or corrupt\)"):
        project_store.load(tmp_path)
    assert path.read_bytes() == before


def test_invalid_field_is_named(tmp_path: Path) -> None:
    (tmp_path / "project.json").write_text(json.dumps({"title": "x", "provider": "midjourney"}))
    with pytest.raises(ProjectFileError, match="provider"):
        project_store.load(tmp_path)


def test_empty_and_missing_files(tmp_path: Path) -> None:
    with pytest.raises(ProjectFileError, match="no such project folder"):
        project_store.load(tmp_path / "nope")
    with pytest.raises(ProjectFileError, match="not a project folder"):
        project_store.load(tmp_path)
    (tmp_path / "project.json").write_text("")
    with pytest.raises(ProjectFileError, match="empty"):
        project_store.load(tmp_path)


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    (tmp_path / "project.json").write_text(json.dumps({"schema_version": 99}))
    with pytest.raises(ProjectFileError, match="newer ImageAI"):
        project_store.load(tmp_path)


def test_create_folder_refuses_existing_project(tmp_path: Path) -> None:
    project_store.save(Project(), tmp_path)
    with pytest.raises(ProjectFileError, match="already holds a project"):
        project_store.create_folder(tmp_path)
