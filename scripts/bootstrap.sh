#!/usr/bin/env bash
# Sourced by run-app.sh and run-tests.sh: Debian libraries Qt needs, a .venv, and the Python packages.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

# Libraries the PySide6 wheels link against that a minimal Debian lacks (QtMultimedia needs
# libpulse0; the xcb platform plugin needs the xcb/xkb ones; the GUI needs EGL/GL and fontconfig).
DEB_PACKAGES=(
  libpulse0 libegl1 libgl1 libglib2.0-0 libfontconfig1 libdbus-1-3 libxkbcommon0
  libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 libxcb-randr0
  libxcb-render-util0 libxcb-xinerama0 libxcb-image0 libwayland-cursor0 libwayland-egl1
  libpipewire-0.3-0 libva2 libva-drm2 libva-x11-2
)

install_debian_packages() {
  command -v dpkg-query >/dev/null 2>&1 || return 0   # not Debian: nothing to check
  local missing=()
  for pkg in "${DEB_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -eq 0 ]; then
    echo "Installing Debian packages Qt needs: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "Qt needs these Debian packages; install them with:"
    echo "  sudo apt-get install -y ${missing[*]}"
  fi
}

find_python() {
  for candidate in python3.13 python3.12 python3.11 python3; do
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
      echo "$candidate"; return 0
    fi
  done
  echo "ImageAI needs Python 3.11 or newer" >&2
  return 1
}

install_packages() {
  # uv installs the same packages faster than pip (19 vs 26 s here, compiling the bytecode on
  # both cores). The bytecode is compiled now because Python may be told never to write it
  # (PYTHONDONTWRITEBYTECODE, set on these machines): every process would compile the SDKs
  # again. pip is the fallback wherever uv cannot be had.
  if .venv/bin/python -m pip install -q "uv>=0.5" &&
     .venv/bin/uv pip install -q --compile-bytecode --python .venv/bin/python -e ".[dev]"; then
    return 0
  fi
  echo "uv could not be installed or could not install the packages; installing them with pip"
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e ".[dev]"
}

ensure_venv() {
  local python
  python="$(find_python)"
  if [ ! -x .venv/bin/python ]; then
    echo "Creating .venv with $python"
    "$python" -m venv .venv || {
      echo "python3 -m venv failed; on Debian install it with: apt-get install -y python3-venv" >&2
      return 1
    }
  fi
  # Reinstall only when the dependency list changed, so a second run starts at once.
  local stamp=".venv/.imageai-deps" want
  want="$(sha256sum pyproject.toml | cut -d' ' -f1)"
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    echo "Installing Python packages into .venv"
    install_packages
    echo "$want" > "$stamp"
  fi
}

install_debian_packages
ensure_venv
