"""Wall time of a whole ``imageai video render`` process (start to exit) against the fake server,
vs the ideal ceil(N/c) x generation time, split into start-up, per-wave gap and tail.

The CLI runs as a user runs it: a fresh ``python -m imageai`` process rendering a saved project
of N scenes at concurrency c, with the fake API server in its own process. The parts come from
the project's ledger, whose lines carry the child's wall-clock times (the same clock as ours):

- start-up: process start to the first create's intent line;
- wave gap: for each create after the first wave, the time from the end of the generation whose
  slot it takes (the fake finishes a job ``generation`` seconds after its create) to its intent;
- tail: the last clip's ``downloaded`` line to process exit.

Run: ``python -m benchmarks.render_throughput [--provider sora|omni] [--scenes 8]
[--concurrency 4] [--generation 3] [--poll-after-ms 500] [--runs 5]``. Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import time
from typing import TYPE_CHECKING, Any

from benchmarks._common import KEY, machine, sora_project, start_fake, workdir
from tests.fakes.server_process import REPO

if TYPE_CHECKING:
    from pathlib import Path

TARGET = 1.10


def _env(home: Path, fake_url: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("OPENAI_", "GOOGLE_", "GEMINI_", "IMAGEAI_"))
    }
    env.update(
        QT_QPA_PLATFORM="offscreen",
        IMAGEAI_HOME=str(home),
        IMAGEAI_NO_KEYRING="1",
        OPENAI_API_KEY=KEY,
        GEMINI_API_KEY=KEY,
        GOOGLE_GEMINI_BASE_URL=fake_url,
    )
    return env


def _cli(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "imageai", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def _project(provider: str, folder: Path, scenes: int, fake_url: str, env: dict[str, str]) -> None:
    if provider == "sora":
        sora_project(folder, scenes, f"{fake_url}/v1")
        return
    script = folder.parent / "script.txt"
    script.write_text("\n\n".join(f"bench shot {i}" for i in range(scenes)) + "\n")
    init = _cli(
        ["video", "init", str(folder), "--provider", provider, "--script", str(script)], env
    )
    if init.returncode != 0:
        raise RuntimeError(f"init failed: {init.stdout}{init.stderr}")


def parts(
    entries: list[dict[str, Any]], t0: float, t_exit: float, concurrency: int, generation_s: float
) -> dict[str, float]:
    """Start-up, mean/max wave gap and tail (seconds) from ledger lines and the process clock."""
    intents = sorted(e["ts"] for e in entries if e["event"] == "intent")
    ends = sorted(e["ts"] + generation_s for e in entries if e["event"] == "created")
    downloads = [e["ts"] for e in entries if e["event"] == "downloaded"]
    if not intents or not downloads:
        raise ValueError("the ledger holds no finished render")
    # The k-th create after the first wave takes the slot of the k-th generation to end.
    gaps = [intent - end for intent, end in zip(intents[concurrency:], ends, strict=False)]
    return {
        "startup_s": round(intents[0] - t0, 3),
        "wave_gap_mean_s": round(statistics.fmean(gaps), 3) if gaps else 0.0,
        "wave_gap_max_s": round(max(gaps), 3) if gaps else 0.0,
        "tail_s": round(t_exit - max(downloads), 3),
    }


def run_once(
    provider: str, scenes: int, concurrency: int, generation_s: float, poll_after_ms: int
) -> dict[str, Any]:
    """One fresh CLI process rendering a fresh project; figures for that run."""
    base = workdir()
    server = start_fake(base, generation_seconds=generation_s, poll_after_ms=poll_after_ms)
    try:
        env = _env(base / "home", server.url)
        folder = base / "project"
        _project(provider, folder, scenes, server.url, env)
        args = ["video", "render", str(folder), "--concurrency", str(concurrency)]
        t0 = time.time()
        render = subprocess.run(
            [sys.executable, "-m", "imageai", *args],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        t_exit = time.time()
        if render.returncode != 0:
            raise RuntimeError(f"render failed: {render.stdout}{render.stderr}")
        lines = (folder / "ledger.jsonl").read_text().splitlines()
        entries = [json.loads(line) for line in lines if line.strip()]
        stats = server.stats()
    finally:
        server.stop()
        shutil.rmtree(base, ignore_errors=True)
    ideal = math.ceil(scenes / concurrency) * generation_s
    wall = t_exit - t0
    return {
        "wall_s": round(wall, 3),
        "wall_ratio": round(wall / ideal, 3),
        **parts(entries, t0, t_exit, concurrency, generation_s),
        "creates_billed": stats.get("creates_billed", 0),
        "polls": stats.get("sora_polls", stats.get("omni_polls", 0)),
    }


def run(
    provider: str, scenes: int, concurrency: int, generation_s: float, poll_after_ms: int, runs: int
) -> dict[str, object]:
    results = [
        run_once(provider, scenes, concurrency, generation_s, poll_after_ms) for _ in range(runs)
    ]
    return {
        "benchmark": "render_throughput",
        "date": time.strftime("%Y-%m-%d"),
        "machine": machine(),
        "provider": provider,
        "scenes": scenes,
        "concurrency": concurrency,
        "generation_s": generation_s,
        "poll_after_ms": poll_after_ms,
        "ideal_s": math.ceil(scenes / concurrency) * generation_s,
        "median_wall_ratio": statistics.median(r["wall_ratio"] for r in results),
        "target": TARGET,
        "runs": results,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--provider", choices=("sora", "omni"), default="sora")
    parser.add_argument("--scenes", type=int, default=8)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--generation", type=float, default=3.0, help="seconds per job")
    parser.add_argument("--poll-after-ms", type=int, default=500)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    result = run(
        args.provider, args.scenes, args.concurrency, args.generation, args.poll_after_ms, args.runs
    )
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
