"""`imageai keys ...`: check, set, delete and show where each API key comes from."""

from __future__ import annotations

import getpass
import os
import sys
from typing import TYPE_CHECKING, Any

from pydantic import SecretStr

from imageai.cli.context import build_context
from imageai.cli.exit_codes import ExitCode
from imageai.core.errors import ValidationError
from imageai.core.key_check import KeyCheck, KeyStatus
from imageai.core.secrets import InMemorySecretStore, KeyName, KeySource, lookup_key

if TYPE_CHECKING:
    import argparse

    from imageai.core.secrets import SecretStore

_EXIT_FOR_STATUS = {
    KeyStatus.OK: ExitCode.OK,
    KeyStatus.MISSING: ExitCode.KEY_PROBLEM,
    KeyStatus.BAD_KEY: ExitCode.KEY_PROBLEM,
    KeyStatus.NO_VIDEO_ACCESS: ExitCode.KEY_PROBLEM,
}


def check_key(name: KeyName, secrets: SecretStore) -> KeyCheck:
    """Check the key that would be used now (environment first, then the keyring)."""
    key, _source, _var = lookup_key(secrets, name)
    if key is None:
        return KeyCheck(status=KeyStatus.MISSING, message=f"No {name.value} key is set.")
    if name is KeyName.OPENAI:
        from imageai.providers.openai.sora_client import SoraClient

        sora = SoraClient(key, base_url=os.environ.get("OPENAI_BASE_URL") or None)
        try:
            return sora.check_key()
        finally:
            sora.close()
    from imageai.services.key_checkers import check_google

    return check_google(key)


def cmd_check(args: argparse.Namespace) -> int:
    result = check_key(KeyName(args.name), build_context().secrets)
    print(f"{args.name}: {result.status.value}: {result.message}")
    return _EXIT_FOR_STATUS.get(result.status, ExitCode.SCENE_FAILED)


def cmd_status(args: argparse.Namespace) -> int:
    secrets = build_context().secrets
    for name in KeyName:
        _key, source, var = lookup_key(secrets, name)
        where = {
            KeySource.ENV: f"from {var}",
            KeySource.STORE: "from the keyring",
            KeySource.NONE: "not set",
        }[source]
        print(f"{name.value}: {where}")
    return ExitCode.OK


def _read_key(name: KeyName, from_stdin: bool) -> str:
    """The key typed at a hidden prompt, or one line of standard input with ``--stdin``."""
    if not from_stdin and not sys.stdin.isatty():
        raise ValidationError(
            "stdin",
            "no terminal to type the key in; pipe it in with `imageai keys set NAME --stdin`",
        )
    try:
        line = sys.stdin.readline() if from_stdin else getpass.getpass(f"{name.value} key: ")
    except (EOFError, UnicodeDecodeError) as exc:
        raise ValidationError("stdin", f"could not read the key ({type(exc).__name__})") from exc
    return line.strip()


def cmd_set(args: argparse.Namespace) -> int:
    name = KeyName(args.name)
    value = _read_key(name, args.stdin)
    if not value:
        print("imageai: error: empty key; nothing stored", file=sys.stderr)
        return ExitCode.INVALID_INPUT
    secrets = build_context().secrets
    secrets.set(name, SecretStr(value))  # checks the key's characters either way
    if isinstance(secrets, InMemorySecretStore):
        return _keyring_switched_off(f"the {name.value} key was not stored")
    print(f"Stored the {name.value} key in the keyring.")
    return ExitCode.OK


def _keyring_switched_off(what: str) -> int:
    # IMAGEAI_NO_KEYRING: keys live in this process only, so a stored key would vanish at exit.
    print(
        f"imageai: error: IMAGEAI_NO_KEYRING is set, so the keyring is not used and {what}. "
        "Unset it to use the keyring, or put the key in the environment "
        "(OPENAI_API_KEY, GEMINI_API_KEY).",
        file=sys.stderr,
    )
    return ExitCode.INVALID_INPUT


def cmd_delete(args: argparse.Namespace) -> int:
    secrets = build_context().secrets
    if isinstance(secrets, InMemorySecretStore):
        return _keyring_switched_off("nothing was removed")
    secrets.delete(KeyName(args.name))
    print(f"Removed the {args.name} key from the keyring.")
    return ExitCode.OK


def add_parser(sub: Any) -> None:
    keys = sub.add_parser("keys", help="API keys: status, check, set, delete")
    ksub = keys.add_subparsers(dest="keys_command", required=True)
    names = [k.value for k in KeyName]
    check = ksub.add_parser("check", help="check a key with a cheap call (exit 3 if rejected)")
    check.add_argument("name", choices=names)
    check.set_defaults(func=cmd_check)
    status = ksub.add_parser("status", help="where each key comes from")
    status.set_defaults(func=cmd_status)
    store = ksub.add_parser("set", help="store a key in the OS keyring")
    store.add_argument("name", choices=names)
    store.add_argument("--stdin", action="store_true", help="read the key from standard input")
    store.set_defaults(func=cmd_set)
    delete = ksub.add_parser("delete", help="remove a key from the OS keyring")
    delete.add_argument("name", choices=names)
    delete.set_defaults(func=cmd_delete)
