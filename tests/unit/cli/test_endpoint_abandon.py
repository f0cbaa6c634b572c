"""`video endpoint --abandon-open-jobs` records the jobs it gives up, so renders stop refusing them."""

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


def _project_with_job_on_a(tmp_path: Path) -> tuple[Path, Ledger, str]:
    script = tmp_path / "s.txt"
    script.write_text("A lighthouse.\n\nThe sea.\n")
    folder = tmp_path / "p"
    args = ["video", "init", str(folder), "--provider", "sora", "--base-url", GATEWAY_A]
    assert main([*args, "--script", str(script)]) == 0
    project = project_store.load(folder)
    request = build_request(default_catalog(), project, project.scenes[0], folder)
    request = request.model_copy(update={"endpoint": GATEWAY_A})
    ledger = Ledger(folder / LEDGER_NAME)
    ledger.intent(request)
    ledger.created(request, "video_on_a", 0.4)
    return folder, ledger, request.fingerprint()


def test_switch_with_abandon_records_the_jobs_left_behind(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder, ledger, fingerprint = _project_with_job_on_a(tmp_path)
    scene = project_store.load(folder).scenes[0].id

    args = ["video", "endpoint", str(folder), "--base-url", GATEWAY_B, "--abandon-open-jobs"]
    assert main(args) == 0

    assert ledger.open_job(scene, fingerprint) is None  # renders on B create it anew
    assert ledger.total_spent() == 0.4  # the abandoned create stays counted
    assert "video_on_a" in capsys.readouterr().out


def test_abandon_alone_gives_up_jobs_made_on_another_endpoint(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The project's endpoint moved without the guard (an older app, or OPENAI_BASE_URL).
    folder, ledger, fingerprint = _project_with_job_on_a(tmp_path)
    project = project_store.load(folder)
    sora = project.settings.sora.model_copy(update={"base_url": None})
    project_store.save(
        project.model_copy(update={"settings": project.settings.model_copy(update={"sora": sora})}),
        folder,
    )
    monkeypatch.setenv("OPENAI_BASE_URL", GATEWAY_B)
    scene = project.scenes[0].id
    capsys.readouterr()

    assert main(["video", "endpoint", str(folder), "--abandon-open-jobs"]) == 0

    assert ledger.open_job(scene, fingerprint) is None
    out = capsys.readouterr().out
    assert "Abandoned job video_on_a" in out and GATEWAY_A in out


def test_abandon_keeps_jobs_made_on_the_current_endpoint(tmp_path: Path) -> None:
    folder, ledger, fingerprint = _project_with_job_on_a(tmp_path)
    scene = project_store.load(folder).scenes[0].id

    assert main(["video", "endpoint", str(folder), "--abandon-open-jobs"]) == 0

    assert ledger.open_job(scene, fingerprint) == "video_on_a"
