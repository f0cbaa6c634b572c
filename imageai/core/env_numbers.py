"""A finite number from an environment variable, the default when it is unset or unusable."""

from __future__ import annotations

import logging
import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping

log = logging.getLogger(__name__)


def env_number(
    env: Mapping[str, str], name: str, default: float, *, zero_ok: bool = False
) -> float:
    """``env[name]`` as a finite number > 0 (>= 0 with ``zero_ok``), else ``default``.

    Anything else that is set (empty, garbage, ``inf``, ``nan``, too small) is logged and
    ignored: a mistyped tuning variable must not stop the app, nor pass unnoticed.
    """
    raw = env.get(name)
    if raw is None:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value < 0 or (value == 0 and not zero_ok):
        log.warning("ignoring %s=%r: not a number %s 0", name, raw, ">=" if zero_ok else ">")
        return default
    return value
