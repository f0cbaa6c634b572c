"""Chained renders: jobs that seed a scene with the last frame of the one before, and their queue."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from imageai.core import continuity
from imageai.core.imaging import fit_to_file
from imageai.core.job_loop import recover_lost_create, run_job
from imageai.core.jobs import Created
from imageai.video.frames import extract_last_frame

if TYPE_CHECKING:
    import threading
    from collections.abc import Callable, Iterator
    from pathlib import Path

    from imageai.core.jobs import JobEvent, JobRequest
    from imageai.core.ledger import Ledger
    from imageai.providers.router import ProviderRouter
    from imageai.services.job_runner import JobFn

log = logging.getLogger(__name__)


def render_job(
    request: JobRequest,
    router: ProviderRouter,
    ledger: Ledger | None,
    seed_clip: Path | None = None,
    on_created: Callable[[], None] | None = None,
) -> JobFn:
    """A job for the runner; with ``seed_clip``, the clip's last frame (fitted to the frame size
    the provider renders) becomes the scene's reference image, in the worker thread.

    ``on_created`` runs in the worker thread as soon as the create is in the ledger: a budget
    reservation released there is never counted together with the ledger's spend.
    """

    def job(cancel: threading.Event) -> Iterator[JobEvent]:
        current = request
        if seed_clip is not None and request.resume_job_id is None:
            frame = extract_last_frame(seed_clip, continuity.last_frame_path(request))
            fitted = fit_to_file(frame, request.spec.frame_size, request.fit, request.refs_dir)
            log.info("scene %s continues from %s", request.scene_id, seed_clip.name)
            current = continuity.with_reference(request, fitted, ledger)
        provider = router.provider_for(current)
        # A create sent just before a crash: adopt its job rather than pay for another.
        if ledger is not None:
            current = recover_lost_create(current, provider, ledger, cancel)
        for event in run_job(current, provider, cancel, journal=ledger):
            if isinstance(event, Created) and on_created is not None:
                on_created()
            yield event

    return job


class ChainQueue:
    """Scenes waiting for the scene before them to finish (plain data, GUI thread only)."""

    def __init__(self) -> None:
        self._after: dict[str, JobRequest] = {}

    def __bool__(self) -> bool:
        return bool(self._after)

    def __contains__(self, scene_id: object) -> bool:
        return any(r.scene_id == scene_id for r in self._after.values())

    def hold(self, after: str, request: JobRequest) -> None:
        self._after[after] = request

    def release(self, after: str) -> JobRequest | None:
        """The scene that was waiting for ``after`` (now done), if any."""
        return self._after.pop(after, None)

    def drop(self, after: str) -> list[JobRequest]:
        """``after`` will not finish: every scene down the chain from it, in order."""
        dropped = []
        while (request := self._after.pop(after, None)) is not None:
            dropped.append(request)
            after = request.scene_id
        return dropped

    def drop_scene(self, scene_id: str) -> list[JobRequest]:
        """Cancel a waiting scene and those after it."""
        for after, request in list(self._after.items()):
            if request.scene_id == scene_id:
                del self._after[after]
                return [request, *self.drop(scene_id)]
        return []

    def drop_all(self) -> list[JobRequest]:
        dropped = list(self._after.values())
        self._after.clear()
        return dropped
