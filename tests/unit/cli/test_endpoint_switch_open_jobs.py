"""`video endpoint` never moves a project off the endpoint that holds its paid, unfetched jobs."""

from __future__ import annotations

from typing import TYPE_CHECKING

from imageai.cli.main import main
from imageai.core import project_store
from imageai.core.catalog import default_catalog
from imageai.core.ledger import LEDGER_NAME, Ledger
from imageai.core.render_plan import build_request

if TYPE_CHECKING:
    from pathlib import Path

    import pytest

GATEWAY_A = "https://gateway-a.test/v1"
GATEWAY_B = "https://gateway-b.test/v1"


def _project(tmp_path: Path) -> Path:
    script = tmp_path / "s.txt"
    script.write_text("A lighthouse.\n\nThe sea.\n")
    folder = tmp_path / "p"
    args = ["video", "init", str(folder), "--provider", "sora", "--base-url", GATEWAY_A]
    assert main([*args, "--script", str(script)]) == 0
    return folder


def _ledger_created(folder: Path, index: int, job_id: str) -> Ledger:
    project = project_store.load(folder)
    request = build_request(default_catalog(), project, project.scenes[index], folder)
    ledger = Ledger(folder / LEDGER_NAME)
    ledger.intent(request)
    ledger.created(request, job_id, 0.4)
    return ledger


def test_endpoint_change_refused_while_a_paid_job_is_not_fetched(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The job exists only on gateway A: polled on B it is "not found", its ledger line says
    # failed, and switching back to A then creates (and pays for) the scene a second time.
    folder = _project(tmp_path)
    _ledger_created(folder, 1, "video_on_a")
    capsys.readouterr()

    assert main(["video", "endpoint", str(folder), "--base-url", GATEWAY_B]) == 2

    err = capsys.readouterr().err
    assert "scene 2" in err and "gateway-a.test" in err and "--abandon-open-jobs" in err
    assert project_store.load(folder).settings.sora.base_url == GATEWAY_A


def test_endpoint_change_refused_while_a_create_outcome_is_unknown(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A lost create can only be looked for in the list of the endpoint it was sent to.
    folder = _project(tmp_path)
    project = project_store.load(folder)
    request = build_request(default_catalog(), project, project.scenes[0], folder)
    Ledger(folder / LEDGER_NAME).intent(request)
    capsys.readouterr()

    assert main(["video", "endpoint", str(folder), "--base-url", GATEWAY_B]) == 2
    assert "scene 1" in capsys.readouterr().err
    assert project_store.load(folder).settings.sora.base_url == GATEWAY_A


def test_endpoint_change_allowed_once_jobs_are_fetched_or_abandoned(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = _project(tmp_path)
    _ledger_created(folder, 0, "video_on_a")
    # Other settings of the same endpoint leave a job where it is.
    assert main(["video", "endpoint", str(folder), "--seconds", "8"]) == 0
    assert main(["video", "endpoint", str(folder), "--base-url", GATEWAY_A + "/"]) == 0
    capsys.readouterr()

    args = ["video", "endpoint", str(folder), "--base-url", GATEWAY_B, "--abandon-open-jobs"]
    assert main(args) == 0
    assert project_store.load(folder).settings.sora.base_url == GATEWAY_B
    assert "video_on_a" in capsys.readouterr().out  # the user is told what was left behind


def test_retarget_refused_while_a_moved_scene_has_a_paid_job_not_fetched(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Moved to Omni, the scene's Sora job is never polled again: its clip is lost and the
    # scene is paid for a second time on Omni.
    folder = _project(tmp_path)
    _ledger_created(folder, 0, "video_paid")
    capsys.readouterr()

    args = ["video", "retarget", str(folder), "--provider", "omni", "--yes"]
    assert main(args) == 2
    assert "scene 1" in capsys.readouterr().err
    assert project_store.load(folder).provider.value == "sora"
    # Scene 2 has nothing open: moving only it is fine; --abandon-open-jobs moves the rest.
    assert main([*args, "--scenes", "2"]) == 0
    assert main([*args, "--abandon-open-jobs"]) == 0
    assert project_store.load(folder).provider.value == "omni"
