"""asyncio helpers: the blocking work runs in a thread, so the event loop is never blocked."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from collections.abc import Callable

    from imageai.api.results import CancelToken, VideoProgress

T = TypeVar("T")


async def in_thread(work: Callable[[], T], token: CancelToken) -> T:
    """``await`` ``work()`` run in a thread; cancelling the awaiting task cancels the jobs.

    On cancel the task waits for the jobs to reach their next stop point before it ends, so
    nothing is still writing to the output folder once the ``CancelledError`` arrives.
    """
    task = asyncio.ensure_future(asyncio.to_thread(work))
    try:
        return await asyncio.shield(task)
    except asyncio.CancelledError:
        token.cancel()
        await asyncio.wait({task})
        raise


def on_loop(
    callback: Callable[[VideoProgress], None] | None,
) -> Callable[[VideoProgress], None] | None:
    """``callback`` called on the running loop's thread instead of the worker thread."""
    if callback is None:
        return None
    loop = asyncio.get_running_loop()

    def report(progress: VideoProgress) -> None:
        loop.call_soon_threadsafe(callback, progress)

    return report
