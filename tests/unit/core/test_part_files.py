"""Stale ``clips/.*.part`` files go when a process first takes the project lock, and only then."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import pytest

from imageai.core.clip_check import REJECTED_DIR
from imageai.core.downloads import temp_download
from imageai.core.part_files import remove_stale_parts
from imageai.core.project_lock import acquire_project, release_project

if TYPE_CHECKING:
    from pathlib import Path


def _project(tmp_path: Path) -> Path:
    folder = tmp_path / "p"
    (folder / "clips" / REJECTED_DIR).mkdir(parents=True)
    (folder / "thumbs").mkdir()
    (folder / "clips" / "s1.mp4").write_bytes(b"done clip")
    (folder / "clips" / ".s2.mp4.a8f3k2.part").write_bytes(b"half a download")
    (folder / "clips" / ".s3.animatic-s3-1234abcd.part.mp4").write_bytes(b"half a render")
    (folder / "clips" / REJECTED_DIR / "s4.mp4").write_bytes(b"kept bad clip")
    (folder / "clips" / ".notes").write_text("not ours to remove")
    (folder / "thumbs" / ".s2.jpg.part").write_bytes(b"half a thumbnail")
    return folder


def _names(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


def test_taking_the_lock_removes_the_parts_a_killed_process_left(tmp_path: Path) -> None:
    folder = _project(tmp_path)
    acquire_project(folder, "render")
    try:
        assert _names(folder) == [
            ".imageai.lock",
            "clips/.notes",
            f"clips/{REJECTED_DIR}/s4.mp4",
            "clips/s1.mp4",
        ]
    finally:
        release_project(folder)


def test_a_part_written_while_this_process_holds_the_lock_stays(tmp_path: Path) -> None:
    folder = _project(tmp_path)
    acquire_project(folder, "render")
    try:
        live = folder / "clips" / ".s5.mp4.zz9x.part"
        live.write_bytes(b"a download of this process, running now")
        acquire_project(folder, "remix")  # a remix starting beside the running render
        release_project(folder)
        assert live.is_file()
    finally:
        release_project(folder)


def test_a_part_that_is_a_link_is_removed_not_its_target(tmp_path: Path) -> None:
    folder = _project(tmp_path)
    outside = tmp_path / "precious.txt"
    outside.write_text("keep me")
    os.symlink(outside, folder / "clips" / ".evil.part")
    remove_stale_parts(folder)
    assert not (folder / "clips" / ".evil.part").is_symlink()
    assert outside.read_text() == "keep me"


def test_a_clips_folder_that_is_a_link_is_left_alone(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / ".x.part").write_bytes(b"someone else's file")
    folder = tmp_path / "p"
    folder.mkdir()
    os.symlink(elsewhere, folder / "clips")
    assert remove_stale_parts(folder) == []
    assert (elsewhere / ".x.part").is_file()


@pytest.mark.parametrize("name", [".s1.mp4.abc.part", ".s1.job.part.mp4"])
def test_the_names_downloads_and_the_animatic_write_are_part_files(
    tmp_path: Path, name: str
) -> None:
    (tmp_path / "clips").mkdir()
    (tmp_path / "clips" / name).write_bytes(b"x")
    assert [p.name for p in remove_stale_parts(tmp_path)] == [name]


def test_a_download_killed_mid_way_leaves_a_name_the_cleanup_knows(tmp_path: Path) -> None:
    dest = tmp_path / "clips" / "s1.mp4"
    download = temp_download(dest)
    tmp = download.__enter__()  # never exited: the process was killed here
    tmp.write_bytes(b"half")
    assert remove_stale_parts(tmp_path) == [tmp]
