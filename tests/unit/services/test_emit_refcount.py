"""PySide6 6.12 on Python 3.11 drops references to None on each event loop pass: a long render
aborted with "none_dealloc". The app and the CLI reserve them before their loop runs."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

LOOP = (
    "from PySide6.QtCore import QCoreApplication, QTimer\n"
    "app = QCoreApplication([])\n"
    "{guard}"
    "t = QTimer()\n"
    "for _ in range(100_000):\n"
    "    app.processEvents()\n"
    "    t.start(0); t.stop()\n"
    "print('survived')\n"
)


def _run(guard: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run(
        [sys.executable, "-c", LOOP.format(guard=guard)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="None is immortal from Python 3.12")
def test_a_long_event_loop_survives_once_the_references_are_reserved() -> None:
    guarded = _run(
        "from imageai.services.emit_refcount import keep_singletons_alive\n"
        "keep_singletons_alive()\n"
    )
    assert guarded.returncode == 0, guarded.stderr[-2000:]
    assert "survived" in guarded.stdout


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="None is immortal from Python 3.12")
def test_the_probe_tells_truly_whether_the_loop_would_abort() -> None:
    probe = _run(
        "from imageai.services.emit_refcount import event_loop_drops_none\n"
        "print('leaks' if event_loop_drops_none() else 'clean', flush=True)\n"
    )
    unguarded = _run("")
    if probe.stdout.startswith("leaks"):
        assert unguarded.returncode != 0 and "none_dealloc" in unguarded.stderr
    else:
        assert unguarded.returncode == 0
