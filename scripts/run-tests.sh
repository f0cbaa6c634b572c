#!/usr/bin/env bash
# Set everything up and run the whole gate: lint, format, types, layers, tests (Qt offscreen).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"
export QT_QPA_PLATFORM=offscreen
export IMAGEAI_NO_KEYRING=1
# The suite starts hundreds of CLI processes: each would compile the app's modules from source
# again where Python is told not to cache bytecode (__pycache__ is ignored by git).
unset PYTHONDONTWRITEBYTECODE
BIN=.venv/bin
echo "== ruff check";        "$BIN/ruff" check .
echo "== ruff format";       "$BIN/ruff" format --check .
echo "== import layers";     "$BIN/lint-imports"
# mypy without a cache (a fresh clone) takes ~25 s of one core; it runs beside the tests and
# its report comes after theirs. Either failing fails the gate.
mypy_log="$(mktemp)"
trap 'rm -f "$mypy_log"' EXIT
"$BIN/mypy" >"$mypy_log" 2>&1 &
mypy_pid=$!
# Three workers on this two-core machine class: the suite spends about half its time waiting
# on subprocesses, fake servers and Qt timers, so a third worker fills the idle cores (a fourth
# only adds contention). IMAGEAI_TEST_WORKERS=0 runs it in one process.
echo "== pytest"
tests_status=0
"$BIN/python" -m pytest -n "${IMAGEAI_TEST_WORKERS:-3}" "$@" || tests_status=$?
echo "== mypy"
mypy_status=0
wait "$mypy_pid" || mypy_status=$?
cat "$mypy_log"
if [ "$tests_status" -ne 0 ]; then exit "$tests_status"; fi
exit "$mypy_status"
