"""Edit and extend with the real OmniClient against the in-process fake Interactions server."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pytest
from pydantic import SecretStr

from imageai.cli import remix_commands, video_commands
from imageai.cli.context import CliContext
from imageai.cli.main import main
from imageai.core import project_store
from imageai.core.catalog import default_catalog
from imageai.core.ledger import LEDGER_NAME, Ledger
from imageai.core.media import looks_like_mp4
from imageai.core.models import OmniSettings, ProviderName, RenderState
from imageai.core.secrets import InMemorySecretStore
from imageai.core.takes import list_takes
from imageai.providers.google.omni_client import OmniClient
from imageai.providers.router import ProviderRouter
from tests.fakes.fake_server import FakeConfig, serve

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from imageai.core.jobs import VideoProvider
    from imageai.core.models import ProviderSettingsT

KEY = "gemini-edit-extend"
SCRIPT = "A lighthouse at dusk.\n\nThe beam sweeps over the sea.\n\nMorning at the harbour.\n"


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    server = serve(port=0, config=FakeConfig(generation_seconds=0.1, valid_keys=[KEY]))
    url = f"http://127.0.0.1:{server.server_address[1]}"

    def factory(name: ProviderName, settings: ProviderSettingsT) -> VideoProvider:
        assert isinstance(settings, OmniSettings)
        # The real client over HTTP, polling fast (the app's 5 s would only slow the test).
        client = OmniClient(settings, api_key=SecretStr(KEY), base_url=url, poll_interval=0.05)
        client._sleep = lambda _s: None
        return client

    def context() -> CliContext:
        return CliContext(default_catalog(), InMemorySecretStore(), ProviderRouter(factory))

    monkeypatch.setattr(remix_commands, "build_context", context)
    monkeypatch.setattr(video_commands, "build_context", context)
    yield server
    server.shutdown()
    server.server_close()


def _params(fake: Any, prompt_part: str) -> list[dict[str, Any]]:
    with fake.state.lock:
        jobs = list(fake.state.jobs.values())
    return [j.params for j in jobs if prompt_part in str(j.params.get("prompt", ""))]


def _film(tmp_path: Path) -> Path:
    folder = tmp_path / "film"
    script = tmp_path / "film.txt"
    script.write_text(SCRIPT)
    assert main(["video", "init", str(folder), "--provider", "omni", "--script", str(script)]) == 0
    return folder


def test_extend_scene_continues_the_previous_clip_by_its_interaction(
    fake: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = _film(tmp_path)
    assert main(["video", "scene", str(folder), "2", "--continuity", "extend"]) == 0
    assert main(["video", "render", str(folder)]) == 0
    project = project_store.load(folder)
    assert all(s.state is RenderState.DONE for s in project.scenes)
    (extend,) = _params(fake, "beam sweeps")
    assert extend["task"] == "extend"
    assert extend["previous"] == project.scenes[0].job_id
    (plain,) = _params(fake, "Morning at the harbour")
    assert plain["task"] != "extend"
    assert plain["previous"] is None
    assert looks_like_mp4(folder / str(project.scenes[1].clip_path))
    # Estimate equals spend: each 6 s scene at its own price, the extend one included.
    estimate = sum(s.billed_usd for s in project.scenes)
    assert Ledger(folder / LEDGER_NAME).total_spent() == pytest.approx(estimate)


def test_remix_edits_an_omni_take_by_interaction_and_another_by_its_clip(
    fake: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = _film(tmp_path)
    assert main(["video", "render", str(folder), "--scenes", "1"]) == 0
    capsys.readouterr()
    args = ["video", "remix", str(folder), "--scene", "1", "--json"]
    assert main([*args, "--prompt", "Make it night."]) == 0
    plan = json.loads(capsys.readouterr().out.splitlines()[0])
    assert plan["event"] == "plan"
    assert plan["estimate_usd"] == pytest.approx(0.6)
    first = project_store.load(folder).scenes[0]
    (edit,) = _params(fake, "Make it night.")
    assert edit["task"] == "edit"
    assert edit["previous"] == first.job_id
    assert edit["videos"] == 0
    takes = list_takes(first)
    assert len(takes) == 2
    assert first.clip_path == takes[0].clip_path
    assert looks_like_mp4(folder / str(takes[1].clip_path))

    # The same clip as if Veo had made it (a job the ledger does not know): the file goes inline.
    project = project_store.load(folder)
    veo = {"job_id": "models/veo/operations/1", "job_provider": ProviderName.VEO, "takes": ()}
    project_store.save(project.update_scene(first.id, **veo), folder)
    assert main([*args, "--prompt", "Add fog."]) == 0
    (by_file,) = _params(fake, "Add fog.")
    assert by_file["task"] == "edit"
    assert by_file["previous"] is None
    assert by_file["videos"] == 1
