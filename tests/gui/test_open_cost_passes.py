"""Opening a project prices it once, on the pass after the open: counted calls, not times."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from imageai.core import pricing, project_store
from imageai.core.models import Project, Scene
from imageai.gui.video.timeline_strip import PX_PER_SECOND
from imageai.services import cost_summary, storyboard_model
from tests.gui.conftest import shown_panel

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from pytestqt.qtbot import QtBot

    from imageai.services.video_workspace import VideoWorkspace

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")

NEW_TOTAL = "Storyboard: 3 scenes, 12 s: $0.00"


def _other_project(tmp_path: Path) -> Path:
    folder = tmp_path / "other"
    scenes = tuple(Scene(prompt=f"Gull {i}", duration=4) for i in range(3))
    project_store.save(Project(title="Gulls", scenes=scenes), folder)
    return folder


def _count(monkeypatch: pytest.MonkeyPatch, module: Any, name: str) -> list[int]:
    calls = [0]
    original = getattr(module, name)

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls[0] += 1
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, counted)
    return calls


def test_opening_computes_the_cost_summary_once_on_the_next_pass(
    qtbot: QtBot,
    make_workspace: Callable[..., VideoWorkspace],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ws = make_workspace(scenes=2)
    panel = shown_panel(qtbot, ws)
    folder = _other_project(tmp_path)
    summaries = _count(monkeypatch, cost_summary, "summarize")
    ws.open_project(folder)
    # The document, the storyboard's reset and the panel's selection each asked (3 before).
    assert summaries[0] == 0
    assert panel.cost_label.text() == "Estimating costs…"
    qtbot.waitUntil(lambda: NEW_TOTAL in panel.cost_label.text())
    assert summaries[0] == 1
    qtbot.wait(20)
    assert summaries[0] == 1


def test_a_reader_during_the_open_pass_gets_the_new_projects_figures(
    qtbot: QtBot, make_workspace: Callable[..., VideoWorkspace], tmp_path: Path
) -> None:
    ws = make_workspace(scenes=2)
    panel = shown_panel(qtbot, ws)
    ws.open_project(_other_project(tmp_path))
    assert panel.cost_label.text() == "Estimating costs…"  # never the old project's figures
    assert ws.costs.summary.total.startswith(NEW_TOTAL)  # computed now, when asked
    assert NEW_TOTAL in panel.cost_label.text()


def test_the_cards_and_the_cost_line_share_one_estimate(
    qtbot: QtBot,
    make_workspace: Callable[..., VideoWorkspace],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Each scene is priced once per open, and an edit prices its scene alone (before: each
    scene 4 times per open, and every scene twice per edit)."""
    ws = make_workspace(scenes=2)
    panel = shown_panel(qtbot, ws)
    priced = _count(monkeypatch, pricing, "price_rule")
    ws.open_project(_other_project(tmp_path))
    qtbot.waitUntil(lambda: NEW_TOTAL in panel.cost_label.text())
    assert priced[0] == 3
    priced[0] = 0
    ws.editor.edit_scene(ws.document.project.scenes[-1].id, duration=6)
    assert "Storyboard: 3 scenes, 14 s: $0.00" in panel.cost_label.text()
    assert priced[0] == 1


def test_the_timeline_reads_each_scenes_seconds_from_the_estimate(
    qtbot: QtBot,
    make_workspace: Callable[..., VideoWorkspace],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The open's relayout resolved every scene's settings a second time (once per row)."""
    ws = make_workspace(scenes=2)
    panel = shown_panel(qtbot, ws)
    resolved = _count(monkeypatch, storyboard_model, "resolve")
    ws.open_project(_other_project(tmp_path))
    timeline = panel.viewer.timeline
    assert [b.width for b in timeline.blocks] == [4 * PX_PER_SECOND] * 3
    assert resolved[0] == 0
    ws.editor.edit_scene(ws.document.project.scenes[1].id, duration=6)
    assert [b.width for b in timeline.blocks] == [w * PX_PER_SECOND for w in (4, 6, 4)]


def test_the_recent_list_is_saved_on_a_pass_after_the_open(
    qtbot: QtBot,
    make_workspace: Callable[..., VideoWorkspace],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Saving the settings file (with an fsync) took up to ~10 ms of the open's pass."""
    ws = make_workspace(scenes=2)
    folder = _other_project(tmp_path)
    saves = _count(monkeypatch, ws.settings, "save")
    ws.open_project(folder)
    assert saves[0] == 0
    qtbot.waitUntil(lambda: ws.settings.settings.recent_projects[:1] == (str(folder),))
    assert saves[0] == 1
