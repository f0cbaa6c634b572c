"""The `imageai video` commands: exit codes, JSON output, and a real animatic render."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import TYPE_CHECKING

import pytest

from imageai.cli.main import main
from imageai.core import project_store
from imageai.core.media import probe
from imageai.core.models import RenderState

if TYPE_CHECKING:
    from pathlib import Path

#: OpenAI retired Sora 2; a compatible endpoint serves it with the table's limits and prices.
GATEWAY = "https://videos-gateway.test/v1"
SCRIPT = "A lighthouse at dusk. [2s]\n\nThe keeper climbs the stairs. [1s]\n\nFade out.\n"


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run(
        [sys.executable, "-m", "imageai", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def script(tmp_path: Path) -> Path:
    path = tmp_path / "s.txt"
    path.write_text(SCRIPT)
    return path


def test_init_and_estimate_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project, script = tmp_path / "p", tmp_path / "sora.txt"
    script.write_text("A lighthouse. [8s]\n\nStairs. [12s]\n\nFade out.\n")
    assert (
        main(
            [
                "video",
                "init",
                str(project),
                "--provider",
                "sora",
                "--base-url",
                GATEWAY,
                "--base-url",
                GATEWAY,
                "--model",
                "sora-2-pro",
                "--size",
                "1792x1024",
                "--seconds",
                "4",
                "--script",
                str(script),
            ]
        )
        == 0
    )
    capsys.readouterr()
    assert main(["video", "estimate", str(project), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["total_usd"] == pytest.approx(0.5 * (8 + 12 + 4))
    assert [s["index"] for s in data["scenes"]] == [1, 2, 3]
    assert set(data["scenes"][0]) == {
        "id",
        "index",
        "provider",
        "model",
        "seconds",
        "usd",
        "price_verified",
        "price_source",
    }
    assert data["scenes"][0]["price_verified"] is True


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--provider", "sora", "--base-url", GATEWAY, "--seconds", "10"], "allowed: 4, 8, 12"),
        (
            ["--provider", "sora", "--base-url", GATEWAY, "--size", "1792x1024"],
            "sora-2 cannot render 1792x1024",
        ),
        (["--provider", "veo", "--resolution", "1080p", "--seconds", "4"], "allowed: 8"),
        (["--provider", "veo", "--size", "1280x720"], "Veo takes --aspect"),
        (["--provider", "sora", "--size", "big"], "size must look like"),
        (["--provider", "animatic", "--script", "missing.txt"], "missing.txt does not exist"),
    ],
)
def test_init_rejects_impossible_settings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    assert main(["video", "init", str(tmp_path / "p"), *args]) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "p" / "project.json").exists()


def test_render_without_key_exits_3_before_any_call(
    tmp_path: Path, script: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = tmp_path / "p"
    main(
        [
            "video",
            "init",
            str(project),
            "--provider",
            "sora",
            "--base-url",
            GATEWAY,
            "--seconds",
            "4",
            "--script",
            str(script),
        ]
    )
    main(["video", "init", str(tmp_path / "q"), "--provider", "sora", "--base-url", GATEWAY])
    capsys.readouterr()
    # Script durations 2 s and 1 s are invalid on Sora: invalid input wins (exit 2).
    assert main(["video", "render", str(project)]) == 2
    assert "scene 1" in capsys.readouterr().err
    (tmp_path / "r.txt").write_text("A valid scene.")
    main(
        [
            "video",
            "init",
            str(tmp_path / "r"),
            "--provider",
            "sora",
            "--base-url",
            GATEWAY,
            "--script",
            str(tmp_path / "r.txt"),
        ]
    )
    capsys.readouterr()
    assert main(["video", "render", str(tmp_path / "r")]) == 3
    assert "OPENAI_API_KEY" in capsys.readouterr().err
    assert not (tmp_path / "r" / "ledger.jsonl").exists()


def test_budget_blocks_render(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-not-used")
    (tmp_path / "r.txt").write_text("One.\n\nTwo.")
    main(
        [
            "video",
            "init",
            str(tmp_path / "r"),
            "--provider",
            "sora",
            "--base-url",
            GATEWAY,
            "--seconds",
            "8",
            "--script",
            str(tmp_path / "r.txt"),
            "--budget",
            "0.70",
        ]
    )
    capsys.readouterr()
    # Not even one new create fits: nothing starts (a budget that fits some: test_budget_split).
    assert main(["video", "render", str(tmp_path / "r")]) == 2
    assert "pass the $0.70 budget by $0.90" in capsys.readouterr().err
    assert main(["video", "render", str(tmp_path / "r"), "--budget", "0.5"]) == 2


def test_bad_scene_selection(
    tmp_path: Path, script: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["video", "init", str(tmp_path / "p"), "--provider", "animatic", "--script", str(script)])
    capsys.readouterr()
    assert main(["video", "render", str(tmp_path / "p"), "--scenes", "2-9"]) == 2
    assert "outside 1-3" in capsys.readouterr().err


def test_corrupt_project_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "project.json").write_text("{")
    assert main(["video", "status", str(tmp_path)]) == 2
    assert "not valid JSON" in capsys.readouterr().err
    assert (tmp_path / "project.json").read_text() == "{"


def test_animatic_render_and_assemble_end_to_end(tmp_path: Path, script: Path) -> None:
    init = run_cli(
        "video",
        "init",
        "p",
        "--provider",
        "animatic",
        "--size",
        "640x360",
        "--seconds",
        "1",
        "--script",
        str(script),
        cwd=tmp_path,
    )
    assert init.returncode == 0, init.stderr
    render = run_cli("video", "render", "p", "--json", "--concurrency", "2", cwd=tmp_path)
    assert render.returncode == 0, render.stderr
    events = [json.loads(line) for line in render.stdout.splitlines()]
    assert events[0]["event"] == "plan" and events[-1]["event"] == "finished"
    assert sum(e["event"] == "done" for e in events) == 3
    project = project_store.load(tmp_path / "p")
    assert all(s.state is RenderState.DONE for s in project.scenes)
    durations = []
    for scene, expected in zip(project.scenes, (2, 1, 1), strict=True):
        info = probe(tmp_path / "p" / str(scene.clip_path))
        assert (info.width, info.height) == (640, 360)
        assert info.duration == pytest.approx(expected, abs=0.1)
        assert (tmp_path / "p" / str(scene.thumbnail_path)).is_file()
        durations.append(info.duration)

    again = run_cli("video", "render", "p", "--json", cwd=tmp_path)
    assert again.returncode == 0
    assert not any(json.loads(line)["event"] == "created" for line in again.stdout.splitlines())

    status = run_cli("video", "status", "p", "--json", cwd=tmp_path)
    data = json.loads(status.stdout)
    assert data["total_spent_usd"] == 0 and all(s["state"] == "done" for s in data["scenes"])

    cut = run_cli("video", "assemble", "p", "-o", "cut.mp4", cwd=tmp_path)
    assert cut.returncode == 0, cut.stderr
    assert probe(tmp_path / "cut.mp4").duration == pytest.approx(sum(durations), abs=0.3)


def test_render_all_holds_back_scenes_whose_outcome_is_unknown(tmp_path: Path) -> None:
    from imageai.core.models import Project, Scene

    folder = tmp_path / "p"
    unknown = Scene(prompt="Maybe billed.", duration=1, state=RenderState.OUTCOME_UNKNOWN)
    project_store.save(Project(scenes=(Scene(prompt="Fine.", duration=1), unknown)), folder)
    # A subprocess: an in-process render would leave a QCoreApplication behind for later tests.
    result = run_cli("video", "render", "p", "--json", cwd=tmp_path)
    assert result.returncode == 1
    assert "Not rendering scene(s) 2" in result.stderr
    assert "--scenes 2" in result.stderr
    assert project_store.load(folder).scene(unknown.id).state is RenderState.OUTCOME_UNKNOWN


@pytest.mark.parametrize(
    ("extra", "name"),
    [
        (["--provider", "sora", "--base-url", GATEWAY], "/v1/videos"),
        (["--provider", "omni"], "Omni"),
        (["--provider", "animatic"], "Animatic"),
    ],
)
def test_init_reports_the_provider_by_its_user_facing_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: list[str], name: str
) -> None:
    folder = tmp_path / "p"
    assert main(["video", "init", str(folder), *extra]) == 0
    assert capsys.readouterr().out.strip() == f"Created {folder} ({name}, 0 scenes)"
