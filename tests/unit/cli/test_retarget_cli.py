"""`imageai video retarget` (plan shown, applied only with --yes) and the retirement hint."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest

from imageai.cli.main import main
from imageai.cli.progress import RenderReport, retarget_hint
from imageai.core import project_store
from imageai.core.errors import ErrorKind, JobError
from imageai.core.models import Project, ProviderName, Scene, SoraSettings

if TYPE_CHECKING:
    from pathlib import Path


@pytest.fixture
def film(tmp_path: Path) -> Path:
    folder = tmp_path / "film"
    project = Project(
        provider=ProviderName.SORA,
        settings=Project().settings.model_copy(
            update={"sora": SoraSettings(size="720x1280", seconds=4)}
        ),
        scenes=(Scene(id="a"), Scene(id="b", duration=12), Scene(id="c")),
    )
    project_store.save(project, folder)
    return folder


def test_plan_is_shown_and_nothing_changes_without_yes(
    film: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = (film / "project.json").read_text()
    assert main(["video", "retarget", str(film), "--provider", "veo"]) == 0
    out = capsys.readouterr().out
    assert "Scene 2: 12 s becomes 8 s." in out
    assert "sora sora-2 720x1280 4s" in out
    assert "veo veo-3.1-fast-generate-001 9:16 720p 4s" in out
    assert "Before: 3 scenes, 20 s: $2.00 -> after: 3 scenes, 16 s: $2.40 (+$0.40)" in out
    assert "run again with --yes" in out
    assert (film / "project.json").read_text() == before


def test_yes_applies_the_plan(film: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["video", "retarget", str(film), "--provider", "veo", "--yes"]) == 0
    project = project_store.load(film)
    assert project.provider is ProviderName.VEO
    assert project.settings.veo.aspect == "9:16"
    assert project.scene("b").duration == 8
    capsys.readouterr()
    # The estimate follows the new provider.
    assert main(["video", "estimate", str(film), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["total_usd"] == pytest.approx(0.15 * 16)
    # And back: the shot returns to Sora's.
    assert main(["video", "retarget", str(film), "--provider", "sora", "--yes"]) == 0
    project = project_store.load(film)
    assert (project.provider, project.settings.sora.size) == (ProviderName.SORA, "720x1280")


def test_scene_selection_sets_overrides_json(
    film: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["video", "retarget", str(film), "--provider", "veo", "--scenes", "2-3"]
    assert main([*args, "--yes", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["applied"] is True
    assert data["scenes"] == ["b", "c"]
    assert data["before_usd"] == pytest.approx(1.6)
    assert data["after_usd"] == pytest.approx(0.15 * 12)
    assert [row["index"] for row in data["after"]] == [2, 3]
    project = project_store.load(film)
    assert project.provider is ProviderName.SORA
    assert [s.provider for s in project.scenes] == [None, ProviderName.VEO, ProviderName.VEO]


def test_bad_scene_selection_exits_2(film: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["video", "retarget", str(film), "--provider", "veo", "--scenes", "7"]) == 2
    assert "outside 1-3" in capsys.readouterr().err


def test_retarget_hint_only_for_sora_not_found(tmp_path: Path) -> None:
    assert "retarget" in retarget_hint(ErrorKind.NOT_FOUND, ProviderName.SORA, tmp_path)
    assert retarget_hint(ErrorKind.NOT_FOUND, ProviderName.VEO, tmp_path) == ""
    assert retarget_hint(ErrorKind.NETWORK, ProviderName.SORA, tmp_path) == ""


def test_render_failure_line_names_the_retarget_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = RenderReport(
        {"a": "scene 1", "b": "scene 2"},
        as_json=False,
        project_dir=tmp_path,
        providers={"a": ProviderName.SORA, "b": ProviderName.VEO},
    )
    gone = JobError(kind=ErrorKind.NOT_FOUND, user_message="The endpoint answered 404.")
    report.on_failed("a", gone)
    report.on_failed("b", gone)
    lines = [line for line in capsys.readouterr().err.splitlines() if "failed (" in line]
    assert lines[0].startswith("scene 1 failed (not_found)")
    assert f"imageai video retarget {tmp_path} --provider omni" in lines[0]
    assert "retarget" not in lines[1]
