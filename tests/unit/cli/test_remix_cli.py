"""`imageai video remix`, `take`, `remote-list` and `adopt` against the in-process fake server."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pytest

from imageai.cli.main import main
from imageai.core import project_store
from imageai.core.jobs import JobRequest
from imageai.core.ledger import LEDGER_NAME, Ledger
from imageai.core.models import Project, ProviderName, RenderState, Scene, SoraSettings
from imageai.core.shot import ShotSpec
from tests.fakes.fake_server import FakeConfig, serve

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from tests.fakes.fake_server import FakeJob, _Server

KEY = "sk-cli-test"


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[_Server]:
    server = serve(
        port=0, config=FakeConfig(generation_seconds=0.3, poll_after_ms=30, valid_keys=[KEY])
    )
    monkeypatch.setenv("OPENAI_BASE_URL", f"http://127.0.0.1:{server.server_address[1]}/v1")
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    yield server
    server.shutdown()
    server.server_close()


def _finished_video(server: _Server, prompt: str = "A lighthouse at dusk.") -> FakeJob:
    params = {"prompt": prompt, "model": "sora-2", "size": "1280x720", "seconds": "4"}
    job = server.state.new_job("sora", params, prefix="video_")
    job.created_at -= 60  # long finished
    return job


def _stats(server: _Server) -> dict[str, int]:
    return dict(server.state.stats)


@pytest.fixture
def film(tmp_path: Path, fake: _Server) -> tuple[Path, str]:
    """A Sora project whose scene 1 is rendered (by a video on the fake) and scene 2 is not."""
    source = _finished_video(fake)
    folder = tmp_path / "film"
    (folder / "clips").mkdir(parents=True)
    (folder / "clips" / "s1.mp4").write_bytes(b"first render")
    project = Project(
        provider=ProviderName.SORA,
        settings=Project().settings.model_copy(update={"sora": SoraSettings(seconds=4)}),
        scenes=(
            Scene(
                id="s1",
                prompt="A lighthouse at dusk.",
                state=RenderState.DONE,
                job_id=source.id,
                job_provider=ProviderName.SORA,
                clip_path="clips/s1.mp4",
                billed_usd=0.4,
            ),
            Scene(id="s2", prompt="The keeper climbs."),
            Scene(
                id="s3",
                prompt="Veo scene.",
                state=RenderState.DONE,
                job_id="models/x/operations/1",
                job_provider=ProviderName.VEO,
                clip_path="clips/s3.mp4",
            ),
        ),
    )
    project_store.save(project, folder)
    return folder, source.id


def _events(out: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in out.splitlines() if line.startswith("{")]


def test_remix_one_variation_adds_take_two_and_keeps_the_first(
    film: tuple[Path, str], fake: _Server, capsys: pytest.CaptureFixture[str]
) -> None:
    folder, source_id = film
    before = _stats(fake)["creates_billed"]
    assert main(["video", "remix", str(folder), "--scene", "1", "--prompt", "At dawn."]) == 0
    err = capsys.readouterr().err
    assert "1 new variation(s) x $0.40 = $0.40" in err
    assert "take 2" in err
    assert _stats(fake)["creates_billed"] == before + 1
    scene = project_store.load(folder).scene("s1")
    assert scene.takes[0].job_id == source_id
    first, second = scene.takes
    assert first.clip_path == "clips/s1.mp4"
    assert second.remixed_from_job_id == source_id
    assert second.prompt == "At dawn."
    assert second.clip_path == "clips/s1-take2.mp4"
    assert (folder / "clips" / "s1-take2.mp4").is_file()
    assert second.thumbnail_path is not None
    assert (folder / second.thumbnail_path).is_file()
    # The current clip is still the first render until a take is chosen.
    assert scene.clip_path == "clips/s1.mp4"
    assert scene.billed_usd == pytest.approx(0.8)
    ledger = Ledger(folder / LEDGER_NAME)
    events = [(e.event, e.scene_id) for e in ledger.entries()]
    assert events == [
        ("intent", "s1"),
        ("created", "s1"),
        ("completed", "s1"),
        ("downloaded", "s1"),
    ]
    assert ledger.spent_by_scene() == {"s1": pytest.approx(0.4)}
    assert ledger.open_job("s1", ledger.entries()[0].fingerprint) is None


def test_remix_n_variations_json_then_choose_a_take(
    film: tuple[Path, str], fake: _Server, capsys: pytest.CaptureFixture[str]
) -> None:
    folder, source_id = film
    before = _stats(fake)["creates_billed"]
    args = ["video", "remix", str(folder), "--scene", "1", "--json"]
    args += ["--prompt", "At dawn.", "--prompt", "In fog.", "--prompt", "At night."]
    assert main(args) == 0
    events = _events(capsys.readouterr().out)
    plan = events[0]
    assert plan["event"] == "plan"
    assert plan["estimate_usd"] == pytest.approx(1.2)
    assert [e["take"] for e in events if e["event"] == "take"] == [2, 3, 4]
    assert events[-1]["event"] == "finished"
    assert events[-1]["done"] == 3
    assert _stats(fake)["creates_billed"] == before + 3

    assert main(["video", "take", str(folder), "--scene", "1", "--choose", "3"]) == 0
    scene = project_store.load(folder).scene("s1")
    assert scene.clip_path == "clips/s1-take3.mp4"
    assert scene.takes[2].prompt == "In fog."
    capsys.readouterr()
    assert main(["video", "take", str(folder), "--scene", "1", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)["takes"]
    assert [r["current"] for r in rows] == [False, False, True, False]
    assert rows[0]["job_id"] == source_id
    assert main(["video", "take", str(folder), "--scene", "1", "--choose", "1"]) == 0
    assert project_store.load(folder).scene("s1").clip_path == "clips/s1.mp4"


def test_one_refused_variation_does_not_lose_the_others(
    film: tuple[Path, str], capsys: pytest.CaptureFixture[str]
) -> None:
    folder, _ = film
    args = ["video", "remix", str(folder), "--scene", "1"]
    args += ["--prompt", "Something forbidden.", "--prompt", "In fog."]
    assert main(args) == 1
    err = capsys.readouterr().err
    assert "variation 1 failed (content_policy)" in err
    takes = project_store.load(folder).scene("s1").takes
    assert [t.prompt for t in takes[1:]] == ["In fog."]


@pytest.mark.parametrize(
    ("scene", "message"),
    [
        ("2", "scene 2 is not rendered yet (state pending)"),
        ("3", "scene 3 was rendered with veo; only Sora videos can be remixed"),
        ("9", "scene 9 does not exist (scenes: 1-3)"),
    ],
)
def test_remix_refuses_scenes_it_cannot_remix(
    film: tuple[Path, str],
    fake: _Server,
    capsys: pytest.CaptureFixture[str],
    scene: str,
    message: str,
) -> None:
    folder, _ = film
    before = _stats(fake)
    assert main(["video", "remix", str(folder), "--scene", scene, "--prompt", "x"]) == 2
    assert message in capsys.readouterr().err
    assert _stats(fake) == before


def test_remix_over_budget_exits_2_before_any_create(
    film: tuple[Path, str], fake: _Server, capsys: pytest.CaptureFixture[str]
) -> None:
    folder, _ = film
    before = _stats(fake)["creates_billed"]
    args = ["video", "remix", str(folder), "--scene", "1", "--budget", "0.5"]
    assert main([*args, "--prompt", "a", "--prompt", "b"]) == 2
    assert "pass the $0.50 budget" in capsys.readouterr().err
    assert _stats(fake)["creates_billed"] == before
    assert not (folder / LEDGER_NAME).exists()


def test_remix_without_key_exits_3(
    film: tuple[Path, str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("OPENAI_API_KEY")
    folder, _ = film
    assert main(["video", "remix", str(folder), "--scene", "1", "--prompt", "x"]) == 3
    assert "No Openai API key" in capsys.readouterr().err


def test_remix_on_a_retired_endpoint_hints_at_retarget(
    film: tuple[Path, str], fake: _Server, capsys: pytest.CaptureFixture[str]
) -> None:
    folder, _ = film
    fake.state.config.sora_retired = True
    assert main(["video", "remix", str(folder), "--scene", "1", "--prompt", "x"]) == 1
    err = capsys.readouterr().err
    assert f"imageai video retarget {folder} --provider omni" in err


def test_take_choose_out_of_range_exits_2(
    film: tuple[Path, str], capsys: pytest.CaptureFixture[str]
) -> None:
    folder, _ = film
    assert main(["video", "take", str(folder), "--scene", "1", "--choose", "2"]) == 2
    assert "scene 1: take 2 does not exist (the scene has 1-1)" in capsys.readouterr().err
    assert main(["video", "take", str(folder), "--scene", "2", "--choose", "1"]) == 2
    assert "no takes yet" in capsys.readouterr().err


def test_remote_list_text_and_json(
    film: tuple[Path, str], fake: _Server, capsys: pytest.CaptureFixture[str]
) -> None:
    _, source_id = film
    _finished_video(fake, prompt="A very long prompt " * 10)
    assert main(["video", "remote-list", "--limit", "5", "--json"]) == 0
    videos = json.loads(capsys.readouterr().out)["videos"]
    assert [v["id"] for v in videos][-1] == source_id
    newest = videos[0]
    assert set(newest) >= {"id", "status", "model", "size", "seconds", "prompt", "created"}
    assert newest["status"] == "completed"
    assert len(newest["prompt"]) <= 48
    assert main(["video", "remote-list", "--limit", "1"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1
    assert "1280x720" in lines[0]


def test_adopt_into_an_unrendered_scene_costs_nothing(
    film: tuple[Path, str], fake: _Server, capsys: pytest.CaptureFixture[str]
) -> None:
    folder, _ = film
    other = _finished_video(fake, prompt="Made in another tool.")
    before = _stats(fake)["creates_billed"]
    assert main(["video", "adopt", str(folder), "--scene", "2", "--video-id", other.id]) == 0
    assert _stats(fake)["creates_billed"] == before
    scene = project_store.load(folder).scene("s2")
    assert scene.state is RenderState.DONE
    assert (scene.job_id, scene.job_provider) == (other.id, ProviderName.SORA)
    assert scene.clip_path == "clips/s2.mp4"
    assert (folder / "clips" / "s2.mp4").is_file()
    assert scene.billed_usd == 0.0
    ledger = Ledger(folder / LEDGER_NAME)
    assert [e.event for e in ledger.entries()] == ["created", "completed", "downloaded"]
    assert ledger.total_spent() == 0.0


def test_adopt_into_a_rendered_scene_keeps_the_old_clip_as_a_take(
    film: tuple[Path, str], fake: _Server
) -> None:
    folder, source_id = film
    other = _finished_video(fake)
    assert main(["video", "adopt", str(folder), "--scene", "1", "--video-id", other.id]) == 0
    scene = project_store.load(folder).scene("s1")
    assert [t.job_id for t in scene.takes] == [source_id, other.id]
    assert scene.clip_path == "clips/s1-take2.mp4"
    assert scene.job_id == other.id


def test_adopt_unknown_or_failed_video_exits_2(
    film: tuple[Path, str], fake: _Server, capsys: pytest.CaptureFixture[str]
) -> None:
    folder, _ = film
    args = ["video", "adopt", str(folder), "--scene", "2", "--video-id"]
    assert main([*args, "video_nope"]) == 2
    assert "video_nope was not found" in capsys.readouterr().err
    blocked = _finished_video(fake, prompt="forbidden thing")
    blocked.params["blocked"] = True
    assert main([*args, blocked.id]) == 2
    assert "it has no clip to adopt" in capsys.readouterr().err
    assert project_store.load(folder).scene("s2").state is RenderState.PENDING


def test_remix_interrupted_after_create_is_followed_again_not_paid_twice(
    film: tuple[Path, str], fake: _Server, capsys: pytest.CaptureFixture[str]
) -> None:
    folder, source_id = film
    # An earlier run created the remix and recorded it, then died before downloading it.
    remix = fake.state.new_job(
        "sora",
        {
            "prompt": "At dawn.",
            "model": "sora-2",
            "size": "1280x720",
            "seconds": "4",
            "remixed_from_video_id": source_id,
        },
        prefix="video_",
    )
    spec = ShotSpec(provider=ProviderName.SORA, model="sora-2", seconds=4, size="1280x720")
    request = JobRequest(
        scene_id="s1",
        index=1,
        spec=spec,
        prompt="At dawn.",
        settings=SoraSettings(seconds=4),
        project_dir=folder,
    )
    Ledger(folder / LEDGER_NAME).created(request, remix.id, 0.4)
    before = _stats(fake)["creates_billed"]
    assert main(["video", "remix", str(folder), "--scene", "1", "--prompt", "At dawn."]) == 0
    assert "following" in capsys.readouterr().err
    assert _stats(fake)["creates_billed"] == before
    take = project_store.load(folder).scene("s1").takes[1]
    assert take.job_id == remix.id
    assert take.billed_usd == pytest.approx(0.4)


def test_remote_delete_needs_yes_and_then_deletes(
    fake: _Server, capsys: pytest.CaptureFixture[str]
) -> None:
    video = _finished_video(fake)
    assert main(["video", "remote-delete", "--video-id", video.id]) == 2
    assert "add --yes" in capsys.readouterr().err
    assert video.id in fake.state.jobs
    assert main(["video", "remote-delete", "--video-id", video.id, "--yes"]) == 0
    assert video.id not in fake.state.jobs
    assert main(["video", "remote-delete", "--video-id", video.id, "--yes"]) == 1
    assert "video" in capsys.readouterr().err.lower()
