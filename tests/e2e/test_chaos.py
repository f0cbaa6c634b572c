"""Chaos runs: 12 scenes through the real CLI process against the fake server process, with 20%
of requests failing (429, 500, 503, connection resets) and 10% of creates dropped after billing.

/v1/videos can list its videos: every run ends with 12 good clips and exactly 12 billed creates
(a lost answer is found in the list; a scene told "outcome unknown" is rendered again by its
number, the user's word). Omni and Veo cannot list: every scene whose create was answered ends
with a good clip, every other ends "outcome unknown, possibly billed" and counts in
``video status``, and no scene is ever billed twice.

Seeds: CI runs the first two of each; ``IMAGEAI_CHAOS_SEEDS=all`` (or a count) runs all five:
``IMAGEAI_CHAOS_SEEDS=all .venv/bin/python -m pytest tests/e2e/test_chaos.py``.
"""

from __future__ import annotations

import json
import os
from collections import defaultdict
from typing import TYPE_CHECKING, Any

import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from imageai.core import project_store
from imageai.core.clip_check import check_clip
from imageai.core.ledger import LEDGER_NAME, Ledger
from imageai.core.media import probe
from imageai.core.models import (
    OmniSettings,
    Project,
    ProviderName,
    ProviderSettings,
    RenderState,
    Scene,
    SoraSettings,
    VeoSettings,
)

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from tests.e2e.conftest import ImageaiCli
    from tests.fakes.server_process import FakeServerProcess

pytestmark = pytest.mark.e2e

ALL_SEEDS = (101, 202, 303, 404, 505)
SCENES = 12
SECONDS = 4
#: Faults as the issue states them; the first create is always dropped and the first two other
#: requests answered 503, so each run meets faults whatever the timing (the random ones hit
#: whichever requests the run's timing puts at their turn).
CHAOS: dict[str, Any] = {
    "fault_rate": 0.2,
    "drop_after_create_rate": 0.1,
    "drop_first_creates": 1,
    "fault_first_requests": 2,
    "generation_seconds": 0.3,
    "poll_after_ms": 50,
}


def _seeds() -> list[int]:
    wanted = os.environ.get("IMAGEAI_CHAOS_SEEDS", "2")
    count = len(ALL_SEEDS) if wanted == "all" else int(wanted)
    return list(ALL_SEEDS[:count])


def _project(folder: Path, provider: ProviderName) -> None:
    settings = ProviderSettings(
        sora=SoraSettings(size="1280x720", seconds=SECONDS),
        omni=OmniSettings(resolution="720p", seconds=SECONDS),
        veo=VeoSettings(resolution="720p", seconds=SECONDS, vertex_project="film-proj"),
    )
    scenes = tuple(
        Scene(id=f"s{i:02d}", prompt=f"Shot {i}: the lighthouse in the storm, take {i}.")
        for i in range(1, SCENES + 1)
    )
    project_store.create_folder(folder)
    project = Project(title="chaos", provider=provider, settings=settings, scenes=scenes)
    project_store.save(project, folder)


def _render(cli: ImageaiCli, folder: Path, *scenes: int) -> None:
    args = ["video", "render", str(folder), "--concurrency", "4", "--json"]
    if scenes:
        args += ["--scenes", ",".join(map(str, scenes))]
    run = cli.run(*args, timeout=300)
    assert run.returncode in (0, 1), run.stdout[-3000:] + run.stderr[-3000:]


def _status(cli: ImageaiCli, folder: Path) -> dict[str, Any]:
    run = cli.run("video", "status", str(folder), "--json")
    assert run.returncode == 0, run.stderr
    result: dict[str, Any] = json.loads(run.stdout)
    return result


def _billed(server: FakeServerProcess) -> dict[str, int]:
    """Billed creates per prompt, as the server counted them."""
    result: dict[str, int] = httpx.get(f"{server.url}/_fake/billed", timeout=5).json()
    return result


def _check_clip(folder: Path, clip_path: str | None) -> None:
    assert clip_path is not None
    clip = folder / clip_path
    check_clip(clip, None)  # whole MP4, moov and mdat, a video track that decodes
    assert probe(clip).duration == pytest.approx(SECONDS, abs=0.5)


def _created_jobs(folder: Path) -> dict[str, set[str]]:
    jobs: dict[str, set[str]] = defaultdict(set)
    for entry in Ledger(folder / LEDGER_NAME).entries():
        if entry.event == "created" and entry.job_id:
            jobs[entry.scene_id].add(entry.job_id)
    return jobs


def _met_the_faults(server: FakeServerProcess) -> dict[str, int]:
    stats = server.stats()
    assert sum(v for k, v in stats.items() if k.startswith("fault_")) >= 2, json.dumps(stats)
    assert stats.get("dropped_after_create", 0) >= 1, stats
    return stats


@pytest.fixture
def quick_search(monkeypatch: pytest.MonkeyPatch) -> None:
    # The fake's list does not lag here: a lost create shows at the first look, and a create
    # that failed before billing is given up on after 2 s instead of about 77.
    monkeypatch.setenv("IMAGEAI_LOST_CREATE_WAIT_S", "2")


@pytest.mark.usefixtures("quick_search", "quick_retries")
@pytest.mark.parametrize("seed", _seeds())
def test_chaos_videos_endpoint_ends_with_twelve_clips_and_twelve_billed_creates(
    fake_api: Callable[..., FakeServerProcess], imageai_cli: ImageaiCli, tmp_path: Path, seed: int
) -> None:
    server = fake_api(**CHAOS, seed=seed)
    imageai_cli.server = server
    folder = tmp_path / "chaos"
    _project(folder, ProviderName.SORA)

    _render(imageai_cli, folder)
    for _ in range(8):
        # Scenes told "outcome unknown" (the create failed before billing, and the list never
        # showed it) wait for the user's word: render them again by number.
        left = [i + 1 for i, s in enumerate(project_store.load(folder).scenes) if s.state
                is not RenderState.DONE]  # fmt: skip
        if not left:
            break
        _render(imageai_cli, folder, *left)

    project = project_store.load(folder)
    for scene in project.scenes:
        assert scene.state is RenderState.DONE, (scene.id, scene.state, scene.error)
        _check_clip(folder, scene.clip_path)
    stats = _met_the_faults(server)
    assert stats["creates_billed"] == SCENES
    assert sorted(_billed(server).values()) == [1] * SCENES
    assert sorted(len(ids) for ids in _created_jobs(folder).values()) == [1] * SCENES
    assert _status(imageai_cli, folder)["total_spent_usd"] == pytest.approx(SCENES * 0.4)


def _adc(home: Path, server: FakeServerProcess) -> Path:
    """A service-account file whose token URI is the fake's: no real Google account is asked."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    adc = home / "adc.json"
    adc.parent.mkdir(parents=True, exist_ok=True)
    adc.write_text(
        json.dumps(
            {
                "type": "service_account",
                "project_id": "film-proj",
                "private_key_id": "fake-key",
                "private_key": pem,
                "client_email": "render@film-proj.iam.gserviceaccount.com",
                "client_id": "1",
                "token_uri": f"{server.url}/token",
            }
        )
    )
    return adc


@pytest.mark.usefixtures("quick_retries")
@pytest.mark.parametrize("seed", _seeds())
@pytest.mark.parametrize("provider", [ProviderName.OMNI, ProviderName.VEO])
def test_chaos_without_a_list_bills_no_scene_twice_and_counts_lost_creates(
    fake_api: Callable[..., FakeServerProcess],
    imageai_cli: ImageaiCli,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    provider: ProviderName,
    seed: int,
) -> None:
    # A job finished by the first poll keeps the run short.
    server = fake_api(**{**CHAOS, "generation_seconds": 0.0}, seed=seed)
    imageai_cli.server = server
    if provider is ProviderName.VEO:
        monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(_adc(imageai_cli.home, server)))
    folder = tmp_path / "chaos"
    _project(folder, provider)

    _render(imageai_cli, folder)
    # A second plain render finishes paid jobs whose poll or download failed, and leaves the
    # scenes whose outcome is unknown alone: they are never re-sent without the user's word.
    billed_before = _billed(server)
    _render(imageai_cli, folder)
    assert _billed(server) == billed_before

    stats = _met_the_faults(server)
    project = project_store.load(folder)
    status = {row["id"]: row for row in _status(imageai_cli, folder)["scenes"]}
    billed = _billed(server)
    assert all(count == 1 for count in billed.values()), billed  # never two for one scene
    done = [s for s in project.scenes if s.state is RenderState.DONE]
    unknown = [s for s in project.scenes if s.state is RenderState.OUTCOME_UNKNOWN]
    assert len(done) + len(unknown) == SCENES, [(s.id, s.state, s.error) for s in project.scenes]
    for scene in done:
        _check_clip(folder, scene.clip_path)
        assert billed[scene.prompt] == 1
        assert status[scene.id]["possibly_billed_usd"] == 0
    for scene in unknown:
        # Billed or not, the client cannot tell: the budget counts it at the scene's price.
        assert status[scene.id]["possibly_billed_usd"] == pytest.approx(
            status[scene.id]["estimate_usd"]
        )
        assert status[scene.id]["estimate_usd"] > 0
    # Every create that was billed and answered became a finished scene.
    answered = stats["creates_billed"] - stats["dropped_after_create"]
    assert len(done) == answered
    assert unknown  # at least the first create was dropped after billing


def test_lost_answers_behind_a_lagging_list_and_a_slow_clock_bill_each_scene_once(
    fake_api: Callable[..., FakeServerProcess], imageai_cli: ImageaiCli, tmp_path: Path
) -> None:
    # The cases: a list lagging 3 s (8 billed for 4 scenes) and a server clock 120 s
    # behind (8 for 4), with creates billed then answered 500 and others dropped; the default
    # search schedule, as a user has it.
    server = fake_api(
        list_lag_seconds=3.0,
        clock_skew_seconds=-120.0,
        fail_first_creates=1,
        drop_first_creates=2,
        generation_seconds=0.3,
        poll_after_ms=50,
    )
    imageai_cli.server = server
    folder = tmp_path / "lagging"
    _project(folder, ProviderName.SORA)
    project = project_store.load(folder)
    project_store.save(project.model_copy(update={"scenes": project.scenes[:4]}), folder)

    _render(imageai_cli, folder)

    for scene in project_store.load(folder).scenes:
        assert scene.state is RenderState.DONE, (scene.id, scene.state, scene.error)
        _check_clip(folder, scene.clip_path)
    stats = server.stats()
    assert (stats["failed_after_create"], stats["dropped_after_create"]) == (1, 2)
    assert stats["creates_billed"] == 4
    assert sorted(_billed(server).values()) == [1] * 4
    assert _status(imageai_cli, folder)["total_possibly_billed_usd"] == 0
