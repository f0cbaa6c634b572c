"""A project's provider adapters are imported on a worker thread when it opens, not at Render."""

from __future__ import annotations

import sys
import threading
from typing import TYPE_CHECKING, Any

from imageai.core import prompts
from imageai.core.catalog import default_catalog
from imageai.core.models import Project, ProviderName, Scene
from imageai.providers import factory
from imageai.providers.router import ProviderRouter
from imageai.services import gui_gc, import_ahead
from imageai.services.job_runner import JobRunner
from imageai.services.project_document import ProjectDocument
from imageai.services.render_controller import RenderController
from tests.fakes.fake_provider import FakeProvider

if TYPE_CHECKING:
    from pathlib import Path

    import pytest
    from pytestqt.qtbot import QtBot

PROBE = "imageai_adapter_probe_{}"


def _probe_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    """A stand-in adapter module that records the thread importing it."""
    (tmp_path / f"{name}.py").write_text(
        "import threading\nTHREAD = threading.current_thread().name\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, name, raising=False)


def test_opening_a_project_imports_its_adapters_off_the_gui_thread(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    animatic, veo = PROBE.format("animatic"), PROBE.format("veo")
    for name in (animatic, veo):
        _probe_module(tmp_path, monkeypatch, name)
    monkeypatch.setitem(factory.ADAPTER_MODULES, ProviderName.ANIMATIC, (animatic,))
    monkeypatch.setitem(factory.ADAPTER_MODULES, ProviderName.VEO, (veo,))
    doc = ProjectDocument(Project())
    provider = FakeProvider()
    runner = JobRunner(max_concurrency=1)
    RenderController(doc, runner, ProviderRouter(lambda _n, _s: provider), default_catalog())
    # One scene renders with Veo: its adapter is wanted too.
    project = Project(scenes=(Scene(prompt="a"), Scene(prompt="b", provider=ProviderName.VEO)))
    monkeypatch.setattr(gui_gc, "_freeze_asked", threading.Event())
    doc.replace(project, None)
    qtbot.wait_until(lambda: animatic in sys.modules and veo in sys.modules, timeout=10_000)
    gui = threading.current_thread().name
    assert gui != sys.modules[animatic].THREAD
    assert gui != sys.modules[veo].THREAD
    # An SDK's types live as long as the app: the GUI thread's collector is asked to freeze
    # them out of its later full collections.
    qtbot.wait_until(gui_gc._freeze_asked.is_set, timeout=5000)
    runner.shutdown(5000)


def test_opening_a_project_compiles_its_prompt_templates_off_the_gui_thread(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A template's first use compiles it (5-7 ms): not at the first press of Render."""
    monkeypatch.setattr(import_ahead, "_asked", set())
    environment = prompts.environment()
    compiled_on: dict[str, str] = {}
    real = environment.get_template

    def recorded(name: str, *args: Any, **kwargs: Any) -> Any:
        compiled_on.setdefault(name, threading.current_thread().name)
        return real(name, *args, **kwargs)

    monkeypatch.setattr(environment, "get_template", recorded)
    doc = ProjectDocument(Project())
    runner = JobRunner(max_concurrency=1)
    RenderController(doc, runner, ProviderRouter(lambda _n, _s: FakeProvider()), default_catalog())
    project = Project(scenes=(Scene(prompt="a"), Scene(prompt="b", provider=ProviderName.OMNI)))
    doc.replace(project, None)

    wanted = {
        prompts.TEMPLATE_FOR_PROVIDER[ProviderName.ANIMATIC],
        prompts.TEMPLATE_FOR_PROVIDER[ProviderName.OMNI],
        prompts.TITLE_CARD_TEMPLATE,
    }
    qtbot.wait_until(lambda: wanted <= set(compiled_on), timeout=10_000)
    gui = threading.current_thread().name
    assert all(compiled_on[name] != gui for name in wanted)
    runner.shutdown(5000)


def test_opening_a_project_loads_the_media_tools_off_the_gui_thread(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found by four job threads at the first press of Render, ffmpeg's path and Pillow's
    format plugins held the GIL the GUI thread wanted."""
    from PIL import Image

    from imageai.core import media

    monkeypatch.setattr(import_ahead, "_asked", set())
    loaded_on: dict[str, str] = {}
    real_exe, real_preinit = media.ffmpeg_exe, Image.preinit

    def exe() -> str:
        loaded_on["ffmpeg"] = threading.current_thread().name
        return real_exe()

    def preinit() -> None:
        loaded_on["pillow"] = threading.current_thread().name
        real_preinit()

    monkeypatch.setattr(media, "ffmpeg_exe", exe)
    monkeypatch.setattr(Image, "preinit", preinit)
    doc = ProjectDocument(Project())
    runner = JobRunner(max_concurrency=1)
    RenderController(doc, runner, ProviderRouter(lambda _n, _s: FakeProvider()), default_catalog())
    doc.replace(Project(scenes=(Scene(prompt="a"),)), None)
    qtbot.wait_until(lambda: set(loaded_on) == {"ffmpeg", "pillow"}, timeout=10_000)
    gui = threading.current_thread().name
    assert gui not in loaded_on.values()
    # Once per process: the next project opened asks for nothing more.
    assert not import_ahead.import_adapters_ahead(Project(scenes=(Scene(prompt="b"),)))
    runner.shutdown(5000)
