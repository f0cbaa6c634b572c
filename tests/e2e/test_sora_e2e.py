"""`imageai video render` of a 3-scene Sora project against the fake OpenAI server process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import TYPE_CHECKING

import pytest
from PIL import Image
from pydantic import SecretStr

from imageai.core import project_store
from imageai.core.models import RenderState
from imageai.providers.openai.sora_client import SoraClient
from tests.fakes.server_process import REPO, FakeServerProcess

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

pytestmark = pytest.mark.e2e

KEY = "sk-e2e-key"
SCRIPT = "A lighthouse at dusk.\n\nThe keeper climbs the stairs.\n\nThe lamp turns on.\n"


@pytest.fixture
def fake(tmp_path: Path) -> Iterator[FakeServerProcess]:
    server = FakeServerProcess(
        tmp_path, config={"generation_seconds": 1.0, "poll_after_ms": 200, "valid_keys": [KEY]}
    )
    yield server
    server.stop()


def _cli(*args: str, home: Path, fake: FakeServerProcess) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "IMAGEAI_HOME": str(home),
        "IMAGEAI_NO_KEYRING": "1",
        "OPENAI_API_KEY": KEY,
        "OPENAI_BASE_URL": f"{fake.url}/v1",
    }
    return subprocess.run(
        [sys.executable, "-m", "imageai", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def test_render_three_sora_scenes_with_a_reference_then_remix(fake, tmp_path) -> None:
    project_dir, home = tmp_path / "film", tmp_path / "home"
    script = tmp_path / "script.txt"
    script.write_text(SCRIPT)
    init = _cli(
        "video",
        "init",
        str(project_dir),
        "--provider",
        "sora",
        "--size",
        "1280x720",
        "--seconds",
        "4",
        "--script",
        str(script),
        home=home,
        fake=fake,
    )
    assert init.returncode == 0, init.stderr
    # Scene 2 is image-to-video, from a portrait JPEG the adapter must fit to 1280x720.
    (project_dir / "refs").mkdir(exist_ok=True)
    Image.new("RGB", (600, 900), (30, 90, 160)).save(project_dir / "refs" / "keeper.jpg")
    project = project_store.load(project_dir)
    second = project.scenes[1]
    project = project.update_scene(second.id, reference_image="refs/keeper.jpg")
    project_store.save(project, project_dir)

    render = _cli(
        "video", "render", str(project_dir), "--json", "--concurrency", "3", home=home, fake=fake
    )
    assert render.returncode == 0, render.stdout + render.stderr

    project = project_store.load(project_dir)
    assert [s.state for s in project.scenes] == [RenderState.DONE] * 3
    for scene in project.scenes:
        assert (project_dir / f"clips/{scene.id}.mp4").is_file()
        assert (project_dir / f"thumbs/{scene.id}.webp").is_file()
        assert scene.billed_usd == pytest.approx(0.40)
    fitted = [p for p in (project_dir / "refs").iterdir() if p.name != "keeper.jpg"]
    assert len(fitted) == 1
    with Image.open(fitted[0]) as img:
        assert img.size == (1280, 720)
    stats = fake.stats()
    assert stats["creates_billed"] == 3

    # A remix of scene 1 through the CLI: one new create, downloaded as take 2 of the scene.
    source = project.scenes[0]
    assert source.job_id is not None
    remix = _cli(
        "video",
        "remix",
        str(project_dir),
        "--scene",
        "1",
        "--prompt",
        "The lighthouse at dawn.",
        "--json",
        home=home,
        fake=fake,
    )
    assert remix.returncode == 0, remix.stdout + remix.stderr
    remix_events = [json.loads(line) for line in remix.stdout.splitlines() if line.startswith("{")]
    assert remix_events[0]["event"] == "plan"
    assert remix_events[0]["estimate_usd"] == pytest.approx(0.40)
    assert remix_events[-1]["done"] == 1
    project = project_store.load(project_dir)
    scene = project.scenes[0]
    assert scene.takes[0].job_id == source.job_id
    take = scene.takes[1]
    assert take.remixed_from_job_id == source.job_id
    assert take.clip_path == f"clips/{source.id}-take2.mp4"
    assert (project_dir / take.clip_path).is_file()
    assert take.thumbnail_path is not None
    assert (project_dir / take.thumbnail_path).is_file()
    assert scene.clip_path == f"clips/{source.id}.mp4"  # the first render stays current
    client = SoraClient(SecretStr(KEY), base_url=f"{fake.url}/v1")
    assert client.get_video(take.job_id).remixed_from_video_id == source.job_id
    client.close()
    assert fake.stats()["creates_billed"] == 4

    chosen = _cli(
        "video", "take", str(project_dir), "--scene", "1", "--choose", "2", home=home, fake=fake
    )
    assert chosen.returncode == 0, chosen.stderr
    assert project_store.load(project_dir).scenes[0].clip_path == take.clip_path
    events = [json.loads(line) for line in render.stdout.splitlines() if line.startswith("{")]
    finished = [e for e in events if e["event"] == "finished"][-1]
    assert finished["done"] == 3
    assert finished["spent_usd"] == pytest.approx(1.20)


def test_a_gateway_model_typed_by_the_user_renders_at_the_users_price(fake, tmp_path) -> None:
    """Any id the compatible endpoint serves: estimate at the typed price, equal to the spend."""
    project_dir, home = tmp_path / "gw", tmp_path / "home"
    script = tmp_path / "script.txt"
    script.write_text("Waves on the rocks.\n\nGulls over the bay. [8s]\n")
    init = _cli(
        "video",
        "init",
        str(project_dir),
        "--provider",
        "sora",
        "--base-url",
        f"{fake.url}/v1",
        "--model",
        "veo-3.1",
        "--usd-per-second",
        "0.3",
        "--size",
        "1920x1080",
        "--seconds",
        "6",
        "--script",
        str(script),
        home=home,
        fake=fake,
    )
    assert init.returncode == 0, init.stderr
    estimate = _cli("video", "estimate", str(project_dir), "--json", home=home, fake=fake)
    assert estimate.returncode == 0, estimate.stderr
    assert json.loads(estimate.stdout)["total_usd"] == pytest.approx(0.3 * (6 + 8))

    render = _cli("video", "render", str(project_dir), "--json", home=home, fake=fake)
    assert render.returncode == 0, render.stdout + render.stderr
    project = project_store.load(project_dir)
    assert [s.state for s in project.scenes] == [RenderState.DONE] * 2
    assert [s.billed_usd for s in project.scenes] == pytest.approx([1.8, 2.4])
    assert fake.stats()["creates_billed"] == 2
    client = SoraClient(SecretStr(KEY), base_url=f"{fake.url}/v1")
    videos = [client.get_video(str(s.job_id)) for s in project.scenes]
    client.close()
    assert [(v.model, v.size, v.seconds) for v in videos] == [
        ("veo-3.1", "1920x1080", 6),
        ("veo-3.1", "1920x1080", 8),
    ]
    status = _cli("video", "status", str(project_dir), "--json", home=home, fake=fake)
    assert json.loads(status.stdout)["total_spent_usd"] == pytest.approx(4.2)
