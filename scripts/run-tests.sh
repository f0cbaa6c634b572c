#!/usr/bin/env bash
# Set everything up and run the whole gate: lint, format, types, layers, tests (Qt offscreen).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"
export QT_QPA_PLATFORM=offscreen
export IMAGEAI_NO_KEYRING=1
BIN=.venv/bin
echo "== ruff check";        "$BIN/ruff" check .
echo "== ruff format";       "$BIN/ruff" format --check .
echo "== mypy";              "$BIN/mypy"
echo "== import layers";     "$BIN/lint-imports"
# Two workers: the suite is mostly waiting on subprocesses and fake servers, and this machine
# class has two cores. IMAGEAI_TEST_WORKERS=0 runs it in one process.
echo "== pytest";            "$BIN/python" -m pytest -n "${IMAGEAI_TEST_WORKERS:-2}" "$@"
