"""`imageai video render` of a 3-scene Veo project on Vertex AI against the fake server process.

The CLI runs as a subprocess with application default credentials from a service-account file
(a throwaway key) whose token URI is the fake's, so google-auth fetches its token there and no
real Google account or metadata server is ever asked. (google-auth ignores the token URI of an
authorized-user file, so that kind cannot be pointed at a fake.)
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import TYPE_CHECKING, Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from PIL import Image

from imageai.core import project_store
from imageai.core.models import RenderState, VeoSettings
from tests.fakes.server_process import REPO, FakeServerProcess

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

pytestmark = pytest.mark.e2e

SCRIPT = "A lighthouse at dusk.\n\nThe keeper climbs the stairs.\n\nThe lamp turns on.\n"


@pytest.fixture
def fake(tmp_path: Path) -> Iterator[FakeServerProcess]:
    server = FakeServerProcess(tmp_path, config={"generation_seconds": 1.0})
    yield server
    server.stop()


@pytest.fixture(scope="module")
def throwaway_key() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def _cli(
    *args: str, home: Path, fake: FakeServerProcess, key: str
) -> subprocess.CompletedProcess[str]:
    adc = home / "adc.json"
    adc.parent.mkdir(parents=True, exist_ok=True)
    adc.write_text(
        json.dumps(
            {
                "type": "service_account",
                "project_id": "film-proj",
                "private_key_id": "fake-key",
                "private_key": key,
                "client_email": "render@film-proj.iam.gserviceaccount.com",
                "client_id": "1",
                "token_uri": f"{fake.url}/token",
            }
        )
    )
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "IMAGEAI_HOME": str(home),
        "IMAGEAI_NO_KEYRING": "1",
        "GOOGLE_APPLICATION_CREDENTIALS": str(adc),
        "GOOGLE_GEMINI_BASE_URL": fake.url,
        # The fake generates in 1 s: polled every 0.3 s (not 5 s), each scene is still seen
        # running before it is done.
        "IMAGEAI_POLL_INTERVAL_S": "0.3",
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


def _estimate(project_dir: Path, home: Path, fake: FakeServerProcess, key: str) -> dict[str, Any]:
    run = _cli("video", "estimate", str(project_dir), "--json", home=home, fake=fake, key=key)
    assert run.returncode == 0, run.stderr
    result: dict[str, Any] = json.loads(run.stdout)
    return result


def _init(tmp_path: Path, fake: FakeServerProcess, key: str, **veo: object) -> tuple[Path, Path]:
    project_dir, home = tmp_path / "film", tmp_path / "home"
    script = tmp_path / "script.txt"
    script.write_text(SCRIPT)
    init = _cli(
        "video", "init", str(project_dir), "--provider", "veo", "--aspect", "16:9",
        "--resolution", "720p", "--seconds", "8", "--script", str(script), home=home, fake=fake,
        key=key,
    )  # fmt: skip
    assert init.returncode == 0, init.stderr
    project = project_store.load(project_dir)
    settings = project.settings.veo.model_copy(update={"vertex_project": "film-proj", **veo})
    assert isinstance(settings, VeoSettings)
    project = project.model_copy(
        update={"settings": project.settings.model_copy(update={"veo": settings})}
    )
    project_store.save(project, project_dir)
    return project_dir, home


def test_render_three_veo_scenes_on_vertex_with_an_image_to_video_scene(
    fake: FakeServerProcess, tmp_path: Path, throwaway_key: str
) -> None:
    key = throwaway_key
    project_dir, home = _init(tmp_path, fake, key)
    # Scene 2 is image-to-video, from a portrait JPEG the adapter must fit to 1280x720.
    (project_dir / "refs").mkdir(exist_ok=True)
    Image.new("RGB", (600, 900), (30, 90, 160)).save(project_dir / "refs" / "keeper.jpg")
    project = project_store.load(project_dir)
    assert project.settings.veo.model == "veo-3.1-fast-generate-001"
    project = project.update_scene(project.scenes[1].id, reference_image="refs/keeper.jpg")
    project_store.save(project, project_dir)
    estimate = _estimate(project_dir, home, fake, key)
    assert estimate["total_usd"] == pytest.approx(3 * 8 * 0.15)
    # Veo 3.1 Fast on Vertex is listed for deprecation: the estimate says so and names Omni 1.2.
    (row,) = estimate["lifecycle"]
    assert (row["status"], row["successor"]) == ("deprecated", "gemini-omni-1.2-flash")

    render = _cli(
        "video", "render", str(project_dir), "--json", "--concurrency", "3",
        home=home, fake=fake, key=key,
    )  # fmt: skip
    assert render.returncode == 0, render.stdout + render.stderr

    project = project_store.load(project_dir)
    assert [s.state for s in project.scenes] == [RenderState.DONE] * 3
    for scene in project.scenes:
        assert (project_dir / f"clips/{scene.id}.mp4").is_file()
        assert scene.billed_usd == pytest.approx(1.20)
        assert scene.job_id is not None
        assert scene.job_id.startswith("projects/film-proj/locations/us-central1/publishers/")
    fitted = list((project_dir / "refs" / "fitted").iterdir())
    assert len(fitted) == 1
    with Image.open(fitted[0]) as img:
        assert img.size == (1280, 720)
    stats = fake.stats()
    assert stats["creates_billed"] == 3
    assert stats["veo_downloads"] == 3
    assert stats["token_refreshes"] >= 1


def test_a_model_vertex_says_is_gone_names_the_move_and_creates_nothing(
    fake: FakeServerProcess, tmp_path: Path, throwaway_key: str
) -> None:
    key = throwaway_key
    project_dir, home = _init(tmp_path, fake, key, model="veo-3.0-generate-001")
    # The table (a user override) still thinks the model lives; the server knows better.
    override = home / "config" / "video_models.toml"
    override.parent.mkdir(parents=True, exist_ok=True)
    override.write_text(
        '[[models]]\nprovider = "veo"\nid = "veo-3.0-generate-001"\nlabel = "Veo 3.0"\n'
        'backend = "vertex"\naspects = ["16:9", "9:16"]\nresolutions = ["720p"]\n'
        "seconds = [8]\n"
        'prices = [{ usd_per_second = 0.40, checked = "2026-11-30", source = "test" }]\n'
    )
    render = _cli("video", "render", str(project_dir), home=home, fake=fake, key=key)
    assert render.returncode != 0
    assert "veo-3.0-generate-001 is gone" in render.stderr
    assert (
        f"imageai video retarget {project_dir} --provider omni --model gemini-omni-1.2-flash"
        in render.stderr
    )
    assert fake.stats().get("creates_billed", 0) == 0
