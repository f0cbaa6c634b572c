"""`imageai video render` budget: lost creates count as possibly billed; paid resumes always run."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest

from imageai.cli import video_commands
from imageai.cli.context import CliContext
from imageai.cli.main import main
from imageai.core import project_store
from imageai.core.catalog import default_catalog
from imageai.core.ledger import LEDGER_NAME, Ledger
from imageai.core.models import (
    Project,
    ProviderName,
    ProviderSettings,
    RenderState,
    Scene,
    SoraSettings,
)
from imageai.core.render_plan import build_request
from imageai.core.secrets import InMemorySecretStore
from imageai.providers.router import ProviderRouter
from tests.fakes.fake_provider import FakeProvider

if TYPE_CHECKING:
    from pathlib import Path

    from pytestqt.qtbot import QtBot

    from imageai.core.jobs import JobRequest, VideoProvider
    from imageai.core.models import ProviderSettingsT


def _film(folder: Path, budget: float) -> Project:
    """Four sora-2 scenes of 4 s on a compatible endpoint: $0.40 each."""
    scenes = tuple(Scene(id=f"s{i}", prompt=f"shot {i}", duration=4) for i in range(1, 5))
    settings = ProviderSettings(sora=SoraSettings(base_url="https://videos-gateway.test/v1"))
    project = Project(
        provider=ProviderName.SORA, settings=settings, scenes=scenes, budget_usd=budget
    )
    project_store.save(project, folder)
    return project


def _use(monkeypatch: pytest.MonkeyPatch, provider: FakeProvider) -> None:
    def factory(name: ProviderName, settings: ProviderSettingsT) -> VideoProvider:
        return provider

    def context() -> CliContext:
        return CliContext(default_catalog(), InMemorySecretStore(), ProviderRouter(factory))

    monkeypatch.setattr(video_commands, "build_context", context)


def _status(folder: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, object]:
    capsys.readouterr()
    assert main(["video", "status", str(folder), "--json"]) == 0
    status: dict[str, object] = json.loads(capsys.readouterr().out)
    return status


def test_lost_creates_count_against_the_budget_until_settled(
    qapp: object,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    folder = tmp_path / "film"
    _film(folder, budget=2.4)
    provider = FakeProvider(("done",), name=ProviderName.SORA, lose_answers=1000)
    _use(monkeypatch, provider)

    # Every answer is lost: 4 creates may be billed ($1.60) though the ledger has no `created`.
    assert main(["video", "render", str(folder), "--scenes", "1-4"]) == 1
    assert len(provider.started) == 4
    status = _status(folder, capsys)
    assert status["total_spent_usd"] == 0
    assert status["total_possibly_billed_usd"] == pytest.approx(1.6)
    rows = status["scenes"]
    assert isinstance(rows, list)
    assert [row["possibly_billed_usd"] for row in rows] == pytest.approx([0.4] * 4)
    assert main(["video", "status", str(folder)]) == 0
    assert "Possibly billed: $1.60" in capsys.readouterr().out

    # Sent again on the user's word: only $0.80 of the $2.40 is left, so two creates fit.
    assert main(["video", "render", str(folder), "--scenes", "1-4"]) == 1
    assert len(provider.started) == 6
    assert "over the $2.40 budget" in capsys.readouterr().err
    assert _status(folder, capsys)["total_possibly_billed_usd"] == pytest.approx(2.4)

    # The budget is reached: nothing more is sent.
    assert main(["video", "render", str(folder), "--scenes", "1-4"]) == 2
    assert len(provider.started) == 6


def test_a_sure_failure_settles_a_lost_create_and_an_outcome_unknown_does_not(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "film"
    project = _film(folder, budget=2.4)
    request = build_request(default_catalog(), project, project.scenes[0], folder)
    ledger = Ledger(folder / LEDGER_NAME)
    ledger.intent(request)
    ledger.failed(request, None, "outcome_unknown", "the answer was lost")
    assert ledger.unsettled_intents() == {"s1": 1}
    ledger.intent(request)
    ledger.failed(request, None, "content_policy", "refused")  # settles the second send only
    assert ledger.unsettled_intents() == {"s1": 1}
    ledger.intent(request)
    ledger.created(request, "job-1", 0.4)
    assert ledger.unsettled_intents() == {"s1": 1}
    ledger.failed(request, "job-1", "unknown", "the job failed later")  # not a create's outcome
    assert ledger.unsettled_intents() == {"s1": 1}


def _paid_for(folder: Path, request: JobRequest) -> None:
    """Record the scene as created and billed, as a killed render leaves it."""
    ledger = Ledger(folder / LEDGER_NAME)
    ledger.intent(request)
    ledger.created(request, f"job-{request.scene_id}", 0.4)


def test_paid_jobs_resume_and_only_new_creates_that_fit_run(
    qapp: object,
    qtbot: QtBot,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    folder = tmp_path / "film"
    # $0.80 already paid for scenes 1 and 2; $1.40 leaves room for one new $0.40 create.
    project = _film(folder, budget=1.4)
    for scene in project.scenes[:2]:
        _paid_for(folder, build_request(default_catalog(), project, scene, folder))
    provider = FakeProvider(("done",), name=ProviderName.SORA)
    _use(monkeypatch, provider)

    assert main(["video", "render", str(folder)]) == 1
    err = capsys.readouterr().err
    assert "Not rendering scene(s) 4: over the $1.40 budget" in err
    assert [r.scene_id for r in provider.requests] == ["s3"]  # the one new create
    assert {"job-s1", "job-s2"} <= set(provider.polls)  # both paid jobs were resumed
    states = [s.state for s in project_store.load(folder).scenes]
    assert states[:3] == [RenderState.DONE] * 3
    assert states[3] is not RenderState.DONE
    assert Ledger(folder / LEDGER_NAME).total_spent() == pytest.approx(1.2)
