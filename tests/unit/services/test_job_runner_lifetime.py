"""JobRunner object lifetime: a job's worker and QThread outlive every line the thread runs."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import weakref
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import Qt

from imageai.services.job_runner import JobRunner, live_threads

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from pytestqt.qtbot import QtBot


def _quick(cancel: threading.Event) -> Iterator[object]:
    yield from ()


def test_worker_lives_until_its_thread_has_ended(qtbot: QtBot) -> None:
    """`QThread.finished` is emitted by the job thread before it is done (Qt still runs its
    cleanup there, `isFinished()` already true). A runner that frees the worker on that signal
    deletes it on the GUI thread while the job thread may still touch it: a segfault under load.
    The finish is held open here to make that window wide and certain."""
    runner = JobRunner(max_concurrency=1)
    in_finish, let_go = threading.Event(), threading.Event()
    refs: list[weakref.ref[object]] = []
    threads: list[object] = []

    def hold_finish() -> None:  # runs on the job thread, inside QThread's finish
        in_finish.set()
        let_go.wait(10)

    def on_started(job_id: str) -> None:
        job = runner._running[job_id]
        assert job.thread is not None and job.worker is not None
        threads.append(job.thread)
        refs.append(weakref.ref(job.worker))
        job.thread.finished.connect(hold_finish, Qt.ConnectionType.DirectConnection)

    runner.job_started.connect(on_started)
    try:
        with qtbot.wait_signal(runner.idle, timeout=5000):
            runner.submit(_quick, "j1")
        qtbot.wait_until(in_finish.is_set, timeout=5000)
        qtbot.wait(50)  # let the GUI thread run anything queued meanwhile (deleteLater too)
        worker = refs[0]()
        assert worker is not None and shiboken6.isValid(worker), "worker freed mid-finish"
        del worker
    finally:
        let_go.set()
    qtbot.wait_until(lambda: refs[0]() is None, timeout=5000)
    assert not live_threads()


def test_many_emits_do_not_abort_the_process(tmp_path: Path) -> None:
    """PySide6 6.12 drops a reference to True on each emit: a plain process (True has a few
    thousand references) aborted with "bool_dealloc" after that many signals. A runner makes
    the process safe before its jobs emit."""
    script = (
        "from PySide6.QtCore import QCoreApplication, QObject, Signal\n"
        "from imageai.services.job_runner import JobRunner\n"
        "app = QCoreApplication([])\n"
        "runner = JobRunner()\n"
        "class A(QObject):\n"
        "    fired = Signal(str, float, str)\n"
        "a = A()\n"
        "for _ in range(50_000):\n"
        "    a.fired.emit('job', 0.5, 'polling')\n"
        "print('survived')\n"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "survived" in done.stdout
