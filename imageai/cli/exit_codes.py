"""Exit codes shared by every command."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    SCENE_FAILED = 1
    INVALID_INPUT = 2
    KEY_PROBLEM = 3
