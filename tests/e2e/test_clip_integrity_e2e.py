"""End to end: a bad clip is fetched again and never paid again; a kill mid-download leaves no
``.part`` behind after the next run."""

from __future__ import annotations

import json
import signal
from typing import TYPE_CHECKING

import pytest

from imageai.core import project_store
from imageai.core.clip_check import REJECTED_DIR, ExpectedClip, check_clip
from imageai.core.ledger import LEDGER_NAME, Ledger
from imageai.core.models import RenderState
from tests.e2e.conftest import wait_for

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from tests.e2e.conftest import ImageaiCli
    from tests.fakes.server_process import FakeServerProcess

pytestmark = pytest.mark.e2e


def _sora_project(cli: ImageaiCli, folder: Path, scenes: int = 1) -> None:
    script = folder.parent / f"{folder.name}.txt"
    script.write_text(
        "\n\n".join(f"Shot {i}: the harbour at dawn, take {i}." for i in range(scenes))
    )
    init = cli.run(
        "video", "init", str(folder), "--provider", "sora", "--size", "1280x720",
        "--seconds", "4", "--script", str(script),
    )  # fmt: skip
    assert init.returncode == 0, init.stderr


def _assert_done_and_checked(folder: Path) -> None:
    for scene in project_store.load(folder).scenes:
        assert scene.state is RenderState.DONE, (scene.id, scene.state, scene.error)
        assert scene.clip_path is not None
        check_clip(folder / scene.clip_path, ExpectedClip.around(4))
    assert not [p for p in (folder / "clips").iterdir() if p.name.endswith(".part")]


@pytest.mark.usefixtures("quick_retries")
@pytest.mark.parametrize("fault", ["zero_filled_clips", "wrong_duration_clips"])
def test_a_bad_clip_is_fetched_again_with_exactly_one_create(
    fake_api: Callable[..., FakeServerProcess],
    imageai_cli: ImageaiCli,
    tmp_path: Path,
    fault: str,
) -> None:
    server = fake_api(generation_seconds=0.3, poll_after_ms=50, **{fault: 1})
    imageai_cli.server = server
    folder = tmp_path / "film"
    _sora_project(imageai_cli, folder)

    render = imageai_cli.run("video", "render", str(folder), "--json")

    assert render.returncode == 0, render.stdout[-3000:] + render.stderr[-3000:]
    _assert_done_and_checked(folder)
    stats = server.stats()
    assert stats[fault] == 1  # the bad clip really was served
    assert stats["creates_billed"] == 1  # and never paid again
    assert stats["sora_downloads"] == 2  # it was fetched again instead


@pytest.mark.usefixtures("quick_retries")
def test_a_clip_that_stays_bad_fails_clearly_and_the_next_render_only_downloads(
    fake_api: Callable[..., FakeServerProcess], imageai_cli: ImageaiCli, tmp_path: Path
) -> None:
    server = fake_api(generation_seconds=0.3, poll_after_ms=50, wrong_duration_clips=100)
    imageai_cli.server = server
    folder = tmp_path / "film"
    _sora_project(imageai_cli, folder)

    first = imageai_cli.run("video", "render", str(folder), "--json")

    assert first.returncode == 1, first.stdout[-3000:]
    events = [json.loads(line) for line in first.stdout.splitlines() if line.startswith("{")]
    failed = [e for e in events if e.get("event") == "failed"]
    assert failed and failed[-1]["kind"] == "bad_clip", first.stdout[-3000:]
    assert f"clips/{REJECTED_DIR}/" in failed[-1]["message"]
    scene = project_store.load(folder).scenes[0]
    assert scene.state is RenderState.FAILED and scene.job_id is not None
    assert scene.job_id in failed[-1]["message"]
    kept = folder / "clips" / REJECTED_DIR / f"{scene.id}.mp4"
    assert kept.stat().st_size > 0  # what arrived is kept for the user to look at
    # The ledger keeps the job open: nothing says it failed or was downloaded.
    entries = [e for e in Ledger(folder / LEDGER_NAME).entries() if e.job_id == scene.job_id]
    assert [e.event for e in entries if e.event in ("failed", "downloaded")] == []

    server.configure(wrong_duration_clips=0)
    second = imageai_cli.run("video", "render", str(folder), "--json")

    assert second.returncode == 0, second.stdout[-3000:]
    _assert_done_and_checked(folder)
    assert project_store.load(folder).scenes[0].job_id == scene.job_id
    assert server.stats()["creates_billed"] == 1  # Retry downloaded the paid job again


def test_parts_left_by_a_kill_mid_download_are_removed_by_the_next_run(
    fake_api: Callable[..., FakeServerProcess], imageai_cli: ImageaiCli, tmp_path: Path
) -> None:
    server = fake_api(generation_seconds=0.3, poll_after_ms=50, slow_clip_seconds=60)
    imageai_cli.server = server
    folder = tmp_path / "film"
    _sora_project(imageai_cli, folder)
    clips = folder / "clips"

    def parts() -> list[Path]:
        return [p for p in clips.iterdir() if p.name.endswith(".part")] if clips.is_dir() else []

    first = imageai_cli.spawn("video", "render", str(folder), "--json")
    assert wait_for(lambda: bool(parts()), timeout=60), "the download never started"
    assert server.stats().get("sora_downloads") == 1
    first.process.send_signal(signal.SIGKILL)
    assert first.process.wait(timeout=10) == -signal.SIGKILL
    left = parts()
    assert left  # what kill -9 leaves behind

    server.configure(slow_clip_seconds=0)
    second = imageai_cli.run("video", "render", str(folder), "--json")

    assert second.returncode == 0, second.stdout[-3000:]
    assert not any(p.exists() for p in left)
    _assert_done_and_checked(folder)
    assert server.stats()["creates_billed"] == 1  # the paid job was resumed, not created again
