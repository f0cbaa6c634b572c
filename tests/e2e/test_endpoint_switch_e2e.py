"""A paid job is fetched only from the endpoint that created it, whatever the endpoint becomes."""

from __future__ import annotations

import json
import signal
from typing import TYPE_CHECKING

import pytest

from imageai.core import project_store
from imageai.core.ledger import LEDGER_NAME, Ledger
from imageai.core.media import looks_like_mp4
from imageai.core.models import RenderState

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from tests.e2e.conftest import ImageaiCli
    from tests.fakes.server_process import FakeServerProcess

pytestmark = pytest.mark.e2e


def test_jobs_created_on_a_are_fetched_from_a_after_a_detour_to_b(
    fake_api: Callable[..., FakeServerProcess], imageai_cli: ImageaiCli, tmp_path: Path
) -> None:
    # The project has no base URL: OPENAI_BASE_URL decides, and the CLI's `video endpoint`
    # guard never sees that change. Before the fix: resumed on B ("not found"), the ledger
    # closed both jobs, and back on A both scenes were created (billed) again: 4 for 2.
    server_a = fake_api(generation_seconds=3, poll_after_ms=100)
    server_b = fake_api(generation_seconds=0.2, poll_after_ms=100)
    imageai_cli.server = server_a
    folder = tmp_path / "moved"
    script = tmp_path / "moved.txt"
    script.write_text("A lighthouse at dusk.\n\nThe sea at night.\n")
    init = imageai_cli.run(
        "video", "init", str(folder), "--provider", "sora", "--size", "1280x720",
        "--seconds", "4", "--script", str(script),
    )  # fmt: skip
    assert init.returncode == 0, init.stderr

    first = imageai_cli.spawn("video", "render", str(folder), "--concurrency", "2", "--json")
    created = 0
    while created < 2:
        line = first.next_line(timeout=30)
        assert line is not None, "the render never reported its creates"
        created += json.loads(line)["event"] == "created"
    first.process.send_signal(signal.SIGKILL)
    assert first.process.wait(timeout=10) == -signal.SIGKILL

    imageai_cli.server = server_b
    on_b = imageai_cli.run("video", "render", str(folder), "--json")

    assert on_b.returncode != 0
    assert server_b.stats().get("creates_billed", 0) == 0
    assert server_b.stats().get("sora_polls", 0) == 0  # never asked B about A's jobs
    host_a, host_b = server_a.url.removeprefix("http://"), server_b.url.removeprefix("http://")
    assert host_a in on_b.stdout and host_b in on_b.stdout
    assert "failed" not in {e.event for e in Ledger(folder / LEDGER_NAME).entries()}

    imageai_cli.server = server_a
    back = imageai_cli.run("video", "render", str(folder), "--json")

    assert back.returncode == 0, back.stdout[-3000:]
    assert server_a.stats()["creates_billed"] == 2  # exactly one create per scene, ever
    project = project_store.load(folder)
    for scene in project.scenes:
        assert scene.state is RenderState.DONE, (scene.id, scene.state, scene.error)
        assert scene.clip_path is not None and looks_like_mp4(folder / scene.clip_path)
