"""Animatic first, then cloud: render again keeps every take (CLI, real providers, fake server)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pytest
from pydantic import SecretStr

from imageai.cli import video_commands
from imageai.cli.context import CliContext
from imageai.cli.main import main
from imageai.core import project_store
from imageai.core.catalog import default_catalog
from imageai.core.ledger import LEDGER_NAME, Ledger
from imageai.core.models import OmniSettings, ProviderName, RenderState
from imageai.core.pricing import estimate
from imageai.core.secrets import InMemorySecretStore
from imageai.core.takes import current_take, list_takes
from imageai.providers.animatic.provider import AnimaticProvider
from imageai.providers.google.omni_client import OmniClient
from imageai.providers.router import ProviderRouter
from tests.fakes.fake_server import FakeConfig, serve

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from imageai.core.jobs import VideoProvider
    from imageai.core.models import ProviderSettingsT

KEY = "gemini-render-again"
SCRIPT = "A lighthouse at dusk.\n\nThe beam sweeps over the sea.\n\nMorning at the harbour.\n"


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    server = serve(port=0, config=FakeConfig(generation_seconds=0.1, valid_keys=[KEY]))
    url = f"http://127.0.0.1:{server.server_address[1]}"

    def factory(name: ProviderName, settings: ProviderSettingsT) -> VideoProvider:
        if name is ProviderName.ANIMATIC:
            return AnimaticProvider(catalog=default_catalog())
        assert isinstance(settings, OmniSettings)
        client = OmniClient(settings, api_key=SecretStr(KEY), base_url=url, poll_interval=0.05)
        client._sleep = lambda _s: None
        return client

    def context() -> CliContext:
        return CliContext(default_catalog(), InMemorySecretStore(), ProviderRouter(factory))

    monkeypatch.setattr(video_commands, "build_context", context)
    yield server
    server.shutdown()
    server.server_close()


def _jobs(fake: Any) -> int:
    with fake.state.lock:
        return len(fake.state.jobs)


def _status(folder: Path, capsys: pytest.CaptureFixture[str]) -> list[dict[str, Any]]:
    capsys.readouterr()
    assert main(["video", "status", str(folder), "--json"]) == 0
    rows: list[dict[str, Any]] = json.loads(capsys.readouterr().out)["scenes"]
    return rows


def test_animatic_then_omni_renders_every_scene_again_as_a_second_take(
    fake: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder, script = tmp_path / "film", tmp_path / "film.txt"
    script.write_text(SCRIPT)
    assert (
        main(["video", "init", str(folder), "--provider", "animatic", "--script", str(script)]) == 0
    )
    assert main(["video", "render", str(folder)]) == 0
    first = project_store.load(folder)
    assert all(s.state is RenderState.DONE for s in first.scenes)
    assert [r["take_state"] for r in _status(folder, capsys)] == ["current"] * 3

    assert main(["video", "retarget", str(folder), "--provider", "omni", "--yes"]) == 0
    rows = _status(folder, capsys)
    assert all(r["changed_since_take"] for r in rows)
    assert all("Animatic" in r["changed_reason"] for r in rows)
    retargeted = project_store.load(folder)
    pending = retargeted.model_copy(
        update={
            "scenes": tuple(
                s.model_copy(update={"state": RenderState.PENDING}) for s in retargeted.scenes
            )
        }
    )
    expected = estimate(pending, catalog=default_catalog()).total_usd
    assert expected > 0
    spent_before = Ledger(folder / LEDGER_NAME).total_spent()

    capsys.readouterr()
    assert main(["video", "render", str(folder)]) == 0
    err = capsys.readouterr().err
    assert "3 scenes render again on Omni" in err
    assert f"estimated ${expected:.2f}" in err
    assert _jobs(fake) == 3

    project = project_store.load(folder)
    for before, scene in zip(first.scenes, project.scenes, strict=True):
        takes = list_takes(scene)
        assert len(takes) == 2
        assert current_take(scene) == 2
        assert takes[0].clip_path == before.clip_path
        assert takes[1].provider is ProviderName.OMNI
        assert takes[0].clip_path != takes[1].clip_path
        assert (folder / str(takes[0].clip_path)).is_file()
        assert (folder / str(takes[1].clip_path)).is_file()
        assert scene.clip_path == takes[1].clip_path  # the cut uses the new take
    assert [r["take_state"] for r in _status(folder, capsys)] == ["current"] * 3
    spent = Ledger(folder / LEDGER_NAME).total_spent()
    assert round(spent - spent_before, 4) == expected

    # Nothing changed since: a second render sends nothing and pays nothing.
    ledger_text = (folder / LEDGER_NAME).read_text()
    assert main(["video", "render", str(folder)]) == 0
    assert _jobs(fake) == 3
    assert (folder / LEDGER_NAME).read_text() == ledger_text


def test_again_renders_an_unchanged_scene_as_a_new_take(
    fake: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder, script = tmp_path / "film", tmp_path / "film.txt"
    script.write_text(SCRIPT)
    assert main(["video", "init", str(folder), "--provider", "omni", "--script", str(script)]) == 0
    assert main(["video", "render", str(folder)]) == 0
    assert _jobs(fake) == 3
    # Plain render of a done, unchanged scene: nothing.
    assert main(["video", "render", str(folder), "--scenes", "2"]) == 0
    assert _jobs(fake) == 3
    capsys.readouterr()
    assert main(["video", "render", str(folder), "--scenes", "2", "--again"]) == 0
    assert "1 scene renders again on Omni" in capsys.readouterr().err
    assert _jobs(fake) == 4
    scene = project_store.load(folder).scenes[1]
    assert len(list_takes(scene)) == 2
    assert current_take(scene) == 2
    ledger = Ledger(folder / LEDGER_NAME)
    prints = [
        e.fingerprint for e in ledger.entries() if e.event == "created" and e.scene_id == scene.id
    ]
    assert len(set(prints)) == 2  # the new create is not the old take's request
    # Choosing take 1 again is the CLI's take --choose.
    assert main(["video", "take", str(folder), "--scene", "2", "--choose", "1"]) == 0
    assert current_take(project_store.load(folder).scenes[1]) == 1


def test_again_needs_scenes(fake: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "film"
    assert main(["video", "init", str(folder), "--provider", "animatic"]) == 0
    assert main(["video", "render", str(folder), "--again"]) == 2
    assert "--again needs --scenes" in capsys.readouterr().err
