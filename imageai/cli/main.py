"""Entry point of the `imageai` command: parses arguments and maps errors to exit codes."""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
from typing import NoReturn

from imageai import __version__
from imageai.cli.exit_codes import ExitCode
from imageai.cli.progress import retarget_hint
from imageai.cli.scrubbed_output import scrubbed_output
from imageai.core.errors import (
    AuthError,
    BudgetExceededError,
    ErrorKind,
    ImageAIError,
    ModelRetiredError,
    PermissionDeniedError,
    ProjectFileError,
    ProviderError,
    ValidationError,
)
from imageai.core.log_setup import setup_logging
from imageai.core.media import MediaError
from imageai.core.paths import log_dir

log = logging.getLogger(__name__)


#: Each command: the module that defines its arguments and runs it, and its one-line help.
COMMANDS: dict[str, tuple[str, str]] = {
    "video": (
        "imageai.cli.video_commands",
        "storyboard projects: init, estimate, render, status, assemble",
    ),
    "image": ("imageai.cli.image_commands", "generate images with OpenAI or Google"),
    "keys": ("imageai.cli.keys_commands", "API keys: status, check, set, delete"),
    "webhook": ("imageai.cli.webhook_commands", "receive provider webhooks"),
}


def build_parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
    """The parser; given ``argv``, only the command it names is imported and defined in full.

    A command's module imports what it runs with (``image`` the image stack, ``video`` the
    render planner); loading only the one asked for keeps every command's start-up short.
    The others stay listed, with their help, for ``imageai --help``.
    """
    parser = argparse.ArgumentParser(prog="imageai", description="ImageAI command line")
    parser.add_argument("--version", action="version", version=f"imageai {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log to stderr too")
    sub = parser.add_subparsers(dest="command", required=True)
    wanted = _command_named(sys.argv[1:] if argv is None else argv)
    for name, (module, help_text) in COMMANDS.items():
        if wanted in (None, name):
            importlib.import_module(module).add_parser(sub)
        else:
            sub.add_parser(name, help=help_text)
    return parser


def _command_named(argv: list[str]) -> str | None:
    """The command ``argv`` runs, if it names a known one before anything else."""
    for arg in argv:
        if not arg.startswith("-"):
            return arg if arg in COMMANDS else None
    return None


def run() -> NoReturn:
    """The ``imageai`` command: run, then end the process at once.

    Everything the command wrote is on disk by then (ledger lines and project saves are
    fsynced, the log is flushed here), so tearing down the SDKs' and Qt's modules at exit
    only cost time: a quarter second or more at the end of every command.
    """
    code = main()
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        _quiet_stdout()
    sys.stderr.flush()
    logging.shutdown()
    os._exit(code)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser(argv)
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse: 2 for usage errors, 0 for --help
        return int(exc.code or 0)
    setup_logging("imageai-cli.log", to_stderr=args.verbose, verbose=args.verbose)
    with scrubbed_output():  # every line a command prints passes the key scrubber
        return _run(args)


def _run(args: argparse.Namespace) -> int:
    """Run the command; every exception becomes a one-line error and an exit code."""
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
    except ProviderError as exc:
        print(f"imageai: error: {exc.user_message}", file=sys.stderr)
        return ExitCode.SCENE_FAILED
    except ImageAIError as exc:
        print(f"imageai: error: {exc}", file=sys.stderr)
        return ExitCode.SCENE_FAILED
    except RecursionError:
        # A hostile file nested thousands deep: json and pydantic recurse per level.
        print("imageai: error: the input is nested too deeply to read", file=sys.stderr)
        return ExitCode.INVALID_INPUT
    except BrokenPipeError:
        # The reader stopped early (``imageai image models | head``): what it read is all it
        # wanted, as for any Unix tool.
        _quiet_stdout()
        return ExitCode.OK
    except OSError as exc:
        print(f"imageai: error: {os_error_text(exc)}", file=sys.stderr)
        return ExitCode.INVALID_INPUT
    except KeyboardInterrupt:
        print("imageai: stopped", file=sys.stderr)
        return ExitCode.SCENE_FAILED
    except Exception as exc:  # CLI boundary: a one-line error, the traceback goes to the log
        log.exception("unexpected error in %s", args.command)
        print(
            f"imageai: error: unexpected {type(exc).__name__}: {exc} (details in {log_dir()})",
            file=sys.stderr,
        )
        return ExitCode.SCENE_FAILED


def _quiet_stdout() -> None:
    """Point stdout at the null device, so flushing what is left of it raises nothing more."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)


def os_error_text(exc: OSError) -> str:
    """``cannot write /p/x: permission denied`` rather than ``[Errno 13] ...``."""
    reason = (exc.strerror or type(exc).__name__).lower()
    where = f" {exc.filename}" if exc.filename else ""
    if isinstance(exc, PermissionError):
        return f"cannot write or read{where}: {reason} (is the folder read-only?)"
    if isinstance(exc, NotADirectoryError | FileExistsError):
        return f"{where.strip() or 'the path'} is a file where a folder is needed ({reason})"
    return f"{where.strip() or 'file system'}: {reason}"


if __name__ == "__main__":
    sys.exit(main())
