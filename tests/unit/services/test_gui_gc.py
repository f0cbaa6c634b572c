"""Garbage collection runs on the GUI thread, never on a job thread."""

from __future__ import annotations

import gc
import threading
from typing import TYPE_CHECKING, ClassVar

from imageai.services import gui_gc
from imageai.services.gui_gc import GuiGarbageCollector

if TYPE_CHECKING:
    import pytest
    from pytestqt.qtbot import QtBot


class _Cycle:
    freed_on: ClassVar[list[str]] = []

    def __init__(self) -> None:
        self.me = self

    def __del__(self) -> None:
        _Cycle.freed_on.append(threading.current_thread().name)


def test_cycles_are_collected_by_the_gui_timer(qtbot: QtBot) -> None:
    was_enabled = gc.isenabled()
    gc.enable()  # as in the app before the collector takes over (the test session disables it)
    collector = GuiGarbageCollector(interval_ms=10)
    try:
        assert not gc.isenabled()
        _Cycle.freed_on.clear()

        def make_garbage() -> None:
            for _ in range(gc.get_threshold()[0] * 2):
                _Cycle()

        worker = threading.Thread(target=make_garbage, name="job-thread")
        worker.start()
        worker.join()
        assert _Cycle.freed_on == []  # the job thread collected nothing
        qtbot.wait_until(lambda: bool(_Cycle.freed_on), timeout=3000)
        assert set(_Cycle.freed_on) == {threading.main_thread().name}
    finally:
        collector.stop()
        gc.collect()
    assert gc.isenabled()  # stop() restores what it found
    if not was_enabled:
        gc.disable()


def _tracked(target: object) -> bool:
    return any(found is target for found in gc.get_objects())


def test_what_lives_when_the_window_is_up_is_never_walked_again(qtbot: QtBot) -> None:
    collector = GuiGarbageCollector(interval_ms=10_000)
    try:
        long_lived = [object()]  # a list: the collector tracks it
        assert _tracked(long_lived)
        collector.freeze_long_lived()
        # A full collection on the GUI thread walks only what was made since (36 ms for the
        # app's own 64,000 objects, more with an SDK, walked at every full collection).
        assert not _tracked(long_lived)
        made_after = [object()]
        assert _tracked(made_after)
    finally:
        collector.stop()


def test_a_freeze_asked_from_another_thread_is_done_on_the_gui_thread(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(gui_gc, "_freeze_asked", threading.Event())
    collector = GuiGarbageCollector(interval_ms=10)
    try:
        long_lived = [object()]
        asker = threading.Thread(target=gui_gc.ask_to_freeze)  # as the SDK import thread does
        asker.start()
        asker.join()
        assert _tracked(long_lived)  # not frozen on the asking thread
        qtbot.wait_until(lambda: not _tracked(long_lived), timeout=5000)
        assert not gui_gc._freeze_asked.is_set()
    finally:
        collector.stop()


def test_the_app_makes_its_qt_application_with_the_gui_thread_collector(qtbot: QtBot) -> None:
    from imageai.app import qt_application

    was_enabled = gc.isenabled()
    gc.enable()
    app, collector = qt_application([])
    try:
        assert app.applicationName() == "ImageAI"
        assert not gc.isenabled()  # automatic collection could run on a job thread
    finally:
        collector.stop()
        collector.deleteLater()
        if not was_enabled:
            gc.disable()
