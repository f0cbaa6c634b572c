"""The app keeps Qt's painting on the thread that paints (`prepare_qt_environment`).

Qt's raster engine otherwise hands large fills to a pool of threads and sleeps until they
finish; on a machine busy with encoders each hand-off stalled the GUI thread again.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from imageai.app import prepare_qt_environment

#: Paints what a scroll bar's groove paints (a blended fill 1,000 rows tall), then prints how
#: many of Qt's pool threads the process has.
PAINT = """
import os, sys
if sys.argv[1] == "prepared":
    from imageai.app import prepare_qt_environment
    prepare_qt_environment()
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QApplication
app = QApplication([])
image = QImage(400, 1000, QImage.Format.Format_ARGB32_Premultiplied)
painter = QPainter(image)
for shade in range(10):
    painter.fillRect(image.rect(), QColor(shade, 0, 0, 128))
painter.end()
names = [open(f"/proc/self/task/{t}/comm").read() for t in os.listdir("/proc/self/task")]
print(sum(name.startswith("Thread (pooled)") for name in names))
"""


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="names threads through /proc")
@pytest.mark.parametrize(("how", "pool_threads"), [("as Qt starts", True), ("prepared", False)])
def test_the_app_paints_large_fills_without_qts_thread_pool(how: str, pool_threads: bool) -> None:
    env = {k: v for k, v in os.environ.items() if k != "QT_NO_GUI_THREADPOOL"}
    env["QT_QPA_PLATFORM"] = "offscreen"
    done = subprocess.run(
        [sys.executable, "-c", PAINT, how], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    # The first case shows the probe sees the pool: a Qt that renamed the setting fails here.
    assert (int(done.stdout) > 0) is pool_threads


def test_a_user_can_keep_qts_painting_threads() -> None:
    fresh: dict[str, str] = {}
    prepare_qt_environment(fresh)
    assert fresh == {"QT_NO_GUI_THREADPOOL": "1"}
    # Qt reads only whether the variable is set: "0" would still turn its threads off.
    kept = {"IMAGEAI_QT_PAINT_THREADS": "1"}
    prepare_qt_environment(kept)
    assert kept == {"IMAGEAI_QT_PAINT_THREADS": "1"}
