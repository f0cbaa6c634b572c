"""Entry point of the `imageai` command: parses arguments and maps errors to exit codes."""

from __future__ import annotations

import argparse
import sys

from imageai import __version__
from imageai.cli import image_commands, keys_commands, video_commands, webhook_commands
from imageai.cli.exit_codes import ExitCode
from imageai.cli.progress import retarget_hint
from imageai.core.errors import (
    AuthError,
    BudgetExceededError,
    ErrorKind,
    ModelRetiredError,
    PermissionDeniedError,
    ProjectFileError,
    ValidationError,
)
from imageai.core.log_setup import setup_logging
from imageai.core.media import MediaError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="imageai", description="ImageAI command line")
    parser.add_argument("--version", action="version", version=f"imageai {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log to stderr too")
    sub = parser.add_subparsers(dest="command", required=True)
    video_commands.add_parser(sub)
    image_commands.add_parser(sub)
    keys_commands.add_parser(sub)
    webhook_commands.add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse: 2 for usage errors, 0 for --help
        return int(exc.code or 0)
    setup_logging("imageai-cli.log", to_stderr=args.verbose, verbose=args.verbose)
    try:
        return int(args.func(args))
    except (ValidationError, ProjectFileError, BudgetExceededError, MediaError) as exc:
        print(f"imageai: error: {exc}", file=sys.stderr)
        if isinstance(exc, ModelRetiredError) and exc.successor:
            where = getattr(args, "dir", None)
            hint = retarget_hint(ErrorKind.NOT_FOUND, None, where, exc.successor[1])
            print(f"imageai: hint: {hint}", file=sys.stderr)
        return ExitCode.INVALID_INPUT
    except (AuthError, PermissionDeniedError) as exc:
        print(f"imageai: error: {exc.user_message}", file=sys.stderr)
        return ExitCode.KEY_PROBLEM


if __name__ == "__main__":
    sys.exit(main())
