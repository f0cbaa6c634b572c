"""`import_adapters_ahead`: a project's adapters imported and prompt templates compiled on a worker
thread, not at the press of Render."""

from __future__ import annotations

import _thread
import importlib
import logging
import sys
from typing import TYPE_CHECKING

from imageai.core import media, prompts
from imageai.core.models import ProviderName
from imageai.providers import factory
from imageai.services.gui_gc import ask_to_freeze

if TYPE_CHECKING:
    from imageai.core.models import Project

log = logging.getLogger(__name__)

#: Modules handed to an import thread already: one thread imports each module once. While the
#: first of a provider's modules imports (an SDK: a second or more), the next is not in
#: ``sys.modules`` yet, and a second thread importing the same SDK at once is where partially
#: initialized modules and "deadlock detected by _ModuleLock" come from. A failed one is not
#: tried again here: the render imports it and reports why.
_asked: set[str] = set()

#: What every render loads on its job threads at its first clip, asked once per process:
#: `media.ffmpeg_exe` (imports imageio_ffmpeg and finds its binary, for the thumbnail and the
#: clip check) and Pillow's format plugins (loaded at the first image opened, the reference's
#: header). Loaded by four job threads at the first press of Render, they held the GIL the GUI
#: thread wanted: that press took 50-60 ms of wall time for 15 ms of its own work.
MEDIA_TOOLS = "media tools"


def _providers(project: Project) -> set[ProviderName]:
    return {project.provider, *(project.provider_for(scene) for scene in project.scenes)}


def adapter_modules(providers: set[ProviderName]) -> list[str]:
    """The adapter modules ``providers`` render with that are not imported (nor importing) yet."""
    wanted = factory.adapter_modules(providers)
    return [m for m in wanted if m not in sys.modules and m not in _asked]


def prompt_templates(providers: set[ProviderName]) -> list[str]:
    """The prompt templates ``providers``' requests are built from, not compiled (nor asked)
    yet: a template's first use compiles it, 5-7 ms of the first press of Render."""
    wanted = {prompts.TEMPLATE_FOR_PROVIDER[name] for name in providers}
    if ProviderName.ANIMATIC in providers:
        wanted.add(prompts.TITLE_CARD_TEMPLATE)
    return sorted(t for t in wanted if t not in _asked)


def import_adapters_ahead(project: Project) -> bool:
    """Import ``project``'s adapters on a new thread (False: all were imported already).

    The factory imports an adapter when the first render builds it: on the GUI thread, at the
    press of Render, where PySide6's import hook also reads each new module's source (the
    animatic's adapter and httpx: 40-60 ms of that press's 150 ms stall). A failure here is
    left for the render to report. A bare `_thread` thread: `threading.Thread.start` waits
    until the thread runs (30-60 ms of a 500-scene open with both CPUs busy), and quitting
    never waits for an SDK's import.
    """
    providers = _providers(project)  # every scene's: walked once, after each edit
    modules, templates = adapter_modules(providers), prompt_templates(providers)
    tools = MEDIA_TOOLS not in _asked
    if not modules and not templates and not tools:
        return False
    _asked.update(modules, templates)  # on the GUI thread only, as the controller calls it
    _asked.add(MEDIA_TOOLS)
    _thread.start_new_thread(_import_all, (modules, templates, tools))
    return True


def _load_media_tools() -> None:
    try:
        media.ffmpeg_exe()
    except Exception:
        log.debug("no ffmpeg to find ahead: the render reports it", exc_info=True)
    try:
        from PIL import Image

        Image.preinit()
    except Exception:
        log.debug("Pillow's plugins did not load ahead", exc_info=True)


def _import_all(modules: list[str], templates: list[str], tools: bool = False) -> None:
    for module in modules:
        try:
            importlib.import_module(module)
        except Exception:
            log.debug("importing %s ahead failed", module, exc_info=True)
    if modules:
        # An SDK's types live as long as the app: out of the collector's reach, or each full
        # collection on the GUI thread walks them again. Frozen there, not here: this thread
        # would freeze whatever garbage the GUI thread has at that moment.
        ask_to_freeze()
    for template in templates:
        try:
            prompts.environment().get_template(template)  # compiled once, kept by jinja
        except Exception:
            log.debug("compiling %s ahead failed", template, exc_info=True)
    if tools:
        _load_media_tools()
