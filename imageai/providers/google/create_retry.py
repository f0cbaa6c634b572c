"""Creates for Google's video APIs: sent again only where nothing can have been made."""

from __future__ import annotations

import logging
import random
from typing import TYPE_CHECKING, TypeVar

from imageai.core.errors import NetworkError, ProviderError, RateLimitError

if TYPE_CHECKING:
    from collections.abc import Callable

log = logging.getLogger(__name__)

T = TypeVar("T")

#: Creates: tries in all, only where nothing can have been created (connect refused, 429).
CREATE_ATTEMPTS = 4
BACKOFF_S = 2.0
BACKOFF_MAX_S = 30.0
#: A Retry-After longer than this is not waited out inside one call: the error goes up.
RETRY_AFTER_MAX_S = 60.0


def surely_not_created(exc: ProviderError) -> bool:
    """Only a refused connection and a 429 prove no job exists (no id, no idempotency key)."""
    if isinstance(exc, RateLimitError):
        return True
    return isinstance(exc, NetworkError) and exc.code == "CONNECT_FAILED"


def retry_wait(exc: ProviderError, attempt: int, backoff_s: float = BACKOFF_S) -> float | None:
    """Seconds to wait before try ``attempt + 1``; None when Retry-After is too long to wait."""
    after = exc.retry_after
    if after is not None:
        return after if after <= RETRY_AFTER_MAX_S else None
    backoff = min(BACKOFF_MAX_S, backoff_s * 2.0 ** (attempt - 1))
    return backoff * random.uniform(0.8, 1.2)


def create_with_retries(
    send: Callable[[], T],
    *,
    sleep: Callable[[float], None],
    backoff_s: float = BACKOFF_S,
    product: str,
) -> T:
    """``send()``, tried again only after a failure that proves nothing was created."""
    for attempt in range(1, CREATE_ATTEMPTS + 1):
        try:
            return send()
        except ProviderError as exc:
            wait = retry_wait(exc, attempt, backoff_s)
            if not surely_not_created(exc) or attempt == CREATE_ATTEMPTS or wait is None:
                raise
            log.info(
                "%s create refused (%s), nothing created; retry in %.1fs", product, exc.kind, wait
            )
            sleep(wait)
    raise AssertionError("unreachable")  # pragma: no cover - the loop returns or raises
