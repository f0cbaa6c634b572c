"""`video init` for Google providers (backend, Vertex project) and unverified prices in estimates."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest

from imageai.cli.main import main
from imageai.core import project_store
from imageai.core.models import ProviderName, VeoBackend

if TYPE_CHECKING:
    from pathlib import Path


def test_omni_on_vertex_keeps_project_and_location(tmp_path: Path) -> None:
    folder = tmp_path / "p"
    args = ["video", "init", str(folder), "--provider", "omni", "--backend", "vertex"]
    args += ["--vertex-project", " film-1 ", "--vertex-location", "europe-west4"]
    assert main(args) == 0
    omni = project_store.load(folder).settings.omni
    assert (omni.backend, omni.vertex_project, omni.vertex_location) == (
        VeoBackend.VERTEX,
        "film-1",
        "europe-west4",
    )


def test_veo_starts_on_vertex_and_takes_a_project(tmp_path: Path) -> None:
    folder = tmp_path / "p"
    assert main(["video", "init", str(folder), "--provider", "veo", "--vertex-project", "f"]) == 0
    project = project_store.load(folder)
    assert project.provider is ProviderName.VEO
    assert project.settings.veo.backend is VeoBackend.VERTEX
    assert project.settings.veo.vertex_project == "f"


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--provider", "omni", "--vertex-project", "f"], "need --backend vertex"),
        (["--provider", "omni", "--backend", "vertex", "--vertex-project", " "], "is empty"),
        (["--provider", "animatic", "--backend", "vertex"], "are for veo and omni"),
    ],
)
def test_bad_google_options_exit_2_and_create_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: list[str], message: str
) -> None:
    folder = tmp_path / "p"
    assert main(["video", "init", str(folder), *extra]) == 2
    assert message in capsys.readouterr().err
    assert not folder.exists()


def test_estimate_marks_unverified_prices(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder, script = tmp_path / "p", tmp_path / "s.txt"
    script.write_text("A lighthouse at dusk. [4s]\n\nThe lamp turns. [6s]\n")
    assert main(["video", "init", str(folder), "--provider", "omni", "--script", str(script)]) == 0
    capsys.readouterr()
    assert main(["video", "estimate", str(folder)]) == 0
    text = capsys.readouterr().out
    assert text.count("(unverified price)") == 2
    assert "Unverified prices come from third-party pages" in text
    assert main(["video", "estimate", str(folder), "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)["scenes"]
    assert [r["price_verified"] for r in rows] == [False, False]
    assert all("third party" in r["price_source"] for r in rows)


def test_estimate_says_nothing_of_verification_for_a_free_animatic(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder, script = tmp_path / "p", tmp_path / "s.txt"
    script.write_text("A lighthouse at dusk. [4s]\n")
    assert (
        main(["video", "init", str(folder), "--provider", "animatic", "--script", str(script)]) == 0
    )
    capsys.readouterr()
    assert main(["video", "estimate", str(folder)]) == 0
    assert "unverified" not in capsys.readouterr().out.lower()
