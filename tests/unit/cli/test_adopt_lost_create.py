"""`video adopt` of the video a lost create of this project made: billed here, so it is spend."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest

from imageai.cli.main import main
from imageai.core import project_store, render_plan
from imageai.core.catalog import default_catalog
from imageai.core.ledger import LEDGER_NAME, Ledger
from imageai.core.models import Project, ProviderName, Scene, SoraSettings
from tests.fakes.fake_server import FakeConfig, serve

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from tests.fakes.fake_server import _Server

KEY = "sk-cli-test"


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[_Server]:
    server = serve(
        port=0, config=FakeConfig(generation_seconds=0.1, poll_after_ms=30, valid_keys=[KEY])
    )
    monkeypatch.setenv("OPENAI_BASE_URL", f"http://127.0.0.1:{server.server_address[1]}/v1")
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    yield server
    server.shutdown()
    server.server_close()


def _lost_create(folder: Path, fake: _Server) -> str:
    """A one-scene Sora project whose create was sent and its answer lost; the video it made."""
    project = Project(
        provider=ProviderName.SORA,
        settings=Project().settings.model_copy(update={"sora": SoraSettings(seconds=4)}),
        scenes=(Scene(id="s1", prompt="The keeper climbs."),),
    )
    project_store.create_folder(folder)
    project_store.save(project, folder)
    ledger = Ledger(folder / LEDGER_NAME)
    request = render_plan.build_request(default_catalog(), project, project.scenes[0], folder)
    ledger.intent(request)
    ledger.failed(request, None, "outcome_unknown", "the answer was lost")
    params = {"prompt": request.prompt, "model": "sora-2", "size": "1280x720", "seconds": "4"}
    job = fake.state.new_job("sora", params, prefix="video_")
    job.created_at -= 60  # long finished
    return job.id


def test_adopting_a_lost_creates_video_counts_it_as_spent(
    tmp_path: Path, fake: _Server, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "film"
    video_id = _lost_create(folder, fake)
    ledger = Ledger(folder / LEDGER_NAME)
    assert ledger.unsettled_intents() == {"s1": 1}  # possibly billed: $0.40 counted

    assert main(["video", "adopt", str(folder), "--scene", "1", "--video-id", video_id]) == 0

    # The intent is settled by the adoption, and its price moves to spend: the budget never
    # drops by a create this project paid for.
    assert ledger.unsettled_intents() == {}
    assert ledger.total_spent() == pytest.approx(0.4)
    capsys.readouterr()
    assert main(["video", "status", str(folder), "--json"]) == 0
    status = json.loads(capsys.readouterr().out)
    assert status["total_spent_usd"] == pytest.approx(0.4)
    assert status["total_possibly_billed_usd"] == 0
