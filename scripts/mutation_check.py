"""A small mutation check of the money code: each one-line mutant must make a test fail.

Run by hand, not in CI (it runs pytest once per mutant, a few minutes in all):

    .venv/bin/python scripts/mutation_check.py            # every mutant
    .venv/bin/python scripts/mutation_check.py --list     # what they are
    .venv/bin/python scripts/mutation_check.py B1 J3      # some of them

The mutants are applied to a copy of the tree in a temporary folder (never to the working tree,
which other processes may be running), one at a time, and the tests named for each run with
``-x``. A mutant the tests do not catch is "survived"; one whose text is no longer in the code
is "stale" (the code moved: update the mutant). Exit status 0 only when every mutant is killed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: What the tests need from the tree (the package, its data and templates, the tests, config).
COPIED = ("imageai", "tests", "templates", "pyproject.toml")
TIMEOUT_S = 600

CORE = "tests/unit/core"
BUDGET_TESTS = (f"{CORE}/test_budget.py", "tests/unit/cli/test_ledger_budget_cli.py")
LEDGER_TESTS = (
    f"{CORE}/test_ledger.py",
    f"{CORE}/test_ledger_spend.py",
    f"{CORE}/test_ledger_unreadable.py",
    f"{CORE}/test_money.py",
)
LOOP_TESTS = (f"{CORE}/test_job_loop_money.py", f"{CORE}/test_job_loop.py")
DATA_TESTS = (f"{CORE}/test_money_data.py",)


@dataclass(frozen=True)
class Mutant:
    """Replace ``old`` (which must occur exactly once) by ``new`` in ``path``."""

    id: str
    path: str
    old: str
    new: str
    tests: tuple[str, ...]
    what: str


MUTANTS = (
    Mutant(
        "B1",
        "imageai/core/budget.py",
        "committed = round(spent_usd + self.total(), 4)\n        if _passes(",
        "committed = round(spent_usd, 4)\n        if _passes(",
        BUDGET_TESTS,
        "check() ignores the reservations of queued jobs",
    ),
    Mutant(
        "B2",
        "imageai/core/budget.py",
        "committed = round(spent_usd + sum(self._held.values()), 4)",
        "committed = round(spent_usd, 4)",
        BUDGET_TESTS,
        "reserve() ignores what is already held",
    ),
    Mutant(
        "B3",
        "imageai/core/budget.py",
        "committed = round(spent_usd + self.total(), 4)\n        fits:",
        "committed = round(spent_usd, 4)\n        fits:",
        BUDGET_TESTS,
        "fit() ignores the reservations of queued jobs",
    ),
    Mutant(
        "B4",
        "imageai/core/budget.py",
        "return committed_usd + cost_usd > budget_usd + 1e-9",
        "return committed_usd > budget_usd + 1e-9",
        BUDGET_TESTS,
        "the budget rule forgets the new cost",
    ),
    Mutant(
        "B5",
        "imageai/core/budget.py",
        "if scene.billed_usd > billed.get(scene.id, 0.0):",
        "if False:",
        BUDGET_TESTS,
        "spend ignores project.json's billed figure",
    ),
    Mutant(
        "B6",
        "imageai/core/budget.py",
        "    if lines:\n        raise UnreadableLedgerError",
        "    if False:\n        raise UnreadableLedgerError",
        BUDGET_TESTS,
        "a budgeted render goes on despite unreadable ledger lines",
    ),
    Mutant(
        "L1",
        "imageai/core/ledger.py",
        'if entry.event == "created":\n                spent[',
        'if entry.event in ("created", "intent"):\n                spent[',
        LEDGER_TESTS,
        "spent_by_scene counts intents as spend",
    ),
    Mutant(
        "L2",
        "imageai/core/ledger.py",
        '.encode("utf-8"))\n                out.flush()\n                os.fsync(out.fileno())',
        '.encode("utf-8"))\n                out.flush()',
        LEDGER_TESTS,
        "the fsync after an append is skipped",
    ),
    Mutant(
        "L3",
        "imageai/core/ledger.py",
        "                unreadable.append(number)",
        "                pass",
        LEDGER_TESTS,
        "an unreadable line is dropped silently",
    ),
    Mutant(
        "L4",
        "imageai/core/ledger.py",
        "elif number == len(lines) and not _is_json(line):",
        "elif not _is_json(line):",
        LEDGER_TESTS,
        "garbage mid-file passes for a torn last line",
    ),
    Mutant(
        "L5",
        "imageai/core/ledger.py",
        "    usd: Money = 0.0",
        "    usd: float = 0.0",
        LEDGER_TESTS,
        'a ledger line with "usd": "NaN" is read as an entry',
    ),
    Mutant(
        "J1",
        "imageai/core/job_loop.py",
        "finder.find_existing(request, known)",
        "finder.find_existing(request, frozenset())",
        LOOP_TESTS,
        "the lost-create lookup may adopt another scene's job",
    ),
    Mutant(
        "J2",
        "imageai/core/settling.py",
        'if entry.event not in ("created", "failed") or (',
        'if entry.event not in ("failed",) or (',
        LOOP_TESTS,
        "a created entry does not settle its intent",
    ),
    Mutant(
        "J3",
        "imageai/core/job_loop.py",
        "wait = exc.retry_after or min(",
        "wait = min(",
        LOOP_TESTS,
        "Retry-After is ignored on poll errors",
    ),
    Mutant(
        "J4",
        "imageai/core/job_loop.py",
        "if exc.final or failures > MAX_POLL_FAILURES:",
        "if failures > MAX_POLL_FAILURES:",
        LOOP_TESTS,
        "an error on the final poll is retried",
    ),
    Mutant(
        "J5",
        "imageai/core/job_loop.py",
        "        ledger.created(request, job_id, job.billed_usd)\n",
        "",
        LOOP_TESTS,
        "a create is not recorded in the ledger",
    ),
    Mutant(
        "P1",
        "imageai/core/data/video_models.toml",
        '{ usd_per_second = 0.60, resolutions = ["4k"], verified = false',
        '{ usd_per_second = 0.50, resolutions = ["4k"], verified = false',
        DATA_TESTS,
        "the Veo 3.1 4k price changes in the table",
    ),
    Mutant(
        "P2",
        "imageai/core/pricing.py",
        "usd = 0.0 if done else round(rate * spec.seconds, 4)",
        "usd = 0.0 if done else round(rate, 4)",
        (f"{CORE}/test_money_data.py", "tests/unit/cli/test_render_budget_cli.py"),
        "the estimate forgets the duration",
    ),
    Mutant(
        "V1",
        "imageai/core/validation.py",
        "if len(scene.extra_reference_images) > info.max_reference_images:",
        "if len(scene.extra_reference_images) > info.max_reference_images + 1:",
        DATA_TESTS,
        "Veo: one reference image too many is allowed",
    ),
    Mutant(
        "V2",
        "imageai/core/validation.py",
        "if refs > info.max_reference_images:",
        "if refs > info.max_reference_images + 1:",
        DATA_TESTS,
        "Omni: one reference image too many is allowed",
    ),
    Mutant(
        "D1",
        "imageai/providers/google/http.py",
        '        if cancel.is_set():\n            raise JobCancelledError("download cancelled")\n'
        "        yield chunk",
        "        yield chunk",
        ("tests/unit/providers/google/test_veo_download_cancel.py",),
        "a Veo (or Omni) download ignores cancel mid-stream",
    ),
)


def _copy_tree(target: Path) -> None:
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".pytest_cache", ".hypothesis")
    for name in COPIED:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=ignore)
        elif source.is_file():
            shutil.copy2(source, target / name)


def _env(copy: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(copy)  # ahead of the editable install, which points at ROOT
    env.update(QT_QPA_PLATFORM="offscreen", IMAGEAI_NO_KEYRING="1", PYTHONDONTWRITEBYTECODE="1")
    return env


def _pytest(copy: Path, tests: tuple[str, ...]) -> tuple[bool, float]:
    """Run ``tests`` in the copy; (passed, seconds). A run past the timeout counts as failed."""
    command = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *tests]
    start = time.monotonic()
    try:
        done = subprocess.run(
            command,
            cwd=copy,
            env=_env(copy),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return False, time.monotonic() - start
    return done.returncode == 0, time.monotonic() - start


def _check_isolated(copy: Path) -> None:
    """The copy's package must be the one imported, or every mutant would seem to survive."""
    probe = [sys.executable, "-c", "import imageai; print(imageai.__file__)"]
    found = subprocess.run(probe, cwd=copy, env=_env(copy), capture_output=True, text=True)
    if not found.stdout.strip().startswith(str(copy)):
        raise SystemExit(f"the copy is not the package imported ({found.stdout.strip()})")


def run(mutants: list[Mutant], keep: bool) -> int:
    copy = Path(tempfile.mkdtemp(prefix="imageai-mutants-"))
    try:
        _copy_tree(copy)
        _check_isolated(copy)
        suites = sorted({t for m in mutants for t in m.tests})
        ok, seconds = _pytest(copy, tuple(suites))
        if not ok:
            print(f"baseline: the tests fail without any mutant ({seconds:.0f} s); fix them first")
            return 2
        print(f"baseline: {len(suites)} test files pass ({seconds:.0f} s)")
        results: dict[str, str] = {}
        for mutant in mutants:
            target = copy / mutant.path
            original = target.read_text(encoding="utf-8")
            if original.count(mutant.old) != 1:
                results[mutant.id] = "stale"
            else:
                target.write_text(original.replace(mutant.old, mutant.new), encoding="utf-8")
                try:
                    passed, seconds = _pytest(copy, mutant.tests)
                finally:
                    target.write_text(original, encoding="utf-8")
                results[mutant.id] = "SURVIVED" if passed else "killed"
            print(f"{mutant.id:<3} {results[mutant.id]:<8} {mutant.path}: {mutant.what}")
        killed = sum(r == "killed" for r in results.values())
        print(f"{killed} of {len(results)} mutants killed")
        return 0 if killed == len(results) else 1
    finally:
        if keep:
            print(f"copy kept in {copy}")
        else:
            shutil.rmtree(copy, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("ids", nargs="*", help="mutant ids (default: all)")
    parser.add_argument("--list", action="store_true", help="list the mutants and exit")
    parser.add_argument("--keep", action="store_true", help="keep the temporary copy")
    args = parser.parse_args(argv)
    if args.list:
        for m in MUTANTS:
            print(f"{m.id:<3} {m.path}: {m.what}")
        return 0
    chosen = [m for m in MUTANTS if not args.ids or m.id in args.ids]
    unknown = set(args.ids) - {m.id for m in MUTANTS}
    if unknown:
        parser.error(f"unknown mutant(s): {', '.join(sorted(unknown))}")
    return run(chosen, args.keep)


if __name__ == "__main__":
    sys.exit(main())
