"""`imageai video remix` on a Gemini Omni scene (an edit) and `imageai video scene`."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pytest

from imageai.cli import remix_commands
from imageai.cli.context import CliContext
from imageai.cli.main import main
from imageai.core import project_store
from imageai.core.catalog import default_catalog
from imageai.core.ledger import LEDGER_NAME, Ledger
from imageai.core.models import OmniContinuity, Project, ProviderName, RenderState, Scene
from imageai.core.remix_plan import plan_edit
from imageai.core.secrets import InMemorySecretStore
from imageai.core.takes import list_takes
from imageai.providers.router import ProviderRouter
from tests.fakes.fake_provider import FakeProvider

if TYPE_CHECKING:
    from pathlib import Path

    from imageai.core.jobs import VideoProvider
    from imageai.core.models import ProviderSettingsT


def _film(tmp_path: Path) -> Path:
    folder = tmp_path / "film"
    (folder / "clips").mkdir(parents=True)
    (folder / "clips" / "s1.mp4").write_bytes(b"first render")
    project = Project(
        provider=ProviderName.OMNI,
        scenes=(
            Scene(
                id="s1",
                prompt="A lighthouse at dusk.",
                state=RenderState.DONE,
                job_id="interactions/first",
                job_provider=ProviderName.OMNI,
                clip_path="clips/s1.mp4",
                billed_usd=0.6,
            ),
            Scene(id="s2", prompt="The beam sweeps on."),
        ),
    )
    project_store.save(project, folder)
    return folder


@pytest.fixture
def omni(monkeypatch: pytest.MonkeyPatch) -> FakeProvider:
    """The provider every command builds (a scripted Omni)."""
    provider = FakeProvider(("done",), name=ProviderName.OMNI)

    def factory(name: ProviderName, settings: ProviderSettingsT) -> VideoProvider:
        return provider

    def context() -> CliContext:
        return CliContext(default_catalog(), InMemorySecretStore(), ProviderRouter(factory))

    monkeypatch.setattr(remix_commands, "build_context", context)
    return provider


def _events(out: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in out.splitlines() if line.startswith("{")]


def test_remix_of_an_omni_scene_prices_first_and_adds_a_take(
    tmp_path: Path, omni: FakeProvider, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = _film(tmp_path)
    code = main(["video", "remix", str(folder), "--scene", "1", "--prompt", "night", "--json"])
    assert code == 0
    events = _events(capsys.readouterr().out)
    assert events[0]["event"] == "plan"
    assert events[0]["estimate_usd"] == pytest.approx(0.6)
    assert events[0]["source_job_id"] == "interactions/first"
    assert [e["event"] for e in events][-2:] == ["take", "finished"]
    (sent,) = omni.requests
    assert sent.source is not None
    assert sent.source.job_id == "interactions/first"
    scene = project_store.load(folder).scene("s1")
    takes = list_takes(scene)
    assert [t.clip_path for t in takes] == ["clips/s1.mp4", "clips/s1-take2.mp4"]
    assert scene.clip_path == "clips/s1.mp4"
    assert (folder / "clips" / "s1-take2.mp4").is_file()
    assert Ledger(folder / LEDGER_NAME).total_spent() == pytest.approx(0.6)


def test_remix_over_budget_exits_2_before_any_create(
    tmp_path: Path, omni: FakeProvider, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = _film(tmp_path)
    args = ["video", "remix", str(folder), "--scene", "1", "--prompt", "a", "--prompt", "b"]
    assert main([*args, "--budget", "1.0"]) == 2
    assert "budget" in capsys.readouterr().err.lower()
    assert omni.requests == []


def test_a_lost_answer_is_not_sent_again_without_resend_unknown(
    tmp_path: Path, omni: FakeProvider, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = _film(tmp_path)
    omni.lose_answers = 1
    args = ["video", "remix", str(folder), "--scene", "1", "--prompt", "night", "--json"]
    assert main(args) == 1
    failed = [e for e in _events(capsys.readouterr().out) if e["event"] == "failed"]
    assert failed[0]["kind"] == "outcome_unknown"
    assert len(omni.started) == 1

    assert main(args) == 1  # the rerun sends nothing
    events = _events(capsys.readouterr().out)
    assert events[0]["held"] == 1
    assert events[0]["estimate_usd"] == 0
    failed = [e for e in events if e["event"] == "failed"]
    assert "--resend-unknown" in failed[0]["message"]
    assert len(omni.started) == 1

    assert main([*args, "--resend-unknown"]) == 0
    assert len(omni.started) == 2
    assert len(list_takes(project_store.load(folder).scene("s1"))) == 2


def test_a_rerun_follows_a_remix_created_before_a_crash(
    tmp_path: Path, omni: FakeProvider, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = _film(tmp_path)
    project = project_store.load(folder)
    ledger = Ledger(folder / LEDGER_NAME)
    plan = plan_edit(default_catalog(), project, project.scenes[0], folder, ["night"], ledger)
    ledger.intent(plan.requests[0])
    ledger.created(plan.requests[0], "interactions/made-before-crash", 0.6)
    args = ["video", "remix", str(folder), "--scene", "1", "--prompt", "night", "--json"]
    assert main(args) == 0
    events = _events(capsys.readouterr().out)
    assert events[0]["new"] == 0
    assert omni.started == []  # followed, not created again
    take = list_takes(project_store.load(folder).scene("s1"))[1]
    assert take.job_id == "interactions/made-before-crash"
    assert take.billed_usd == pytest.approx(0.6)


def test_video_scene_sets_continuity_and_audio(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = _film(tmp_path)
    args = ["video", "scene", str(folder), "2", "--continuity", "extend"]
    assert main([*args, "--audio", " no dialogue ", "--json"]) == 0
    row = json.loads(capsys.readouterr().out)
    assert row == {
        "scene": "s2",
        "index": 2,
        "provider": "omni",
        "continuity": "extend",
        "audio": "no dialogue",
    }
    scene = project_store.load(folder).scene("s2")
    assert scene.continuity is OmniContinuity.EXTEND
    assert scene.audio_direction == "no dialogue"
    assert main(["video", "scene", str(folder), "2", "--continuity", "none", "--audio", ""]) == 0
    scene = project_store.load(folder).scene("s2")
    assert (scene.continuity, scene.audio_direction) == (OmniContinuity.NONE, "")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["1", "--continuity", "extend"], "scene 1 is the first scene"),
        (["9", "--continuity", "extend"], "scene 9 does not exist"),
        (["2", "--continuity", "sideways"], "invalid choice"),
        (["2", "--audio", "no\ndialogue"], "one line of plain text"),
        (["2", "--audio", "x" * 301], "at most 300"),
    ],
)
def test_video_scene_refuses_bad_input_with_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    folder = _film(tmp_path)
    before = project_store.load(folder)
    assert main(["video", "scene", str(folder), *argv]) == 2
    assert message in capsys.readouterr().err
    assert project_store.load(folder) == before


def test_extend_on_a_non_omni_scene_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = _film(tmp_path)
    project = project_store.load(folder)
    project_store.save(project.update_scene("s2", provider=ProviderName.VEO), folder)
    assert main(["video", "scene", str(folder), "2", "--continuity", "extend"]) == 2
    err = capsys.readouterr().err
    assert "renders with veo; only Gemini Omni can extend" in err
    assert project_store.load(folder).scene("s2").continuity is OmniContinuity.NONE
