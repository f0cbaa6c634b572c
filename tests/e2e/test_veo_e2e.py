"""`imageai video render` of a 3-scene Veo project against the fake Gemini server process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import TYPE_CHECKING, Any

import pytest
from PIL import Image

from imageai.core import project_store
from imageai.core.models import ProviderName, RenderState
from imageai.core.retarget import map_from_sora, map_to_sora
from tests.fakes.server_process import REPO, FakeServerProcess

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

pytestmark = pytest.mark.e2e

KEY = "gemini-e2e-key"
SCRIPT = "A lighthouse at dusk.\n\nThe keeper climbs the stairs.\n\nThe lamp turns on.\n"


@pytest.fixture
def fake(tmp_path: Path) -> Iterator[FakeServerProcess]:
    server = FakeServerProcess(tmp_path, config={"generation_seconds": 1.0, "valid_keys": [KEY]})
    yield server
    server.stop()


def _cli(*args: str, home: Path, fake: FakeServerProcess) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "IMAGEAI_HOME": str(home),
        "IMAGEAI_NO_KEYRING": "1",
        "GEMINI_API_KEY": KEY,
        "GOOGLE_GEMINI_BASE_URL": fake.url,
    }
    return subprocess.run(
        [sys.executable, "-m", "imageai", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )


def _estimate(project_dir: Path, home: Path, fake: FakeServerProcess) -> dict[str, Any]:
    run = _cli("video", "estimate", str(project_dir), "--json", home=home, fake=fake)
    assert run.returncode == 0, run.stderr
    result: dict[str, Any] = json.loads(run.stdout)
    return result


def test_render_three_veo_scenes_with_an_image_to_video_scene(fake, tmp_path) -> None:
    project_dir, home = tmp_path / "film", tmp_path / "home"
    script = tmp_path / "script.txt"
    script.write_text(SCRIPT)
    init = _cli(
        "video", "init", str(project_dir), "--provider", "veo", "--aspect", "16:9",
        "--resolution", "720p", "--seconds", "8", "--script", str(script), home=home, fake=fake,
    )  # fmt: skip
    assert init.returncode == 0, init.stderr
    # Scene 2 is image-to-video, from a portrait JPEG the adapter must fit to 1280x720.
    (project_dir / "refs").mkdir(exist_ok=True)
    Image.new("RGB", (600, 900), (30, 90, 160)).save(project_dir / "refs" / "keeper.jpg")
    project = project_store.load(project_dir)
    project = project.update_scene(project.scenes[1].id, reference_image="refs/keeper.jpg")
    project_store.save(project, project_dir)
    assert _estimate(project_dir, home, fake)["total_usd"] == pytest.approx(3.60)

    render = _cli(
        "video", "render", str(project_dir), "--json", "--concurrency", "3", home=home, fake=fake
    )
    assert render.returncode == 0, render.stdout + render.stderr

    project = project_store.load(project_dir)
    assert [s.state for s in project.scenes] == [RenderState.DONE] * 3
    for scene in project.scenes:
        assert (project_dir / f"clips/{scene.id}.mp4").is_file()
        assert scene.billed_usd == pytest.approx(1.20)
        assert scene.job_id is not None
        assert "/operations/" in scene.job_id
    fitted = list((project_dir / "refs" / "fitted").iterdir())
    assert len(fitted) == 1
    with Image.open(fitted[0]) as img:
        assert img.size == (1280, 720)
    stats = fake.stats()
    assert stats["creates_billed"] == 3
    assert stats["veo_downloads"] == 3


def test_switching_sora_to_veo_and_back_maps_settings_and_updates_the_estimate(
    fake, tmp_path
) -> None:
    project_dir, home = tmp_path / "film", tmp_path / "home"
    script = tmp_path / "script.txt"
    script.write_text(SCRIPT)
    init = _cli(
        "video", "init", str(project_dir), "--provider", "sora", "--model", "sora-2",
        "--size", "720x1280", "--seconds", "12", "--script", str(script), home=home, fake=fake,
    )  # fmt: skip
    assert init.returncode == 0, init.stderr
    assert _estimate(project_dir, home, fake)["total_usd"] == pytest.approx(3 * 12 * 0.10)

    project = project_store.load(project_dir)
    sora = project.settings.sora
    aspect, resolution, seconds, note = map_from_sora(sora.size, sora.seconds)
    assert (aspect, resolution, seconds) == ("9:16", "720p", 8)
    assert "12 s becomes 8 s" in note
    veo = project.settings.veo.model_copy(
        update={"aspect": aspect, "resolution": resolution, "seconds": seconds}
    )
    settings = project.settings.model_copy(update={"veo": veo})
    project = project.model_copy(update={"provider": ProviderName.VEO, "settings": settings})
    project_store.save(project, project_dir)
    to_veo = _estimate(project_dir, home, fake)
    assert {s["provider"] for s in to_veo["scenes"]} == {"veo"}
    assert to_veo["total_usd"] == pytest.approx(3 * 8 * 0.15)

    size, back_seconds, back_note = map_to_sora(aspect, resolution, seconds, "sora-2")
    assert (size, back_seconds, back_note) == ("720x1280", 8, "")
    sora = sora.model_copy(update={"size": size, "seconds": back_seconds})
    settings = project.settings.model_copy(update={"sora": sora})
    project = project.model_copy(update={"provider": ProviderName.SORA, "settings": settings})
    project_store.save(project, project_dir)
    back = _estimate(project_dir, home, fake)
    assert back["total_usd"] == pytest.approx(3 * 8 * 0.10)
