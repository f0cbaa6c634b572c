"""Wall time of N scenes at concurrency c against the fake (vs ceil(N/c) x generation time), and
polls per job against the ``openai-poll-after-ms`` hint.

Run: ``python -m benchmarks.render_throughput [--scenes 8] [--concurrency 4] [--generation 5]
[--poll-after-ms 250]``. Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import time

from benchmarks._common import KEY, machine, sora_project, start_fake, workdir


def run(
    scenes: int, concurrency: int, generation_s: float, poll_after_ms: int
) -> dict[str, object]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QCoreApplication, QTimer

    from imageai.core.catalog import default_catalog
    from imageai.core.secrets import InMemorySecretStore
    from imageai.providers.factory import provider_factory
    from imageai.providers.router import ProviderRouter
    from imageai.services.job_runner import JobRunner
    from imageai.services.project_document import ProjectDocument
    from imageai.services.render_controller import RenderController

    base = workdir()
    server = start_fake(base, generation_seconds=generation_s, poll_after_ms=poll_after_ms)
    try:
        folder = sora_project(base / "project", scenes, f"{server.url}/v1")
        app = QCoreApplication.instance() or QCoreApplication([])
        catalog = default_catalog()
        factory = provider_factory(InMemorySecretStore(), catalog, {"OPENAI_API_KEY": KEY})
        router = ProviderRouter(factory)
        runner = JobRunner(concurrency)
        controller = RenderController(ProjectDocument.open(folder), runner, router, catalog)
        for request in controller.plan():  # build (import) the provider before timing
            router.provider_for(request)
        outcome: list[int] = []

        def finished(*counts: int) -> None:
            outcome.extend(counts)
            app.quit()

        controller.batch_finished.connect(finished)
        guard = QTimer()
        guard.setSingleShot(True)
        guard.timeout.connect(app.quit)
        guard.start(int((math.ceil(scenes / concurrency) * generation_s + 60) * 1000))
        started = time.perf_counter()
        controller.render()
        app.exec()
        wall = time.perf_counter() - started
        runner.shutdown(10_000)
        router.close()
        stats = server.stats()
    finally:
        server.stop()
        shutil.rmtree(base, ignore_errors=True)
    ideal = math.ceil(scenes / concurrency) * generation_s
    hint = poll_after_ms / 1000
    # Honouring the hint, a job needs one poll per hint interval of its generation time.
    min_polls = math.ceil(generation_s / hint)
    polls_per_job = stats.get("sora_polls", 0) / scenes
    return {
        "benchmark": "render_throughput",
        "date": time.strftime("%Y-%m-%d"),
        "machine": machine(),
        "scenes": scenes,
        "concurrency": concurrency,
        "generation_s": generation_s,
        "poll_after_ms": poll_after_ms,
        "done_failed_cancelled": outcome,
        "wall_s": round(wall, 3),
        "ideal_s": ideal,
        "wall_ratio": round(wall / ideal, 3),
        "wall_target": 1.10,
        "polls_per_job": round(polls_per_job, 2),
        "min_polls_per_job": min_polls,
        "poll_ratio": round(polls_per_job / min_polls, 3),
        "poll_target": 1.2,
        "creates_billed": stats.get("creates_billed", 0),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scenes", type=int, default=8)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--generation", type=float, default=5.0, help="seconds per job")
    parser.add_argument("--poll-after-ms", type=int, default=250)
    args = parser.parse_args()
    result = run(args.scenes, args.concurrency, args.generation, args.poll_after_ms)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
