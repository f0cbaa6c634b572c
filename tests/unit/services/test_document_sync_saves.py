"""Without background saves (the command line), a save is written before `save_later` returns
and no writer thread is made; a failed one is reported at once."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from imageai.cli.main import main
from imageai.core import project_store
from imageai.core.models import Project, Scene
from imageai.services import project_document
from imageai.services.project_document import ProjectDocument

if TYPE_CHECKING:
    from pathlib import Path

    import pytest
    from pytestqt.qtbot import QtBot


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "p"
    project_store.create_folder(folder)
    project_store.save(Project(title="t", scenes=(Scene(id="s1", prompt="a"),)), folder)
    return folder


def test_a_save_is_on_disk_when_save_later_returns(tmp_path: Path, qtbot: QtBot) -> None:
    folder = _folder(tmp_path)
    doc = ProjectDocument.open(folder, background_saves=False)
    doc.set_project(doc.project.model_copy(update={"title": "renamed"}))
    with qtbot.waitSignal(doc.saved, timeout=0):
        doc.save_later()
    assert project_store.load(folder).title == "renamed"
    assert not doc.dirty and not doc.saving()


def test_a_failed_save_is_reported_at_once_and_sets_the_flag(
    tmp_path: Path, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _folder(tmp_path)
    doc = ProjectDocument.open(folder, background_saves=False)

    def full_disk(*_: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(project_document.project_store, "save", full_disk)
    failed = threading.Event()
    with qtbot.waitSignal(doc.save_failed, timeout=0) as caught:
        doc.save_later(failed)
    assert failed.is_set()
    assert isinstance(caught.args[0], OSError)


def test_the_cli_render_makes_no_writer_thread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    writers: list[object] = []
    real = project_document.SaveWriter

    def spy(*args: object, **kwargs: object) -> object:
        writers.append(args)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(project_document, "SaveWriter", spy)
    script = tmp_path / "s.txt"
    script.write_text("A lighthouse at dusk. [1s]\n")
    folder = tmp_path / "r"
    assert (
        main(["video", "init", str(folder), "--provider", "animatic", "--script", str(script)]) == 0
    )
    assert main(["video", "render", str(folder)]) == 0
    assert project_store.load(folder).scenes[0].clip_path
    assert writers == []
