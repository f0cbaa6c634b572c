"""Longest stall of the GUI event loop (gaps between ticks of a 10 ms timer) while animatic jobs run.

The app is built as `imageai.app.build` builds it (real `VideoWorkspace`, `RenderController`,
`JobRunner`, `AnimaticProvider` rendering with ffmpeg), the main window is shown (offscreen unless
``QT_QPA_PLATFORM`` says otherwise) and N scenes with reference images are rendered. A watcher
thread samples the GUI thread's Python stack whenever a tick is late, so a stall names its cause.

With ``--play-cut`` the scenes are then rendered again (new takes) while the embedded player
plays the cut from the first takes, as an artist reviews the animatic while the cloud renders run.

Run: ``python -m benchmarks.gui_event_loop [--scenes 8] [--concurrency 4] [--seconds 6]
[--play-cut]``. Prints one JSON object.
"""

from __future__ import annotations

import argparse
import collections
import itertools
import json
import os
import shutil
import sys
import threading
import time
from typing import TYPE_CHECKING

from benchmarks._common import machine, workdir

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence
    from pathlib import Path

    from PySide6.QtCore import SignalInstance

    from imageai.app import AppParts

TICK_MS = 10
STALL_MS = 50
#: From pressing Play cut to pressing Render (a second click on another button).
SECOND_CLICK_MS = 250
#: A tick later than this makes the watcher sample the GUI thread's stack.
SAMPLE_AFTER_MS = 30


class StallWatcher:
    """Samples the GUI thread's Python stack (with a timestamp) while its timer ticks are late."""

    def __init__(self, gui_ident: int) -> None:
        self.last_tick = time.perf_counter()
        self.samples: list[tuple[float, str]] = []
        #: Other threads seen running Python code (not waiting) while a tick was late: a GUI
        #: thread with little CPU in a gap may have waited for the GIL they held.
        self.others: list[tuple[float, str]] = []
        #: ``(time, idle, total)`` CPU jiffies of the whole machine (Linux), to tell a gap
        #: where every CPU was busy (the GUI thread starved) from one where they idled.
        self.machine: list[tuple[float, int, int]] = []
        #: ``(time, on-CPU ns, runqueue-wait ns)`` of the GUI thread (Linux schedstat): a gap
        #: the thread spent runnable but not running is CPU starvation, not a lock or the GIL.
        self.gui_sched: list[tuple[float, int, int]] = []
        self._gui = gui_ident
        self._gui_native = threading.get_native_id()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="stall-watcher", daemon=True)

    def tick(self) -> None:
        self.last_tick = time.perf_counter()

    def _run(self) -> None:
        me = threading.get_ident()
        while not self._stop.wait(0.005):
            now = time.perf_counter()
            if (jiffies := _machine_jiffies()) is not None:
                self.machine.append((now, *jiffies))
            if (sched := _thread_schedstat(self._gui_native)) is not None:
                self.gui_sched.append((now, *sched))
            if (now - self.last_tick) * 1000 < SAMPLE_AFTER_MS:
                continue
            for ident, frame in sys._current_frames().items():
                if ident == self._gui:
                    self.samples.append((now, _where(frame)))
                elif ident != me and not _waiting(frame):
                    self.others.append((now, _where(frame, 3)))

    def during(self, start: float, end: float) -> dict[str, int]:
        """How often each stack was sampled between two ticks."""
        found = collections.Counter(where for at, where in self.samples if start < at <= end)
        return dict(found.most_common(4))

    def others_during(self, start: float, end: float) -> dict[str, int]:
        found = collections.Counter(where for at, where in self.others if start < at <= end)
        return dict(found.most_common(3))

    def machine_idle(self, start: float, end: float) -> float | None:
        """Percent of the machine's CPU time that was idle between two ticks (Linux only)."""
        inside = [m for m in self.machine if start - 0.005 <= m[0] <= end + 0.005]
        if len(inside) < 2 or inside[-1][2] == inside[0][2]:
            return None
        idle = inside[-1][1] - inside[0][1]
        return round(100 * idle / (inside[-1][2] - inside[0][2]), 0)

    def gui_runqueue_ms(self, start: float, end: float) -> float | None:
        """How long the GUI thread waited for a CPU while runnable between two ticks (Linux)."""
        inside = [m for m in self.gui_sched if start - 0.005 <= m[0] <= end + 0.005]
        if len(inside) < 2:
            return None
        return round((inside[-1][2] - inside[0][2]) / 1e6, 1)

    def __enter__(self) -> StallWatcher:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


#: Innermost functions of a thread that waits (a lock, a socket, a pipe, a sleep).
_WAITS = {
    "wait",
    "_wait_for_tstate_lock",
    "select",
    "poll",
    "recv",
    "recv_into",
    "read",
    "readinto",
    "accept",
    "sleep",
    "_run_once",
    "get",
    "communicate",
    "_communicate",
}


def _waiting(frame: object) -> bool:
    return getattr(getattr(frame, "f_code", None), "co_name", "") in _WAITS


def _machine_jiffies() -> tuple[int, int] | None:
    try:
        with open("/proc/stat", encoding="ascii") as stat:
            fields = [int(x) for x in stat.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    return fields[3] + fields[4], sum(fields)  # idle + iowait, all


def _thread_schedstat(native_id: int) -> tuple[int, int] | None:
    try:
        with open(f"/proc/self/task/{native_id}/schedstat", encoding="ascii") as stat:
            on_cpu, waiting, _ = (int(x) for x in stat.read().split())
    except (OSError, ValueError):
        return None
    return on_cpu, waiting


def _where(frame: object, depth: int = 6) -> str:
    """The stack below the event loop, innermost last, as ``file:line function`` entries.

    Walked by hand: ``traceback.extract_stack`` walks the whole stack and reads source lines,
    holding the GIL the GUI thread is waiting for in the very gaps it describes.
    """
    names: list[str] = []
    while frame is not None and len(names) < depth:
        code = frame.f_code  # type: ignore[attr-defined]
        names.append(f"{os.path.basename(code.co_filename)}:{frame.f_lineno} {code.co_name}")  # type: ignore[attr-defined]
        frame = frame.f_back  # type: ignore[attr-defined]
    # Only the GUI's own frames: the benchmark's and runpy's say "inside the Qt event loop".
    names = [
        n for n in reversed(names) if not n.startswith(("gui_event_loop.py", "<frozen runpy>"))
    ]
    return " > ".join(names) or "(in Qt, no Python frame)"


def _reference(path: Path) -> Path:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (1920, 1080))
    draw = ImageDraw.Draw(image)
    for y in range(0, 1080, 4):
        shade = 40 + 150 * y // 1080
        draw.rectangle([(0, y), (1920, y + 4)], fill=(shade // 3, shade // 2, shade))
    draw.polygon([(840, 1080), (900, 390), (1020, 390), (1080, 1080)], fill=(230, 230, 220))
    image.save(path)
    return path


def project_folder(folder: Path, scenes: int, seconds: int) -> Path:
    """A saved animatic project: ``scenes`` scenes of ``seconds`` s on one 1080p reference."""
    from imageai.core import project_store
    from imageai.core.models import AnimaticSettings, Project, Scene

    project_store.create_folder(folder)
    _reference(folder / "refs" / "lighthouse.png")
    project = Project(title="bench")
    settings = project.settings.model_copy(update={"animatic": AnimaticSettings(seconds=seconds)})
    scenes_ = tuple(
        Scene(prompt=f"bench shot {i + 1}", reference_image="refs/lighthouse.png")
        for i in range(scenes)
    )
    project_store.save(project.model_copy(update={"settings": settings, "scenes": scenes_}), folder)
    return folder


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else 0.0


def gap_figures(
    ticks: list[float], watcher: StallWatcher, origin: float, cpu: list[float] | None = None
) -> dict[str, object]:
    """Max, p99 and median gap between ticks, the count over the target, and each stall's stack.

    ``cpu`` (the GUI thread's CPU clock at each tick) tells a busy GUI thread (CPU time close to
    the gap) from one that waited: for the CPU, the GIL or the disk.
    """
    gaps = [(b - a) * 1000 for a, b in itertools.pairwise(ticks)]
    stalls = [
        {
            "at_s": round(ticks[i] - origin, 2),
            "gap_ms": round(gap, 1),
            "gui_cpu_ms": round((cpu[i + 1] - cpu[i]) * 1000, 1) if cpu else None,
            "machine_idle_pct": watcher.machine_idle(ticks[i], ticks[i + 1]),
            "gui_runqueue_ms": watcher.gui_runqueue_ms(ticks[i], ticks[i + 1]),
            "gui_stack": watcher.during(ticks[i], ticks[i + 1]),
            "other_threads_running_python": watcher.others_during(ticks[i], ticks[i + 1]),
        }
        for i, gap in enumerate(gaps)
        if gap > STALL_MS
    ]
    return {
        "ticks": len(ticks),
        "max_gap_ms": round(max(gaps, default=0.0), 1),
        "p99_gap_ms": round(_percentile(gaps, 0.99), 1),
        "median_gap_ms": round(_percentile(gaps, 0.5), 1),
        "gaps_over_50ms": len(stalls),
        # The GUI thread's whole CPU time over the measure: what it spent, stalls or not.
        "gui_cpu_s": round(cpu[-1] - cpu[0], 2) if cpu else None,
        "gaps_over_50ms_by_cause": _causes(stalls),
        "stalls": stalls[:10],
    }


def _causes(stalls: Sequence[Mapping[str, object]]) -> dict[str, int]:
    """Each gap over the target, told apart by what the GUI thread did in it: ``gui_busy``
    (it ran for >= 40 % of the gap), ``starved`` (it was runnable, waiting for a CPU, for
    >= 40 %: the scheduler's own figure where Linux gives it, else "every CPU was busy"), and
    ``waited`` (it slept: the GIL, a lock, the disk)."""
    found: collections.Counter[str] = collections.Counter()
    for stall in stalls:
        gap, cpu = stall["gap_ms"], stall["gui_cpu_ms"]
        idle, queued = stall["machine_idle_pct"], stall.get("gui_runqueue_ms")
        assert isinstance(gap, float)
        if isinstance(cpu, float) and cpu >= 0.4 * gap:
            found["gui_busy"] += 1
        elif isinstance(queued, float):
            found["starved" if queued >= 0.4 * gap else "waited"] += 1
        elif isinstance(idle, float) and idle <= 10:
            found["starved"] += 1
        else:
            found["waited"] += 1
    return dict(found)


def _measure(
    parts: AppParts,
    action: Callable[[], object],
    done: SignalInstance | None,
    tail_s: float,
    limit_s: float,
) -> tuple[dict[str, object], float]:
    """Tick a 10 ms timer on the GUI thread from ``action()`` until ``done`` (+ tail) fires."""
    from PySide6.QtCore import QEventLoop, Qt, QTimer

    ticks: list[float] = []
    cpu: list[float] = []
    loop = QEventLoop()
    timer = QTimer()
    timer.setTimerType(Qt.TimerType.PreciseTimer)
    watcher = StallWatcher(threading.get_ident())

    def on_tick() -> None:
        ticks.append(time.perf_counter())
        cpu.append(time.thread_time())
        watcher.tick()

    def end(*_args: object) -> None:
        # Keep measuring a moment: thumbnails repaint and the last saves land after this.
        QTimer.singleShot(int(tail_s * 1000), loop.quit)

    timer.timeout.connect(on_tick)
    if done is not None:
        done.connect(end)
    QTimer.singleShot(int((tail_s if done is None else limit_s) * 1000), loop.quit)
    with watcher:
        timer.start(TICK_MS)
        started = time.perf_counter()
        on_tick()
        action()
        loop.exec()
        wall = time.perf_counter() - started
        timer.stop()
    if done is not None:
        done.disconnect(end)
    return gap_figures(ticks, watcher, started, cpu), wall


def _play_cut_and_render(parts: AppParts, limit: float, tail_s: float) -> dict[str, object]:
    """Play the cut (the takes just rendered) and render every scene again at the same time."""
    from PySide6.QtCore import QTimer
    from PySide6.QtMultimedia import QMediaPlayer

    ws, viewer = parts.workspace, parts.window.video_panel.viewer
    player = viewer.player.media_player()
    if player is None:
        return {"skipped": "QtMultimedia is not available"}
    positions: list[int] = []
    scenes_played: list[str] = []
    states: list[str] = []
    player.positionChanged.connect(positions.append)
    player.playbackStateChanged.connect(lambda state: states.append(state.name))
    viewer.player.cut_scene_started.connect(lambda scene_id, _row: scenes_played.append(scene_id))
    errors: list[str] = []
    player.errorOccurred.connect(lambda _e, message: errors.append(message))

    def render_again() -> None:
        ids = [scene.id for scene in ws.document.project.scenes]
        ws.render(ws.plan(ids, again=True))

    def start() -> None:
        if not viewer.play_cut():
            raise RuntimeError("no take to play: the first render failed")
        # Two presses (Play cut, then Render) as a user makes them: a moment apart (two
        # clicks on different buttons are hundreds of ms apart), not in two back-to-back
        # passes of the event loop, which measured one gap no user could cause. The figures
        # cover both presses and everything between.
        QTimer.singleShot(SECOND_CLICK_MS, render_again)

    figures, wall = _measure(parts, start, ws.render_finished, tail_s, limit)
    playing = player.playbackState() == QMediaPlayer.PlaybackState.PlayingState
    viewer.player.stop_cut()
    player.stop()
    figures["render_wall_s"] = round(wall - tail_s, 2)
    # Proof that the cut really played during the measurement (not a paused poster).
    figures["player"] = {
        "position_updates": len(positions),
        "furthest_position_ms": max(positions, default=0),
        "scenes_started": len(scenes_played),
        "still_playing_at_end": playing,
        "errors": errors[:3],
    }
    return figures


def run(
    scenes: int, concurrency: int, seconds: int, tail_s: float = 1.0, *, play_cut: bool = False
) -> dict[str, object]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    base = workdir()
    os.environ["IMAGEAI_HOME"] = str(base / "home")
    os.environ["IMAGEAI_NO_KEYRING"] = "1"
    from PySide6.QtWidgets import QMessageBox

    from imageai.app import build, qt_application
    from imageai.core.catalog import default_catalog
    from imageai.core.secrets import InMemorySecretStore

    # As the app's main() makes it: garbage is collected on the GUI thread only, in its
    # passes, as a user's app does (left automatic, it ran on any thread at any time).
    _app, collector = qt_application([])
    parts = build(InMemorySecretStore(), default_catalog(), checkers={})
    parts.window.ask_unsaved = lambda: QMessageBox.StandardButton.Discard  # type: ignore[method-assign]
    parts.workspace.runner.max_concurrency = concurrency
    parts.window.resize(1440, 900)
    parts.window.show()
    collector.freeze_long_lived()
    outcome: list[int] = []
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    parts.workspace.render_finished.connect(lambda *counts: outcome.extend(counts))
    try:
        # Open the project (File > Open: its cards paint, the reference image decodes), then
        # press Render: the two are measured apart.
        folder = project_folder(base / "project", scenes, seconds)
        opening, _ = _measure(parts, lambda: parts.workspace.open_project(folder), None, 1.0, 0)
        limit = scenes * seconds * 3 + 120
        rendering, wall = _measure(
            parts,
            lambda: parts.workspace.render(None),
            parts.workspace.render_finished,
            tail_s,
            limit,
        )
        playing = _play_cut_and_render(parts, limit, tail_s) if play_cut else None
    finally:
        try:
            parts.window.hide()
            parts.shutdown()
            parts.window.deleteLater()
        finally:
            collector.stop()
        shutil.rmtree(base, ignore_errors=True)
    return {
        "benchmark": "gui_event_loop",
        "date": time.strftime("%Y-%m-%d"),
        "machine": machine(),
        "load_avg_1min_before": load,
        "platform": os.environ["QT_QPA_PLATFORM"],
        "scenes": scenes,
        "concurrency": concurrency,
        "clip_seconds": seconds,
        "done_failed_cancelled": outcome,
        "render_wall_s": round(wall - tail_s, 2),
        "timer_ms": TICK_MS,
        "max_gap_target_ms": STALL_MS,
        "while_rendering": rendering,
        "opening_project": opening,
        **({"while_rendering_again_and_playing_the_cut": playing} if play_cut else {}),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scenes", type=int, default=8)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--seconds", type=int, default=6, help="clip length (animatic)")
    parser.add_argument(
        "--play-cut",
        action="store_true",
        help="then render every scene again while the embedded player plays the cut",
    )
    args = parser.parse_args()
    figures = run(args.scenes, args.concurrency, args.seconds, play_cut=args.play_cut)
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
