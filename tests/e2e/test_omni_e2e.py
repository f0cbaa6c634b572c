"""A new user with only GEMINI_API_KEY renders a Gemini Omni film through the real CLI.

The fake Interactions server runs as a process; the CLI runs as `python -m imageai` with
``GOOGLE_GEMINI_BASE_URL`` pointing at it. The fault run checks money: exactly one billed create
per scene that succeeded, never more than one per scene.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import TYPE_CHECKING, Any

import pytest

from imageai.core import project_store
from imageai.core.media import ffmpeg_exe, looks_like_mp4, probe
from imageai.core.models import RenderState
from tests.fakes.server_process import REPO, FakeServerProcess

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

pytestmark = pytest.mark.e2e

KEY = "gemini-e2e-omni"
SCRIPT = "A lighthouse at dusk.\n\nThe keeper climbs the stairs.\n\nThe lamp turns on.\n"


@pytest.fixture
def sample_clip(tmp_path: Path) -> Path:
    """A real, playable 1 s MP4 with sound, served as every finished video (so assemble works)."""
    clip = tmp_path / "sample.mp4"
    cmd = [
        ffmpeg_exe(), "-loglevel", "error", "-y",
        "-f", "lavfi", "-i", "color=c=navy:s=640x360:r=24:d=1",
        "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=1",
        "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", str(clip),
    ]  # fmt: skip
    subprocess.run(cmd, check=True, capture_output=True, timeout=60)
    return clip


def _start(tmp_path: Path, sample_clip: Path, **config: Any) -> FakeServerProcess:
    workdir = tmp_path / f"fake-{len(list(tmp_path.glob('fake-*')))}"
    workdir.mkdir()
    return FakeServerProcess(workdir, {"valid_keys": [KEY], **config}, sample_clip=sample_clip)


@pytest.fixture
def fake(tmp_path: Path, sample_clip: Path) -> Iterator[FakeServerProcess]:
    server = _start(tmp_path, sample_clip, generation_seconds=0.5)
    yield server
    server.stop()


def _cli(
    *args: str, home: Path, fake: FakeServerProcess, **extra_env: str
) -> subprocess.CompletedProcess[str]:
    # A new user: only the Gemini key (and the fake's address) in the environment.
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("OPENAI_", "GOOGLE_", "GEMINI_", "IMAGEAI_"))
    }
    env.update(
        QT_QPA_PLATFORM="offscreen",
        IMAGEAI_HOME=str(home),
        IMAGEAI_NO_KEYRING="1",
        GEMINI_API_KEY=KEY,
        GOOGLE_GEMINI_BASE_URL=fake.url,
        **extra_env,
    )
    return subprocess.run(
        [sys.executable, "-m", "imageai", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _init(folder: Path, script_text: str, fake: FakeServerProcess, *extra: str) -> None:
    script = folder.parent / f"{folder.name}.txt"
    script.write_text(script_text)
    home = folder.parent / "home"
    init = _cli(
        "video", "init", str(folder), "--provider", "omni", "--script", str(script), *extra,
        home=home, fake=fake,
    )  # fmt: skip
    assert init.returncode == 0, init.stdout + init.stderr


def _billed_by_prompt(fake: FakeServerProcess) -> dict[str, int]:
    prefix = "omni_billed:"
    return {k[len(prefix) :]: v for k, v in fake.stats().items() if k.startswith(prefix)}


def test_new_user_inits_estimates_renders_and_assembles_an_omni_film(
    fake: FakeServerProcess, tmp_path: Path
) -> None:
    folder, home = tmp_path / "p", tmp_path / "home"
    _init(folder, SCRIPT, fake, "--resolution", "1080p")
    project = project_store.load(folder)
    assert project.provider.value == "omni"
    seconds = project.settings.omni.seconds

    estimate = _cli("video", "estimate", str(folder), "--json", home=home, fake=fake)
    assert estimate.returncode == 0, estimate.stderr
    total = json.loads(estimate.stdout)["total_usd"]
    assert total == pytest.approx(3 * seconds * 0.15)  # 1.1 Flash at 1080p, per second

    render = _cli("video", "render", str(folder), "--json", home=home, fake=fake)
    assert render.returncode == 0, render.stdout[-3000:] + render.stderr[-3000:]
    project = project_store.load(folder)
    for scene in project.scenes:
        assert scene.state is RenderState.DONE, (scene.state, scene.error)
        assert scene.clip_path is not None
        assert looks_like_mp4(folder / scene.clip_path)
        assert scene.job_id is not None and scene.job_id.startswith("int")
        assert scene.thumbnail_path is not None  # made from the clip: Omni sends none
        assert (folder / scene.thumbnail_path).read_bytes()[:3] == b"\xff\xd8\xff"
    status = json.loads(_cli("video", "status", str(folder), "--json", home=home, fake=fake).stdout)
    assert status["total_spent_usd"] == pytest.approx(total)  # estimate == recorded spend
    stats = fake.stats()
    assert stats["creates_billed"] == 3
    assert stats["omni_downloads"] == 3  # 1080p: delivered as a uri and streamed

    cut = tmp_path / "cut.mp4"
    assemble = _cli("video", "assemble", str(folder), "-o", str(cut), home=home, fake=fake)
    assert assemble.returncode == 0, assemble.stdout + assemble.stderr
    # The fake serves each job a real clip of the seconds it asked for (the clip check's rule).
    assert probe(cut).duration == pytest.approx(3 * seconds, abs=0.3)


def test_faults_bill_one_create_per_finished_scene_and_never_two_per_scene(
    tmp_path: Path, sample_clip: Path
) -> None:
    server = _start(
        tmp_path,
        sample_clip,
        fault_rate=0.25,  # 429 (Retry-After), 500, 503 and connection resets on any request
        drop_after_create_rate=0.1,  # billed, then the answer is lost
        drop_first_creates=1,
        fail_first_creates=1,  # billed, then answered 500
        cut_download_after=200,
        generation_seconds=0.4,
        seed=11,
    )
    try:
        folder, home = tmp_path / "faulty", tmp_path / "home"
        scenes = [f"Shot {i}: the harbour, take {i}." for i in range(10)]
        _init(folder, "\n\n".join(scenes), server, "--resolution", "1080p")

        # As the `quick_retries` fixture (this new user's environment is built by hand): a
        # 0.25 s poll interval, not 5 s, to back off from after a failed poll, and 1/20 of the
        # app's pauses before a create or download is tried again. The same retries, sooner.
        quick = {"IMAGEAI_POLL_INTERVAL_S": "0.25", "IMAGEAI_RETRY_PAUSE_SCALE": "0.05"}
        _cli("video", "render", str(folder), "--concurrency", "3", "--json", home=home,
             fake=server, **quick)  # fmt: skip
        billed = _billed_by_prompt(server)
        assert all(n == 1 for n in billed.values()), billed  # never two creates for one scene
        stats = server.stats()
        assert stats["failed_after_create"] >= 1
        assert stats["dropped_after_create"] >= 1
        assert sum(v for k, v in stats.items() if k.startswith("fault_")) >= 3

        # The outage ends. Rendering again finishes the jobs already paid for (a download that
        # failed resumes its job) and never re-sends a create whose outcome is unknown.
        server.configure(fault_rate=0.0, drop_after_create_rate=0.0)
        _cli("video", "render", str(folder), "--json", home=home, fake=server, **quick)
        assert _billed_by_prompt(server) == billed
        assert server.stats()["creates_billed"] == stats["creates_billed"]
        project = project_store.load(folder)
        states = {s.prompt: s.state for s in project.scenes}
        done = [p for p, state in states.items() if state is RenderState.DONE]
        unknown = [p for p, state in states.items() if state is RenderState.OUTCOME_UNKNOWN]
        assert len(done) + len(unknown) == len(scenes), states
        assert unknown  # the billed-then-500 and the dropped answers surely hit a scene
        assert len(done) >= 2  # and most scenes still made it through the faults
        for prompt in done:  # exactly one billed create behind each finished scene
            assert [n for text, n in billed.items() if prompt in text] == [1], prompt
    finally:
        server.stop()
