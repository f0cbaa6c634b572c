"""`video init --base-url/--usd-per-second` and `video endpoint`: the `/v1/videos` endpoint."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest

from imageai.cli.main import main
from imageai.core import project_store

if TYPE_CHECKING:
    from pathlib import Path

GATEWAY = "https://videos-gateway.test/v1"


def _init(folder: Path, *extra: str) -> int:
    return main(["video", "init", str(folder), "--provider", "sora", *extra])


def test_init_with_a_gateway_model_and_price_estimates_at_that_price(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    script = tmp_path / "s.txt"
    script.write_text("Waves. [6s]\n\nGulls. [10s]\n")
    folder = tmp_path / "p"
    args = ["--base-url", GATEWAY, "--model", "veo-3.1", "--usd-per-second", "0.25"]
    assert _init(folder, *args, "--size", "1920x1080", "--script", str(script)) == 0
    sora = project_store.load(folder).settings.sora
    assert (sora.base_url, sora.model, sora.usd_per_second) == (GATEWAY, "veo-3.1", 0.25)
    capsys.readouterr()
    assert main(["video", "estimate", str(folder), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["total_usd"] == pytest.approx(0.25 * 16)
    assert {s["model"] for s in data["scenes"]} == {"veo-3.1"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--base-url", GATEWAY, "--model", "wan-2.5"], "Price per second"),
        (["--base-url", GATEWAY, "--model", "x", "--usd-per-second", "cheap"], "not a number"),
        (["--base-url", GATEWAY, "--model", "x", "--usd-per-second", "-1"], "0 or more"),
        (["--base-url", GATEWAY, "--model", "x", "--usd-per-second", "nan"], "0 or more"),
        (["--base-url", "ftp://gateway/v1"], "not an http(s) URL"),
        (["--base-url", "https://user:sk-x@gateway.test/v1"], "not in the URL"),
        ([], "shut down the Sora 2 API on 2026-09-24"),
    ],
)
def test_init_refuses_bad_endpoint_input_with_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    assert _init(tmp_path / "p", *args) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "p" / "project.json").exists()


def test_endpoint_flags_are_for_sora_only(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["video", "init", str(tmp_path / "p"), "--provider", "animatic", "--base-url", GATEWAY]
    assert main(args) == 2
    assert "/v1/videos" in capsys.readouterr().err


def test_endpoint_command_sets_model_and_price_and_shows_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "p"
    assert _init(folder, "--base-url", GATEWAY) == 0
    capsys.readouterr()
    args = ["video", "endpoint", str(folder), "--model", "MiniMax-Hailuo-02"]
    assert main([*args, "--usd-per-second", "0.045", "--seconds", "6"]) == 0
    out = capsys.readouterr().out
    assert "videos-gateway.test" in out
    assert "$0.045/s (your price)" in out
    sora = project_store.load(folder).settings.sora
    assert (sora.model, sora.usd_per_second, sora.seconds) == ("MiniMax-Hailuo-02", 0.045, 6)


def test_endpoint_command_back_to_openai_is_refused_with_the_move(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "p"
    assert _init(folder, "--base-url", GATEWAY) == 0
    capsys.readouterr()
    assert main(["video", "endpoint", str(folder), "--openai"]) == 2
    err = capsys.readouterr().err
    assert "2026-09-24" in err
    assert "gemini-omni-1.1-flash" in err
    assert project_store.load(folder).settings.sora.base_url == GATEWAY  # nothing saved


def test_endpoint_command_without_flags_shows_the_table_price(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "p"
    assert _init(folder, "--base-url", GATEWAY) == 0
    capsys.readouterr()
    assert main(["video", "endpoint", str(folder)]) == 0
    assert "sora-2, 1280x720, 4 s: $0.100/s (price table)" in capsys.readouterr().out
