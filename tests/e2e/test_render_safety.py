"""Render safety end to end: faults, dropped creates and `kill -9` never bill a scene twice."""

from __future__ import annotations

import json
import signal
from collections import defaultdict
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


def _sora_project(cli: ImageaiCli, folder: Path, scenes: int) -> None:
    script = folder.parent / f"{folder.name}.txt"
    script.write_text("\n\n".join(f"Shot {i}: the lighthouse, take {i}." for i in range(scenes)))
    init = cli.run(
        "video", "init", str(folder), "--provider", "sora", "--size", "1280x720",
        "--seconds", "4", "--script", str(script),
    )  # fmt: skip
    assert init.returncode == 0, init.stderr


def _created_jobs(folder: Path) -> dict[str, set[str]]:
    """Scene id -> the distinct provider jobs the ledger says were created (billed) for it."""
    jobs: dict[str, set[str]] = defaultdict(set)
    for entry in Ledger(folder / LEDGER_NAME).entries():
        if entry.event == "created" and entry.job_id:
            jobs[entry.scene_id].add(entry.job_id)
    return jobs


def _assert_all_done(folder: Path, count: int) -> None:
    project = project_store.load(folder)
    assert len(project.scenes) == count
    for scene in project.scenes:
        assert scene.state is RenderState.DONE, (scene.id, scene.state, scene.error)
        assert scene.clip_path is not None
        clip = folder / scene.clip_path
        assert clip.is_file() and looks_like_mp4(clip)
    assert not list((folder / "clips").glob(".*.part"))  # no half-written download left


@pytest.mark.usefixtures("quick_retries")
def test_faulty_server_renders_twelve_scenes_billing_exactly_twelve(
    fake_api: Callable[..., FakeServerProcess],
    imageai_cli: ImageaiCli,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A create answered 5xx or reset is never re-sent: the list is searched for it (2 s here,
    # the fake's list does not lag), and a scene not found waits for the user's word.
    monkeypatch.setenv("IMAGEAI_LOST_CREATE_WAIT_S", "2")
    server = fake_api(
        fault_rate=0.2,
        drop_after_create_rate=0.1,
        drop_first_creates=1,  # whatever the timing, the run meets at least one dropped create
        generation_seconds=0.6,
        poll_after_ms=100,
        seed=6,
    )
    imageai_cli.server = server
    folder = tmp_path / "twelve"
    _sora_project(imageai_cli, folder, 12)

    render = imageai_cli.run("video", "render", str(folder), "--concurrency", "4", "--json")
    for _ in range(6):  # the user renders the scenes told "outcome unknown" again, by number
        left = [str(i + 1) for i, s in enumerate(project_store.load(folder).scenes)
                if s.state is not RenderState.DONE]  # fmt: skip
        if not left:
            break
        render = imageai_cli.run(
            "video", "render", str(folder), "--scenes", ",".join(left), "--json"
        )

    assert render.returncode == 0, render.stdout[-3000:]
    _assert_all_done(folder, 12)
    stats = server.stats()
    assert stats["creates_billed"] == 12  # the server's own count: nothing billed twice
    assert stats["jobs"] == 12
    # The run really met the faults it claims to survive.
    assert sum(v for k, v in stats.items() if k.startswith("fault_")) >= 10
    assert stats.get("dropped_after_create", 0) >= 1
    jobs = _created_jobs(folder)
    assert sorted(len(ids) for ids in jobs.values()) == [1] * 12
    status = json.loads(imageai_cli.run("video", "status", str(folder), "--json").stdout)
    assert status["total_spent_usd"] == pytest.approx(12 * 0.4)


def test_render_killed_with_sigkill_resumes_without_creating_twice(
    fake_api: Callable[..., FakeServerProcess], imageai_cli: ImageaiCli, tmp_path: Path
) -> None:
    server = fake_api(generation_seconds=2.5, poll_after_ms=100)
    imageai_cli.server = server
    folder = tmp_path / "killed"
    _sora_project(imageai_cli, folder, 6)

    first = imageai_cli.spawn("video", "render", str(folder), "--concurrency", "3", "--json")
    created: list[str] = []
    while len(created) < 2:
        line = first.next_line(timeout=30)
        assert line is not None, "the render never reported created jobs"
        event = json.loads(line)
        if event["event"] == "created":
            created.append(event["scene"])
    first.process.send_signal(signal.SIGKILL)
    assert first.process.wait(timeout=10) == -signal.SIGKILL
    billed_before = server.stats()["creates_billed"]
    assert 2 <= billed_before < 6  # killed mid-way: some scenes in flight, some not started

    second = imageai_cli.run("video", "render", str(folder), "--concurrency", "3", "--json")

    assert second.returncode == 0, second.stdout[-3000:]
    events = [json.loads(line) for line in second.stdout.splitlines() if line.startswith("{")]
    resumed = {e["scene"] for e in events if e["event"] == "created" and e["resumed"]}
    assert set(created) <= resumed  # the jobs in flight were polled, not created again
    _assert_all_done(folder, 6)
    stats = server.stats()
    assert stats["creates_billed"] == 6
    assert stats["jobs"] == 6
    jobs = _created_jobs(folder)
    assert sorted(len(ids) for ids in jobs.values()) == [1] * 6
