"""The quick start of docs/python-api.md, run as written against the fake server as a process.

The doc's Python blocks under "Quick start" are the script (blocking, async, batch). It runs with
only ``GEMINI_API_KEY`` and ``GOOGLE_GEMINI_BASE_URL`` set, as a new user's script would. Money:
killed mid-batch (SIGKILL) and run again, no job already created is created again; the batch of 8
at concurrency 2 never has more than 2 generations running on the server.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from typing import TYPE_CHECKING

import pytest

from imageai.core.media import ffmpeg_exe
from tests.e2e.conftest import wait_for
from tests.fakes.server_process import REPO, FakeServerProcess

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

pytestmark = pytest.mark.e2e

KEY = "gemini-e2e-python-api"
DOC = REPO / "docs" / "python-api.md"
#: Videos the quick start makes: one blocking, one async, a batch of 8.
VIDEOS = 10


def quick_start() -> str:
    """The Python blocks of the doc's "Quick start" section, joined: the script as written."""
    section = DOC.read_text(encoding="utf-8").split("## Quick start", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```python\n(.*?)```", section, re.DOTALL)
    assert len(blocks) == 3, "the quick start has a blocking, an async and a batch block"
    return "\n".join(blocks)


@pytest.fixture
def sample_clip(tmp_path: Path) -> Path:
    """A real 4 s MP4 with sound (the quick start asks for 4 s; clips are checked on arrival)."""
    clip = tmp_path / "sample.mp4"
    cmd = [
        ffmpeg_exe(), "-loglevel", "error", "-y",
        "-f", "lavfi", "-i", "color=c=navy:s=1280x720:r=24:d=4",
        "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=4",
        "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", str(clip),
    ]  # fmt: skip
    subprocess.run(cmd, check=True, capture_output=True, timeout=60)
    return clip


@pytest.fixture
def fake(tmp_path: Path, sample_clip: Path) -> Iterator[FakeServerProcess]:
    workdir = tmp_path / "fake"
    workdir.mkdir()
    # Long enough that generations started together overlap on the server (the batch's two
    # creates go out within milliseconds); the script waits for 6 rounds of it in turn.
    config = {"valid_keys": [KEY], "generation_seconds": 1.0}
    server = FakeServerProcess(workdir, config, sample_clip=sample_clip)
    yield server
    server.stop()


def _script(tmp_path: Path) -> Path:
    script = tmp_path / "quick_start.py"
    script.write_text(quick_start(), encoding="utf-8")
    return script


def _env(tmp_path: Path, fake: FakeServerProcess) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("OPENAI_", "GOOGLE_", "GEMINI_", "IMAGEAI_"))
    }
    env.update(
        IMAGEAI_HOME=str(tmp_path / "home"),
        IMAGEAI_NO_KEYRING="1",
        GEMINI_API_KEY=KEY,
        GOOGLE_GEMINI_BASE_URL=fake.url,
        PYTHONPATH=str(REPO),
    )
    return env


def _run(tmp_path: Path, fake: FakeServerProcess) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(_script(tmp_path))],
        cwd=tmp_path,
        env=_env(tmp_path, fake),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def _billed(fake: FakeServerProcess) -> dict[str, int]:
    prefix = "omni_billed:"
    return {k[len(prefix) :]: v for k, v in fake.stats().items() if k.startswith(prefix)}


def test_quick_start_runs_as_written_blocking_async_and_batch(
    fake: FakeServerProcess, tmp_path: Path
) -> None:
    run = _run(tmp_path, fake)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    out = run.stdout
    assert "Estimate: $0.40" in out  # Omni 1.1 Flash, 720p, 4 s at $0.10/s
    assert re.search(r"^Saved .*renders/clips/api-\w+\.mp4 \(\$0\.40, job \w+\)$", out, re.M)
    assert "async: True " in out
    batch = [line for line in out.splitlines() if line.startswith("batch: ")]
    assert len(batch) == 8
    assert all(" ok " in line for line in batch), batch
    # In the order given, whatever order they finished in.
    assert [line[7:37].strip() for line in batch][:2] == [
        "The keeper climbs the spiral s",
        "A gull lands on the railing",
    ]
    assert "Spent so far in renders/: $4.00" in out
    stats = fake.stats()
    assert stats["omni_creates"] == VIDEOS
    # The batch of 8 at concurrency 2: at most 2 generations at once, and 2 were reached.
    assert stats["max_generating"] == 2
    assert len(list((tmp_path / "renders" / "clips").glob("*.mp4"))) == VIDEOS

    again = _run(tmp_path, fake)
    assert again.returncode == 0, again.stderr[-3000:]
    assert fake.stats()["omni_creates"] == VIDEOS  # the second run sends nothing


def test_killed_mid_batch_then_rerun_creates_nothing_already_created(
    fake: FakeServerProcess, tmp_path: Path
) -> None:
    process = subprocess.Popen(
        [sys.executable, str(_script(tmp_path))],
        cwd=tmp_path,
        env=_env(tmp_path, fake),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        # Blocking and async done, and the batch well under way (but not finished).
        assert wait_for(lambda: fake.stats().get("omni_creates", 0) >= 5, timeout=240)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    before = _billed(fake)
    assert 5 <= sum(before.values()) < VIDEOS

    run = _run(tmp_path, fake)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    after = _billed(fake)
    # No prompt was ever billed twice, and every one billed before the kill still only once.
    assert all(count == 1 for count in after.values()), after
    assert {p: after[p] for p in before} == before
    batch = [line for line in run.stdout.splitlines() if line.startswith("batch: ")]
    assert len(batch) == 8
    # Every video finished, except those whose create was in flight at the kill (possibly
    # billed, and Omni cannot look them up): at most one per slot of the concurrency 2,
    # reported and not sent again.
    failed = [line for line in batch if " ok " not in line]
    assert all("outcome_unknown" in line for line in failed), failed
    assert len(failed) <= 2
    # Billed: every video that finished, once, and of those in flight at the kill the ones whose
    # create had reached the server (the two slots' creates go out together: either, both or
    # neither may have).
    assert VIDEOS - len(failed) <= sum(after.values()) <= VIDEOS
