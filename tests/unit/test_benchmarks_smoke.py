"""The GUI benchmarks run end to end with tiny parameters, and their gap arithmetic is right."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from benchmarks import gui_event_loop, startup
from imageai.services.job_runner import live_threads

if TYPE_CHECKING:
    from pathlib import Path

    from pytestqt.qtbot import QtBot


def test_gap_figures_count_and_locate_stalls() -> None:
    watcher = gui_event_loop.StallWatcher(gui_ident=0)
    watcher.samples = [(1.05, "project_store.py:42 atomic_write_text"), (9.0, "elsewhere")]
    ticks = [1.0, 1.01, 1.02, 1.09, 1.10]  # one 70 ms gap, three 10 ms gaps

    figures = gui_event_loop.gap_figures(ticks, watcher, origin=1.0)

    assert figures["max_gap_ms"] == pytest.approx(70.0)
    assert figures["median_gap_ms"] == pytest.approx(10.0)
    assert figures["gaps_over_50ms"] == 1
    assert figures["gaps_over_50ms_by_cause"] == {"waited": 1}
    assert figures["stalls"] == [
        {
            "at_s": 0.02,
            "gap_ms": 70.0,
            "gui_cpu_ms": None,
            "machine_idle_pct": None,
            "gui_runqueue_ms": None,
            "gui_stack": {"project_store.py:42 atomic_write_text": 1},
            "other_threads_running_python": {},
        }
    ]


def test_a_gap_spent_waiting_for_a_cpu_is_starvation() -> None:
    watcher = gui_event_loop.StallWatcher(gui_ident=0)
    # The GUI thread's schedstat: 60 ms in the runqueue during the 70 ms gap, then 5 ms.
    watcher.gui_sched = [
        (1.02, 0, 0),
        (1.09, 4_000_000, 60_000_000),
        (1.10, 4_500_000, 60_000_000),
        (1.17, 9_000_000, 65_000_000),
    ]
    ticks = [1.0, 1.01, 1.02, 1.09, 1.10, 1.17]  # two gaps over 50 ms

    figures = gui_event_loop.gap_figures(ticks, watcher, origin=1.0)

    assert figures["gaps_over_50ms_by_cause"] == {"starved": 1, "waited": 1}
    assert [s["gui_runqueue_ms"] for s in figures["stalls"]] == [60.0, 5.0]


@pytest.mark.qt_log_ignore("does not support propagateSizeHints")  # the offscreen platform
def test_event_loop_benchmark_renders_and_reports(qtbot: QtBot) -> None:
    result = gui_event_loop.run(scenes=2, concurrency=2, seconds=1, tail_s=0.1)

    assert result["done_failed_cancelled"] == [2, 0, 0]
    rendering = result["while_rendering"]
    assert isinstance(rendering, dict)
    assert rendering["ticks"] > 10
    assert rendering["max_gap_ms"] >= rendering["p99_gap_ms"] >= rendering["median_gap_ms"] > 0
    qtbot.wait_until(lambda: not live_threads(), timeout=10_000)


def test_startup_benchmark_measures_a_shown_window_and_the_cli(tmp_path: Path) -> None:
    figures = startup.window_once(tmp_path / "home")

    assert 0 < figures["imported_s"] <= figures["built_s"] <= figures["shown_s"] < 60
    assert 0 < startup.command_once([*startup._cli(), "--version"], tmp_path / "home") < 60


def test_throughput_parts_split_startup_wave_gaps_and_tail() -> None:
    from benchmarks import render_throughput

    # Two slots, 3 s generations: creates at 10.5 and 10.6; the next two take the slots freed at
    # 13.5 and 13.6, 0.3 s and 0.4 s late; the last clip lands at 17.0, the process ends at 17.3.
    entries = [
        {"event": "intent", "ts": 10.4},
        {"event": "created", "ts": 10.5},
        {"event": "intent", "ts": 10.55},
        {"event": "created", "ts": 10.6},
        {"event": "intent", "ts": 14.0},
        {"event": "created", "ts": 14.1},
        {"event": "intent", "ts": 13.8},
        {"event": "created", "ts": 13.85},
        {"event": "downloaded", "ts": 16.9},
        {"event": "downloaded", "ts": 17.0},
    ]

    figures = render_throughput.parts(entries, t0=10.0, t_exit=17.3, concurrency=2, generation_s=3)

    assert figures["startup_s"] == pytest.approx(0.4)
    assert figures["wave_gap_mean_s"] == pytest.approx(0.35)
    assert figures["wave_gap_max_s"] == pytest.approx(0.4)
    assert figures["tail_s"] == pytest.approx(0.3)
