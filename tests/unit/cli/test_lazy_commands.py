"""Only the command asked for is imported; every command stays listed with the same help."""

from __future__ import annotations

import argparse
import importlib
import subprocess
import sys

import pytest

from imageai.cli.main import COMMANDS, build_parser, main


def _subparsers(parser: argparse.ArgumentParser) -> argparse._SubParsersAction:  # type: ignore[type-arg]
    return next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))


def test_each_commands_listed_help_is_the_help_its_module_gives() -> None:
    full = argparse.ArgumentParser()
    sub = full.add_subparsers()
    for module, _help in COMMANDS.values():
        importlib.import_module(module).add_parser(sub)
    defined = {choice.dest: choice.help for choice in sub._choices_actions}
    assert defined == {name: help_text for name, (_m, help_text) in COMMANDS.items()}


def test_help_lists_every_command_whichever_is_asked_for() -> None:
    for argv in ([], ["video", "status", "x"], ["-v", "image", "models"]):
        names = set(_subparsers(build_parser(argv)).choices)
        assert names == set(COMMANDS)


@pytest.mark.parametrize(
    ("argv", "absent"),
    [
        (["video", "status", "p"], "imageai.cli.image_commands"),
        (["-v", "image", "models"], "imageai.cli.video_commands"),
        (["keys", "status"], "imageai.cli.video_commands"),
    ],
)
def test_a_command_imports_only_its_own_module(argv: list[str], absent: str) -> None:
    code = (
        "import sys\n"
        "from imageai.cli.main import build_parser\n"
        f"build_parser({argv!r}).parse_args({argv!r})\n"
        f"print({absent!r} in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert out.stdout.strip() == "False"


def test_a_command_still_gets_its_own_options(capsys: pytest.CaptureFixture[str]) -> None:
    # Its arguments are defined in full: an unknown option of `video render` is a usage error.
    assert main(["video", "render", "p", "--no-such-option"]) == 2
    assert "--no-such-option" in capsys.readouterr().err
