"""Save As copies the project's files on a job thread, with progress, and loses nothing on failure."""

from __future__ import annotations

import shutil
import threading
from typing import TYPE_CHECKING

from imageai.core import project_store
from imageai.gui.main_window import MainWindow
from imageai.services.jobs_model import JobStatus
from imageai.services.key_check_service import KeyCheckService
from imageai.services.video_workspace import SAVE_AS_JOB_ID

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    import pytest
    from pytestqt.qtbot import QtBot

    from imageai.services.video_workspace import VideoWorkspace


def _with_files(ws: VideoWorkspace) -> Path:
    old = ws.document.folder
    assert old is not None
    for name in ("clips/s1.mp4", "clips/s1-take2.mp4", "thumbs/s1.png", "refs/r.png"):
        (old / name).write_bytes(b"y" * 2048)
    return old


def _window(qtbot: QtBot, ws: VideoWorkspace) -> MainWindow:
    from imageai.core.secrets import InMemorySecretStore

    secrets = InMemorySecretStore()
    window = MainWindow(ws, secrets, KeyCheckService(secrets, {}))
    qtbot.add_widget(window)
    return window


def test_save_as_copies_on_a_job_thread_with_progress_then_switches_folder(
    qtbot: QtBot,
    tmp_path: Path,
    make_workspace: Callable[..., VideoWorkspace],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ws = make_workspace(scenes=2)
    window = _window(qtbot, ws)
    old = _with_files(ws)
    ws.editor.add_scene(prompt="edited before Save As")
    threads = []
    real = shutil.copy2

    def recording_copy(src: Path, dst: Path) -> object:
        threads.append(threading.current_thread())
        return real(src, dst)

    monkeypatch.setattr(shutil, "copy2", recording_copy)
    new = tmp_path / "copy"
    with qtbot.wait_signal(ws.save_as_finished, timeout=10_000) as finished:
        assert window.save_as(new)
        assert ws.document.folder == old  # not switched until every file is there
        assert ws.is_busy()
    assert finished.args == [str(new)]
    assert threads
    assert all(t is not threading.main_thread() for t in threads)
    assert ws.document.folder == new
    assert not ws.document.dirty
    assert (new / "clips" / "s1-take2.mp4").read_bytes() == b"y" * 2048
    assert len(project_store.load(new).scenes) == 3
    assert (old / "clips" / "s1.mp4").is_file()
    row = ws.jobs.row_for(SAVE_AS_JOB_ID)
    assert row is not None
    assert (row.label, row.status) == ("Save As: copying files", JobStatus.DONE)
    assert "Saved to" in window.statusBar().currentMessage()


def test_a_failed_copy_keeps_the_project_where_it_was(
    qtbot: QtBot,
    tmp_path: Path,
    make_workspace: Callable[..., VideoWorkspace],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ws = make_workspace(scenes=1)
    window = _window(qtbot, ws)
    old = _with_files(ws)

    def full_disk(src: Path, dst: Path) -> object:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(shutil, "copy2", full_disk)
    new = tmp_path / "copy"
    with qtbot.wait_signal(ws.save_as_failed, timeout=10_000):
        assert window.save_as(new)
    assert ws.document.folder == old
    assert not project_store.project_file(new).exists()
    assert all(not any(p.iterdir()) for p in new.iterdir())  # only the empty subfolders
    assert (old / "clips" / "s1.mp4").is_file()
    advice = window.video_panel.error_banner.advice
    assert advice is not None
    assert advice.title == "Save As did not finish"
    assert "No space left" in advice.message
    assert not ws.is_busy()


def test_save_as_waits_for_running_jobs(
    qtbot: QtBot, tmp_path: Path, make_workspace: Callable[..., VideoWorkspace]
) -> None:
    ws = make_workspace(scenes=1)
    window = _window(qtbot, ws)
    ws.render(None)
    assert not window.save_as(tmp_path / "copy")
    advice = window.video_panel.error_banner.advice
    assert advice is not None
    assert "wait for the running jobs" in advice.message
    qtbot.wait_until(lambda: not ws.is_busy(), timeout=10_000)
