"""`import_adapters_ahead`: a project's provider adapters imported on a worker thread, not at Render."""

from __future__ import annotations

import _thread
import importlib
import logging
import sys
from typing import TYPE_CHECKING

from imageai.providers import factory

if TYPE_CHECKING:
    from imageai.core.models import Project

log = logging.getLogger(__name__)

#: Modules handed to an import thread already: one thread imports each module once. While the
#: first of a provider's modules imports (an SDK: a second or more), the next is not in
#: ``sys.modules`` yet, and a second thread importing the same SDK at once is where partially
#: initialized modules and "deadlock detected by _ModuleLock" come from. A failed one is not
#: tried again here: the render imports it and reports why.
_asked: set[str] = set()


def adapter_modules(project: Project) -> list[str]:
    """The adapter modules ``project`` renders with that are not imported (nor importing) yet."""
    names = {project.provider, *(project.provider_for(scene) for scene in project.scenes)}
    wanted = factory.adapter_modules(names)
    return [m for m in wanted if m not in sys.modules and m not in _asked]


def import_adapters_ahead(project: Project) -> bool:
    """Import ``project``'s adapters on a new thread (False: all were imported already).

    The factory imports an adapter when the first render builds it: on the GUI thread, at the
    press of Render, where PySide6's import hook also reads each new module's source (the
    animatic's adapter and httpx: 40-60 ms of that press's 150 ms stall). A failure here is
    left for the render to report. A bare `_thread` thread: `threading.Thread.start` waits
    until the thread runs (30-60 ms of a 500-scene open with both CPUs busy), and quitting
    never waits for an SDK's import.
    """
    modules = adapter_modules(project)
    if not modules:
        return False
    _asked.update(modules)  # on the GUI thread only, as the controller calls it
    _thread.start_new_thread(_import_all, (modules,))
    return True


def _import_all(modules: list[str]) -> None:
    for module in modules:
        try:
            importlib.import_module(module)
        except Exception:
            log.debug("importing %s ahead failed", module, exc_info=True)
