"""Start-up times: a fresh process to a shown main window, and the CLI's `--version` and `estimate`.

Each figure is the median of N fresh processes (default 5). The window is shown on the
``offscreen`` Qt platform unless ``QT_QPA_PLATFORM`` says otherwise.

Run: ``python -m benchmarks.startup [--runs 5]``. Prints one JSON object.
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
from pathlib import Path

from benchmarks._common import machine, workdir

#: The child: import the app, build it, show the window, and wait until it is exposed. It prints
#: seconds since the parent started it (the parent's clock, passed in ``BENCH_T0``).
WINDOW_CHILD = """
import json, os, time
t0 = float(os.environ["BENCH_T0"])
from PySide6.QtCore import QEventLoop
import imageai.app
from imageai.core.secrets import InMemorySecretStore
imported = time.time() - t0
app, collector = imageai.app.qt_application([])
parts = imageai.app.build(InMemorySecretStore())
built = time.time() - t0
parts.window.show()
collector.freeze_long_lived()
while parts.window.windowHandle() is None or not parts.window.windowHandle().isExposed():
    app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 5)
app.processEvents()
shown = time.time() - t0
print(json.dumps({"imported_s": imported, "built_s": built, "shown_s": shown}))
parts.shutdown()
"""

#: Targets for the record; the issue asks for the figure, these say what feels instant.
WINDOW_TARGET_S = 2.0
CLI_TARGET_S = 0.5


def _env(home: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env.update(IMAGEAI_HOME=str(home), IMAGEAI_NO_KEYRING="1")
    return env


def window_once(home: Path) -> dict[str, float]:
    env = _env(home)
    env["BENCH_T0"] = repr(time.time())
    done = subprocess.run(
        [sys.executable, "-c", WINDOW_CHILD],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    last = done.stdout.strip().splitlines()[-1]
    return {key: float(value) for key, value in json.loads(last).items()}


def command_once(argv: list[str], home: Path) -> float:
    """Wall time of one CLI process, start to exit."""
    started = time.perf_counter()
    subprocess.run(argv, env=_env(home), capture_output=True, check=True, timeout=120)
    return time.perf_counter() - started


def _cli() -> list[str]:
    script = Path(sys.executable).with_name("imageai")
    return [str(script)] if script.exists() else [sys.executable, "-m", "imageai.cli.main"]


def _estimate_project(folder: Path) -> Path:
    from imageai.core import project_store
    from imageai.core.models import Project, Scene

    project_store.create_folder(folder)
    scenes = tuple(Scene(prompt=f"shot {i + 1}") for i in range(12))
    project_store.save(Project(title="bench", scenes=scenes), folder)
    return folder


def _median(values: list[float]) -> float:
    return round(statistics.median(values), 3)


def run(runs: int) -> dict[str, object]:
    base = workdir()
    try:
        home = base / "home"
        project = _estimate_project(base / "project")
        cli = _cli()
        window_once(home)  # warm the OS file cache and Python's bytecode cache: not counted
        windows = [window_once(home) for _ in range(runs)]
        version = [command_once([*cli, "--version"], home) for _ in range(runs)]
        estimate = [
            command_once([*cli, "video", "estimate", str(project)], home) for _ in range(runs)
        ]
    finally:
        shutil.rmtree(base, ignore_errors=True)
    return {
        "benchmark": "startup",
        "date": time.strftime("%Y-%m-%d"),
        "machine": machine(),
        "platform": os.environ.get("QT_QPA_PLATFORM", "offscreen"),
        "runs": runs,
        "window_shown_s": _median([w["shown_s"] for w in windows]),
        "window_shown_all_s": [round(w["shown_s"], 3) for w in windows],
        "window_imports_s": _median([w["imported_s"] for w in windows]),
        "window_built_s": _median([w["built_s"] for w in windows]),
        "window_target_s": WINDOW_TARGET_S,
        "cli_version_s": _median(version),
        "cli_estimate_s": _median(estimate),
        "cli_target_s": CLI_TARGET_S,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    print(json.dumps(run(args.runs), indent=2))


if __name__ == "__main__":
    main()
