"""One ledger per file in a process, and one process at a time writing jobs to a project."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from typing import TYPE_CHECKING

import pytest

from imageai.core.ledger import LEDGER_NAME, ledger_for
from imageai.core.project_lock import (
    ProjectLock,
    ProjectLockedError,
    acquire_project,
    holding_project,
    release_project,
)
from tests.unit.core.test_job_loop import make_request

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

HOLDER = """
import sys
from pathlib import Path
from imageai.core.project_lock import acquire_project
acquire_project(Path(sys.argv[1]), "render")
print("locked", flush=True)
sys.stdin.readline()
"""


@pytest.fixture
def other_process(tmp_path: Path) -> Iterator[subprocess.Popen[str]]:
    """A second process holding ``tmp_path``'s lock until its stdin closes."""
    child = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(tmp_path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None and child.stdout.readline().strip() == "locked"
    yield child
    child.communicate(timeout=30)  # closes its stdin (it exits) and both pipes


def test_one_ledger_object_per_file(tmp_path: Path) -> None:
    assert ledger_for(tmp_path / LEDGER_NAME) is ledger_for(tmp_path / "x" / ".." / LEDGER_NAME)
    assert ledger_for(tmp_path / LEDGER_NAME) is not ledger_for(tmp_path / "other.jsonl")


def test_appends_from_many_threads_stay_whole_lines(tmp_path: Path) -> None:
    request = make_request(tmp_path)

    def append() -> None:
        for _ in range(50):
            ledger_for(tmp_path / LEDGER_NAME).intent(request)

    threads = [threading.Thread(target=append) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(ledger_for(tmp_path / LEDGER_NAME).entries()) == 200


def test_a_second_lock_on_the_project_is_refused_with_the_holders_pid(tmp_path: Path) -> None:
    first, second = ProjectLock(tmp_path), ProjectLock(tmp_path)
    first.acquire("render")
    with pytest.raises(ProjectLockedError, match=f"pid {os.getpid()} \\(render\\)"):
        second.acquire("remix")
    assert not second.held
    first.release()
    second.acquire("remix")
    assert second.held
    second.release()


def test_another_process_rendering_the_project_is_refused(
    tmp_path: Path, other_process: subprocess.Popen[str]
) -> None:
    with pytest.raises(ProjectLockedError) as refused:
        acquire_project(tmp_path, "render")
    assert f"pid {other_process.pid} (render)" in str(refused.value)
    assert "created (and paid for) twice" in str(refused.value)


def test_one_process_shares_its_lock_between_a_render_and_a_remix(tmp_path: Path) -> None:
    acquire_project(tmp_path, "render")
    with holding_project(tmp_path, "remix"):  # same process: counted, not refused
        pass
    with pytest.raises(ProjectLockedError):
        ProjectLock(tmp_path).acquire()  # still held for the render
    release_project(tmp_path)
    with holding_project(tmp_path):
        pass
