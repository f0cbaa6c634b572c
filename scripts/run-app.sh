#!/usr/bin/env bash
# Set everything up (Debian libraries, .venv, packages) and start the ImageAI desktop app.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"
exec .venv/bin/python main.py "$@"
