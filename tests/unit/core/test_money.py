"""Money is finite and non-negative wherever it is read: CLI, project, ledger, price table."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest
from hypothesis import given
from hypothesis import strategies as st

from imageai.cli.main import main
from imageai.core import project_store
from imageai.core.catalog import load_catalog
from imageai.core.errors import ProjectFileError, ValidationError
from imageai.core.ledger import LedgerEntry
from imageai.core.models import Project, ProviderName, Scene, Take
from imageai.core.money import parse_money

if TYPE_CHECKING:
    from pathlib import Path

NON_FINITE = ["nan", "NaN", "inf", "-inf", "Infinity", "1e400"]


@pytest.mark.parametrize("text", [*NON_FINITE, "-1", "abc", ""])
def test_parse_money_refuses_non_finite_negative_and_junk(text: str) -> None:
    with pytest.raises(ValidationError):
        parse_money(text, "budget_usd")


@pytest.mark.parametrize(("text", "value"), [("2.4", 2.4), ("$3", 3.0), (" 0 ", 0.0)])
def test_parse_money_reads_amounts(text: str, value: float) -> None:
    assert parse_money(text, "budget_usd") == value


def test_minus_zero_reads_as_zero() -> None:
    import math

    assert math.copysign(1.0, parse_money("-0", "budget_usd")) == 1.0


@given(st.floats(allow_nan=True, allow_infinity=True))
def test_parse_money_never_returns_a_non_finite_amount(value: float) -> None:
    try:
        parsed = parse_money(repr(value), "usd")
    except ValidationError:
        return
    assert parsed == parsed and parsed >= 0 and parsed != float("inf")


@pytest.mark.parametrize("text", [*NON_FINITE, "-2"])
def test_init_budget_must_be_a_finite_amount(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str
) -> None:
    folder = tmp_path / "film"
    code = main(["video", "init", str(folder), "--provider", "animatic", "--budget", text])
    assert code == 2
    assert "--budget" in capsys.readouterr().err
    assert not (folder / "project.json").exists()


@pytest.mark.parametrize(
    "argv",
    [
        ["video", "render", "{dir}", "--budget", "nan"],
        ["video", "render", "{dir}", "--budget", "inf"],
        ["video", "remix", "{dir}", "--scene", "1", "--prompt", "x", "--budget", "nan"],
    ],
)
def test_render_and_remix_refuse_a_nan_budget(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    folder = tmp_path / "film"
    project_store.create_folder(folder)
    project_store.save(Project(scenes=(Scene(prompt="a"),)), folder)
    assert main([a.replace("{dir}", str(folder)) for a in argv]) == 2
    assert "finite" in capsys.readouterr().err


@pytest.mark.parametrize(
    "data",
    [
        {"budget_usd": float("nan")},
        {"budget_usd": float("inf")},
        {"scenes": [{"billed_usd": float("nan")}]},
        {"scenes": [{"billed_usd": float("inf")}]},
        {"scenes": [{"billed_usd": -1.0}]},
        {"scenes": [{"takes": [{"job_id": "j", "billed_usd": float("nan")}]}]},
        {"settings": {"sora": {"usd_per_second": float("nan")}}},
    ],
)
def test_project_refuses_non_finite_money(data: dict[str, object]) -> None:
    with pytest.raises(ValueError, match=r"finite|greater than or equal"):
        Project.model_validate(data)


def test_project_file_with_nan_budget_is_a_clear_error(tmp_path: Path) -> None:
    folder = tmp_path / "film"
    project_store.create_folder(folder)
    (folder / "project.json").write_text(json.dumps({"budget_usd": float("nan")}))
    with pytest.raises(ProjectFileError):
        project_store.load(folder)


@pytest.mark.parametrize("usd", ["NaN", "Infinity", "-Infinity", "-0.5", float("nan")])
def test_ledger_entry_refuses_non_finite_usd(usd: object) -> None:
    line = {"ts": 1.0, "event": "created", "scene_id": "s1", "provider": "sora", "usd": usd}
    with pytest.raises(ValueError, match=r"finite|greater than or equal"):
        LedgerEntry.model_validate(line)


def _override(tmp_path: Path, price: str) -> Path:
    override = tmp_path / "video_models.toml"
    override.write_text(
        '[[models]]\nprovider = "animatic"\nid = "animatic"\nlabel = "A"\n'
        'sizes = ["1280x720"]\nseconds = [4]\n'
        f'prices = [{{ usd_per_second = {price}, checked = "2026-11-24", source = "x" }}]\n'
    )
    return override


def test_price_table_override_with_a_finite_price_loads(tmp_path: Path) -> None:
    catalog = load_catalog(_override(tmp_path, "0.5"))
    info = catalog.get(ProviderName.ANIMATIC, "animatic")
    assert info is not None and info.prices[0].usd_per_second == 0.5


@pytest.mark.parametrize("price", ["nan", "inf", "-0.1"])
def test_price_table_override_refuses_non_finite_prices(tmp_path: Path, price: str) -> None:
    with pytest.raises(ProjectFileError):
        load_catalog(_override(tmp_path, price))


def test_finite_take_and_scene_money_still_loads() -> None:
    scene = Scene(billed_usd=0.8, takes=(Take(job_id="j", billed_usd=0.4),))
    assert Project(budget_usd=2.5, scenes=(scene,)).billed_usd == 0.8
