"""`video assemble -o` and the GUI export never overwrite project files or devices, nor unasked;
a failed `video init` leaves nothing behind."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from imageai.cli.main import main
from imageai.core import project_store
from imageai.core.models import Project, RenderState, Scene
from imageai.video.output_check import OutputPathError, check_output

PAID = b"\x00\x00\x00\x18ftypmp42 paid clip bytes"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    folder = tmp_path / "p"
    scenes = tuple(
        Scene(id=f"s{i}", prompt="x", state=RenderState.DONE, clip_path=f"clips/s{i}.mp4")
        for i in (1, 2)
    )
    project_store.create_folder(folder)
    project_store.save(Project(scenes=scenes), folder)
    for i in (1, 2):
        (folder / "clips" / f"s{i}.mp4").write_bytes(PAID)
    return folder


@pytest.mark.parametrize(
    "target", ["clips/s1.mp4", "project.json", "ledger.jsonl", "refs/new.mp4", "thumbs/s1.jpg"]
)
def test_output_onto_a_project_file_is_refused(
    project: Path, target: str, capsys: pytest.CaptureFixture[str]
) -> None:
    out = project / target
    before = out.read_bytes() if out.exists() else None

    assert main(["video", "assemble", str(project), "-o", str(out), "--force"]) == 2

    assert "one of the project's own files" in capsys.readouterr().err
    assert (out.read_bytes() if out.exists() else None) == before


def test_output_onto_a_clip_outside_clips_is_refused(tmp_path: Path) -> None:
    clip = tmp_path / "elsewhere.mp4"
    clip.write_bytes(PAID)

    with pytest.raises(OutputPathError, match="one of the clips"):
        check_output(clip, tmp_path / "p", [clip], overwrite=True)


@pytest.mark.skipif(not Path("/dev/null").exists(), reason="needs /dev/null")
def test_output_to_dev_null_is_refused_and_the_device_kept(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["video", "assemble", str(project), "-o", "/dev/null", "--force"]) == 2

    assert "not a regular file" in capsys.readouterr().err
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_output_to_a_folder_is_a_clear_error(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["video", "assemble", str(project), "-o", str(tmp_path)]) == 2

    assert "is a folder" in capsys.readouterr().err


def test_an_existing_file_is_not_replaced_without_force(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "cut.mp4"
    out.write_bytes(b"yesterday's cut")

    assert main(["video", "assemble", str(project), "-o", str(out)]) == 2

    assert "already exists; pass --force" in capsys.readouterr().err
    assert out.read_bytes() == b"yesterday's cut"


def test_force_or_a_new_file_is_accepted(tmp_path: Path) -> None:
    out = tmp_path / "cut.mp4"
    assert check_output(out, tmp_path / "p") == out
    out.write_bytes(b"old")
    assert check_output(out, tmp_path / "p", overwrite=True) == out
    assert check_output(tmp_path / "p" / "cut.mp4", tmp_path / "p") == tmp_path / "p" / "cut.mp4"


def test_gui_export_refuses_a_project_clip(project: Path, qapp: object) -> None:
    from imageai.services.export_service import ExportService
    from imageai.services.job_runner import JobRunner

    runner = JobRunner(max_concurrency=1)
    try:
        with pytest.raises(OutputPathError, match="one of the project's own files"):
            ExportService(runner).export(
                project_store.load(project), project, project / "clips" / "s1.mp4"
            )
    finally:
        runner.shutdown(1000)
    assert (project / "clips" / "s1.mp4").read_bytes() == PAID


def test_failed_init_leaves_nothing_behind(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    script = tmp_path / "s.md"
    script.write_text("A fox. [ref: /etc/passwd]\n")
    folder = tmp_path / "new"

    code = main(["video", "init", str(folder), "--provider", "animatic", "--script", str(script)])

    assert code == 2
    assert "line 1" in capsys.readouterr().err
    assert not folder.exists()


def test_failed_init_in_an_existing_folder_removes_only_what_it_made(tmp_path: Path) -> None:
    script = tmp_path / "s.md"
    script.write_text("A fox. [4s]\n\nA cat. [-4s]\n")
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "notes.txt").write_text("keep me")

    assert (
        main(["video", "init", str(folder), "--provider", "animatic", "--script", str(script)]) == 2
    )

    assert sorted(p.name for p in folder.iterdir()) == ["notes.txt"]


@pytest.mark.parametrize(
    "target", ["Clips/s1.mp4", "CLIPS/s2.mp4", "Project.JSON", "clips./s1.mp4"]
)
def test_output_onto_a_project_file_spelled_otherwise_is_refused(
    project: Path, target: str
) -> None:
    # On macOS and Windows disks Clips/ is clips/ (and Windows drops a trailing dot), so a
    # different spelling of a project folder would replace the paid clip with the cut.
    with pytest.raises(OutputPathError, match="one of the project's own files"):
        check_output(project / target, project, overwrite=True)
