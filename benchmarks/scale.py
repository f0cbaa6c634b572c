"""Long storyboards and long ledgers: the GUI with 500 scenes, and the CLI with a 20,000-line ledger.

- GUI (as `imageai.app.build` builds it, window shown offscreen unless ``QT_QPA_PLATFORM`` says
  otherwise): open a 500-scene project, scroll the storyboard and the timeline end to end, edit
  a scene's duration (the estimate of all 500 is redone), change the project's duration (every
  scene's cost changes). Each is measured as the longest gap between ticks of a 10 ms timer;
  the target is no gap over 50 ms. For the open, also the time until the cost line shows the
  new project's figures (``costs_shown_ms``; it is priced on a pass after the open).
- Ledger: the same 40-scene animatic project with a new ledger and with 20,000 lines; for each,
  a fresh `imageai video status` process, the render budget check in process, and a fresh
  `imageai video render --scenes 1` process up to its create (the intent line). The target is
  at most 0.3 s more with the long ledger.

Run: ``python -m benchmarks.scale [--scenes 500] [--ledger-lines 20000] [--runs 3]``. Prints one
JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from typing import TYPE_CHECKING, Any

from benchmarks._common import machine, workdir
from benchmarks.gui_event_loop import STALL_MS, _measure, project_folder
from tests.fakes.server_process import REPO

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from imageai.app import AppParts

LEDGER_TARGET_S = 0.3
#: Scroll steps per pass; each step is one timer tick of the scroll driver.
SCROLL_STEPS = 60


def _scroll(parts: AppParts, bar_of: Callable[[AppParts], Any]) -> Callable[[], None]:
    """An action that walks a scroll bar end to end in steps, one per 10 ms tick."""
    from PySide6.QtCore import QTimer

    def start() -> None:
        bar = bar_of(parts)
        step = max(1, (bar.maximum() - bar.minimum()) // SCROLL_STEPS)
        timer = QTimer(parts.window)

        def advance() -> None:
            if bar.value() >= bar.maximum():
                timer.stop()
                timer.deleteLater()
                return
            bar.setValue(bar.value() + step)

        timer.timeout.connect(advance)
        timer.start(10)

    return start


def gui(scenes: int) -> dict[str, object]:
    """Open, scroll and re-estimate a ``scenes``-scene project; gap figures for each."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication, QMessageBox

    from imageai.app import build
    from imageai.core.catalog import default_catalog
    from imageai.core.secrets import InMemorySecretStore

    base = workdir()
    os.environ["IMAGEAI_HOME"] = str(base / "home")
    os.environ["IMAGEAI_NO_KEYRING"] = "1"
    app = QApplication.instance() or QApplication([])
    assert isinstance(app, QApplication)
    parts = build(InMemorySecretStore(), default_catalog(), checkers={})
    parts.window.ask_unsaved = lambda: QMessageBox.StandardButton.Discard  # type: ignore[method-assign]
    parts.window.resize(1440, 900)
    parts.window.show()
    figures: dict[str, object] = {}
    try:
        folder = project_folder(base / "project", scenes, 4)
        workspace = parts.workspace
        panel = parts.window.video_panel
        scroll_s = SCROLL_STEPS * 0.01 + 1.0
        steps: list[tuple[str, Callable[[], object], float]] = [
            ("open", lambda: workspace.open_project(folder), 1.0),
            (
                "scroll_storyboard",
                _scroll(parts, lambda _: panel.storyboard_view.verticalScrollBar()),
                scroll_s,
            ),
            (
                "scroll_timeline",
                _scroll(parts, lambda _: panel.viewer.timeline.horizontalScrollBar()),
                scroll_s,
            ),
            ("edit_one_scene", lambda: _edit_last_scene(parts), 1.0),
            ("change_project_duration", lambda: _change_duration(parts), 1.0),
        ]
        # The cost line is priced on a pass after the open: how long it says "Estimating".
        priced_at: list[float] = []
        workspace.costs.summary_changed.connect(lambda _s: priced_at.append(time.perf_counter()))
        for name, action, tail_s in steps:
            started = time.perf_counter()
            result, _ = _measure(parts, action, None, tail_s, 0)
            figure = {
                k: result[k] for k in ("max_gap_ms", "p99_gap_ms", "gaps_over_50ms", "stalls")
            }
            if name == "open":
                shown = [at for at in priced_at if at >= started]
                figure["costs_shown_ms"] = round((shown[0] - started) * 1000, 1) if shown else None
            figures[name] = figure
    finally:
        parts.window.hide()
        parts.shutdown()
        parts.window.deleteLater()
        shutil.rmtree(base, ignore_errors=True)
    return figures


def _edit_last_scene(parts: AppParts) -> None:
    scene = parts.workspace.document.project.scenes[-1]
    parts.workspace.editor.edit_scene(scene.id, duration=6)


def _change_duration(parts: AppParts) -> None:
    from imageai.core.models import ProviderName

    settings = parts.workspace.document.project.settings.animatic
    parts.workspace.editor.set_provider_settings(
        ProviderName.ANIMATIC, settings.model_copy(update={"seconds": 6})
    )


def _ledger_lines(folder: Path, lines: int) -> None:
    """``lines`` ledger lines as a long-lived project gathers them: renders and re-renders."""
    from imageai.core.ledger import LEDGER_NAME, ledger_for

    scene_ids = [f"old{i:04d}" for i in range(lines // 4)]
    ledger = ledger_for(folder / LEDGER_NAME)
    with ledger.path.open("a", encoding="utf-8") as out:
        ts = time.time() - 86_400
        for n, scene in enumerate(scene_ids):
            job = f"job{n:06d}"
            for event, usd in (
                ("intent", 0.0),
                ("created", 0.4),
                ("completed", 0.0),
                ("downloaded", 0.0),
            ):
                entry = {"ts": ts + n, "event": event, "scene_id": scene, "provider": "animatic",
                         "fingerprint": f"fp{n}", "job_id": None if event == "intent" else job,
                         "usd": usd, "detail": ""}  # fmt: skip
                out.write(json.dumps(entry) + "\n")


def _env(home: Path) -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "GEMINI_", "IMAGEAI_"))
    }
    env.update(QT_QPA_PLATFORM="offscreen", IMAGEAI_HOME=str(home), IMAGEAI_NO_KEYRING="1")
    return env


def _status_s(folder: Path, env: dict[str, str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "imageai", "video", "status", str(folder)],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        raise RuntimeError(done.stdout + done.stderr)
    return time.perf_counter() - started


def _render_start_s(folder: Path, env: dict[str, str], scene: int) -> float:
    """Process start to the new create's intent line in the ledger."""
    before = (
        folder.joinpath("ledger.jsonl").read_text().count("\n")
        if (folder / "ledger.jsonl").exists()
        else 0
    )
    t0 = time.time()
    done = subprocess.run(
        [sys.executable, "-m", "imageai", "video", "render", str(folder), "--scenes", str(scene)],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        raise RuntimeError(done.stdout + done.stderr)
    new = (folder / "ledger.jsonl").read_text().splitlines()[before:]
    intent = next(json.loads(line) for line in new if json.loads(line)["event"] == "intent")
    return float(intent["ts"]) - t0


def _budget_check_s(folder: Path) -> float:
    from imageai.core import project_store
    from imageai.core.budget import committed_spend
    from imageai.core.catalog import default_catalog
    from imageai.core.ledger import LEDGER_NAME, ledger_for

    project = project_store.load(folder)
    started = time.perf_counter()
    committed_spend(ledger_for(folder / LEDGER_NAME), project, default_catalog())
    return time.perf_counter() - started


def ledger(lines: int, runs: int) -> dict[str, object]:
    """Status, budget check and render start with a new ledger vs one of ``lines`` lines."""
    base = workdir()
    env = _env(base / "home")
    figures: dict[str, dict[str, float]] = {}
    try:
        for label, count in (("new", 0), ("long", lines)):
            folder = project_folder(base / label, 40, 1)
            if count:
                _ledger_lines(folder, count)
            figures[label] = {
                "status_s": statistics.median(_status_s(folder, env) for _ in range(runs)),
                "budget_check_s": statistics.median(_budget_check_s(folder) for _ in range(runs)),
                "render_start_s": statistics.median(
                    _render_start_s(folder, env, scene + 1) for scene in range(runs)
                ),
            }
    finally:
        shutil.rmtree(base, ignore_errors=True)
    extra = {k: round(figures["long"][k] - figures["new"][k], 3) for k in figures["new"]}
    return {
        "new": {k: round(v, 3) for k, v in figures["new"].items()},
        "long": {k: round(v, 3) for k, v in figures["long"].items()},
        "extra_s": extra,
        "extra_target_s": LEDGER_TARGET_S,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scenes", type=int, default=500)
    parser.add_argument("--ledger-lines", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    result = {
        "benchmark": "scale",
        "date": time.strftime("%Y-%m-%d"),
        "machine": machine(),
        "scenes": args.scenes,
        "gap_target_ms": STALL_MS,
        "gui": gui(args.scenes),
        "ledger_lines": args.ledger_lines,
        "ledger": ledger(args.ledger_lines, args.runs),
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
