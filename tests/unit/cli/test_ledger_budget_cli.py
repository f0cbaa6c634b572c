"""A garbage ledger line never erases spend: budgeted renders stop, status names the lines."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest

from imageai.cli.main import main
from imageai.core import project_store
from imageai.core.budget import (
    UnreadableLedgerError,
    billed_by_scene,
    billed_total,
    check_new_creates,
    committed_spend,
)
from imageai.core.catalog import default_catalog
from imageai.core.ledger import LEDGER_NAME, Ledger
from imageai.core.models import ProviderName
from imageai.core.render_plan import build_request
from tests.fakes.fake_provider import FakeProvider
from tests.unit.cli.test_render_budget_cli import _film, _use

if TYPE_CHECKING:
    from pathlib import Path


def _garbage_after_a_paid_scene(folder: Path) -> None:
    """Scene 1 created and billed $0.40, then a line a disk error or a hand edit garbled."""
    project = project_store.load(folder)
    request = build_request(default_catalog(), project, project.scenes[0], folder)
    ledger = Ledger(folder / LEDGER_NAME)
    ledger.intent(request)
    ledger.created(request, "job-s1", 0.4)
    with ledger.path.open("a") as f:
        f.write('{"ts": 2, "event": "created", "scene_id": "s2", "usd": "NaN"}\n')
        f.write("\x00\x00garbage\n")


def test_budgeted_render_is_refused_while_the_ledger_has_unreadable_lines(
    qapp: object,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    folder = tmp_path / "film"
    project_store.create_folder(folder)
    _film(folder, budget=10.0)
    _garbage_after_a_paid_scene(folder)
    provider = FakeProvider(("done",), name=ProviderName.SORA)
    _use(monkeypatch, provider)

    assert main(["video", "render", str(folder), "--scenes", "2"]) == 2
    err = capsys.readouterr().err
    assert "2 unreadable line(s) (line 3, 4)" in err
    assert "render without a budget" in err
    assert provider.started == []

    # The same with --budget on the command line.
    assert main(["video", "render", str(folder), "--scenes", "2", "--budget", "5"]) == 2
    assert provider.started == []


def test_render_without_a_budget_goes_on_despite_unreadable_lines(
    qapp: object,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    folder = tmp_path / "film"
    project_store.create_folder(folder)
    project = _film(folder, budget=10.0)
    project_store.save(project.model_copy(update={"budget_usd": None}), folder)
    _garbage_after_a_paid_scene(folder)
    provider = FakeProvider(("done",), name=ProviderName.SORA)
    _use(monkeypatch, provider)
    assert main(["video", "render", str(folder), "--scenes", "2"]) == 0
    assert [r.scene_id for r in provider.requests] == ["s2"]


def test_a_torn_last_line_does_not_block_and_is_set_aside(
    qapp: object,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    folder = tmp_path / "film"
    project_store.create_folder(folder)
    _film(folder, budget=10.0)
    ledger = Ledger(folder / LEDGER_NAME)
    with ledger.path.open("a") as f:
        f.write('{"ts": 1, "event": "intent", "sce')  # killed mid-append
    provider = FakeProvider(("done",), name=ProviderName.SORA)
    _use(monkeypatch, provider)
    assert main(["video", "render", str(folder), "--scenes", "1"]) == 0
    assert ledger.unreadable_lines() == ()
    assert len(list(folder.glob(f"{LEDGER_NAME}.torn-*"))) == 1


def test_status_lists_unreadable_lines(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "film"
    project_store.create_folder(folder)
    _film(folder, budget=10.0)
    _garbage_after_a_paid_scene(folder)
    capsys.readouterr()
    assert main(["video", "status", str(folder), "--json"]) == 0
    status = json.loads(capsys.readouterr().out)
    assert status["ledger_unreadable_lines"] == [3, 4]
    assert main(["video", "status", str(folder)]) == 0
    out = capsys.readouterr().out
    assert "unreadable" in out and "3, 4" in out


def test_the_budget_counts_project_json_billed_figure_when_the_ledger_lost_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "film"
    project_store.create_folder(folder)
    project = _film(folder, budget=10.0)
    # project.json saw scene 2 billed $0.40 whose `created` line is gone from the ledger.
    project = project.update_scene("s2", billed_usd=0.4)
    project_store.save(project, folder)
    _garbage_after_a_paid_scene(folder)
    ledger = Ledger(folder / LEDGER_NAME)
    assert billed_by_scene(ledger, project) == {"s1": 0.4, "s2": 0.4}
    assert billed_total(ledger, project) == pytest.approx(0.8)
    assert committed_spend(ledger, project, default_catalog()) == pytest.approx(0.8)
    # The larger figure per scene, not the sum: scene 1 is in both.
    project = project.update_scene("s1", billed_usd=0.4)
    assert billed_total(ledger, project) == pytest.approx(0.8)

    capsys.readouterr()
    assert main(["video", "status", str(folder), "--json"]) == 0
    status = json.loads(capsys.readouterr().out)
    assert status["total_spent_usd"] == pytest.approx(0.8)
    assert [row["billed_usd"] for row in status["scenes"]][:2] == pytest.approx([0.4, 0.4])


def test_remix_budget_checks_refuse_an_unreadable_ledger(tmp_path: Path) -> None:
    folder = tmp_path / "film"
    project_store.create_folder(folder)
    _film(folder, budget=10.0)
    _garbage_after_a_paid_scene(folder)
    ledger = Ledger(folder / LEDGER_NAME)
    project = project_store.load(folder)
    with pytest.raises(UnreadableLedgerError):
        check_new_creates(0.4, ledger, project, default_catalog(), 10.0)
    check_new_creates(
        0.4, ledger, project, default_catalog(), None
    )  # no budget: nothing to protect
