"""A project on a retired or deprecated model: estimate says so, retarget --successor moves it."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest

from imageai.cli.main import main
from imageai.core import project_store
from imageai.core.models import Project, ProviderName, Scene, VeoBackend, VeoSettings
from imageai.core.paths import price_override_file

if TYPE_CHECKING:
    from pathlib import Path

PREVIEW = "veo-3.1-generate-preview"


@pytest.fixture
def film(tmp_path: Path) -> Path:
    """A project saved before 2026-10-22: Veo 3.1 preview on the Gemini API."""
    folder = tmp_path / "film"
    veo = VeoSettings(backend=VeoBackend.GEMINI, model=PREVIEW, aspect="9:16", seconds=8)
    project = Project(
        provider=ProviderName.VEO,
        settings=Project().settings.model_copy(update={"veo": veo}),
        scenes=(Scene(id="a", prompt="A"), Scene(id="b", prompt="B", duration=4), Scene(id="c")),
    )
    project_store.save(project, folder)
    return folder


def test_estimate_says_the_model_is_retired_and_how_to_move(
    film: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["video", "estimate", str(film)]) == 0
    out = capsys.readouterr().out
    assert "shut Veo 3.1 preview down on the Gemini API on 2026-10-22" in out
    assert f"imageai video retarget {film} --successor --yes" in out
    assert "Before: 3 scenes, 20 s: $8.00 -> after: 3 scenes, 20 s: $2.00 (-$6.00)" in out
    assert main(["video", "estimate", str(film), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    (row,) = data["lifecycle"]
    assert row["model"] == PREVIEW
    assert row["status"] == "retired"
    assert row["retired_on"] == "2026-10-22"
    assert (row["successor_provider"], row["successor"]) == ("omni", "gemini-omni-1.1-flash")
    assert "--successor" in row["sentence"]


def test_render_refuses_before_any_call_and_names_the_move(
    film: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GEMINI_API_KEY", "k" * 20)
    assert main(["video", "render", str(film)]) == 2
    err = capsys.readouterr().err
    assert "2026-10-22" in err
    assert f"imageai video retarget {film} --provider omni --model gemini-omni-1.1-flash" in err


def test_successor_shows_the_cost_then_moves_to_omni_with_yes(
    film: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = (film / "project.json").read_text()
    assert main(["video", "retarget", str(film), "--successor"]) == 0
    captured = capsys.readouterr()
    assert "2026-10-22" in captured.err
    assert "to omni (gemini-omni-1.1-flash)" in captured.out
    assert "Before: 3 scenes, 20 s: $8.00 -> after: 3 scenes, 20 s: $2.00 (-$6.00)" in captured.out
    assert (film / "project.json").read_text() == before
    assert main(["video", "retarget", str(film), "--successor", "--yes", "--json"]) == 0
    plan = json.loads(capsys.readouterr().out)
    assert (plan["target"], plan["model"], plan["applied"]) == (
        "omni",
        "gemini-omni-1.1-flash",
        True,
    )
    project = project_store.load(film)
    assert project.provider is ProviderName.OMNI
    omni = project.settings.omni
    assert (omni.model, omni.aspect, omni.resolution, omni.seconds) == (
        "gemini-omni-1.1-flash",
        "9:16",
        "720p",
        8,
    )
    # The Veo settings stay, for a move back; the project is now live and costs what was shown.
    assert project.settings.veo.model == PREVIEW
    assert main(["video", "estimate", str(film), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["total_usd"] == pytest.approx(2.00)
    assert [row["status"] for row in data["lifecycle"]] == ["live"]


def test_a_live_model_has_no_successor_to_move_to(
    film: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["video", "retarget", str(film), "--successor", "--yes"]) == 0
    capsys.readouterr()
    assert main(["video", "retarget", str(film), "--successor"]) == 2
    assert "no successor" in capsys.readouterr().err


def test_a_later_retirement_is_a_data_edit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "vertex"
    veo = VeoSettings(model="veo-3.1-lite-generate-001", vertex_project="p", seconds=6)
    project_store.save(
        Project(
            provider=ProviderName.VEO,
            settings=Project().settings.model_copy(update={"veo": veo}),
            scenes=(Scene(id="a", prompt="A"),),
        ),
        folder,
    )
    assert main(["video", "estimate", str(folder)]) == 0
    assert "retarget" not in capsys.readouterr().out
    override = price_override_file()
    override.parent.mkdir(parents=True, exist_ok=True)
    override.write_text(
        """
[[models]]
provider = "veo"
id = "veo-3.1-lite-generate-001"
label = "Veo 3.1 Lite (preview)"
backend = "vertex"
retired_on = "2026-11-29"
successor = "gemini-omni-1.2-flash"
successor_provider = "omni"
aspects = ["16:9", "9:16"]
resolutions = ["720p", "1080p"]
seconds = [4, 6, 8]
prices = [{ usd_per_second = 0.05, checked = "2026-11-30", source = "test" }]
""",
        encoding="utf-8",
    )
    assert main(["video", "estimate", str(folder), "--json"]) == 0
    (row,) = json.loads(capsys.readouterr().out)["lifecycle"]
    assert (row["status"], row["retired_on"], row["successor"]) == (
        "retired",
        "2026-11-29",
        "gemini-omni-1.2-flash",
    )
    assert "Veo 3.1 Lite (preview) was shut down on 2026-11-29" in row["sentence"]
    assert main(["video", "retarget", str(folder), "--successor", "--yes"]) == 0
    moved = project_store.load(folder)
    assert (moved.provider, moved.settings.omni.model) == (
        ProviderName.OMNI,
        "gemini-omni-1.2-flash",
    )
    assert moved.settings.omni.seconds == 6
