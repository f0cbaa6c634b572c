"""Review: an adapter module is imported ahead on one thread, not again while it imports.

The controller asks for the adapters 300 ms after each project change. The factory's tuples
hold two modules per Google provider; while the first still imports (google-genai: a second
or more), the second is not in ``sys.modules`` yet, so each quiet moment after an edit or a
job event started one more thread importing the same SDK at once: concurrent imports of one
package are where a partially initialized module or "deadlock detected by _ModuleLock" comes
from, and a failed import was retried after every change.
"""

from __future__ import annotations

import _thread
import sys
import threading
import types
from typing import TYPE_CHECKING

from imageai.core.catalog import default_catalog
from imageai.core.models import Project, ProviderName, Scene
from imageai.providers import factory
from imageai.providers.router import ProviderRouter
from imageai.services.job_runner import JobRunner
from imageai.services.project_document import ProjectDocument
from imageai.services.render_controller import RenderController
from tests.fakes.fake_provider import FakeProvider

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    import pytest
    from pytestqt.qtbot import QtBot

GATE = "imageai_review_import_gate"
SLOW, SECOND = "imageai_review_probe_slow_sdk", "imageai_review_probe_second"


def test_a_module_is_not_imported_ahead_again_while_its_import_runs(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    gate = types.ModuleType(GATE)
    gate.OPEN = threading.Event()  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, GATE, gate)
    # The first module imports slowly (an SDK), the second after it.
    (tmp_path / f"{SLOW}.py").write_text(f"import {GATE}\n{GATE}.OPEN.wait(20)\n")
    (tmp_path / f"{SECOND}.py").write_text("")
    monkeypatch.syspath_prepend(str(tmp_path))
    for name in (SLOW, SECOND):
        monkeypatch.delitem(sys.modules, name, raising=False)
    monkeypatch.setitem(factory.ADAPTER_MODULES, ProviderName.VEO, (SLOW, SECOND))
    started: list[list[str]] = []
    real_start = _thread.start_new_thread

    def start(function: Callable[[list[str]], None], args: tuple[list[str]]) -> int:
        started.append(list(args[0]))
        return real_start(function, args)

    monkeypatch.setattr(_thread, "start_new_thread", start)
    doc = ProjectDocument(Project())
    runner = JobRunner(max_concurrency=1)
    provider = FakeProvider()
    controller = RenderController(
        doc, runner, ProviderRouter(lambda _n, _s: provider), default_catalog()
    )
    try:
        project = Project(scenes=(Scene(prompt="a", provider=ProviderName.VEO),))
        doc.replace(project, None)
        qtbot.wait_until(lambda: SLOW in sys.modules, timeout=10_000)  # importing, held
        doc.set_project(project.with_scene(project.scenes[0].model_copy(update={"prompt": "b"})))
        qtbot.wait_until(lambda: not controller._import_timer.isActive(), timeout=10_000)
        asked = [m for modules in started for m in modules]
        assert asked.count(SECOND) == 1, f"{SECOND} imported ahead on {asked.count(SECOND)} threads"
    finally:
        gate.OPEN.set()
        qtbot.wait_until(lambda: SECOND in sys.modules, timeout=10_000)
        runner.shutdown(5000)
