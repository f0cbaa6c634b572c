"""Review: Render plans with what is being typed in a bound field, not without it.

Bound fields write when editing ends. The Render buttons are toolbar buttons, which take no
focus: typing a budget cap (or a seed) and pressing Render all planned and priced the render
without it; the field wrote it only when the confirm dialog took the focus, and the render ran
the plan made before: the cap typed just before was not applied to it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from PySide6.QtTest import QTest

from imageai.core.errors import ValidationError
from tests.gui.conftest import focus_project_field

if TYPE_CHECKING:
    from pathlib import Path

    from pytestqt.qtbot import QtBot

    from imageai.app import AppParts
    from imageai.services.render_plan import RenderPlan

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


def test_render_all_pressed_while_typing_a_budget_plans_with_that_budget(
    qtbot: QtBot, app_parts: AppParts, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    window, ws = app_parts.window, app_parts.workspace
    ws.editor.add_scene(prompt="A lighthouse at dusk")
    assert window.save_as(tmp_path / "p")
    panel = window.video_panel
    edit = focus_project_field(qtbot, app_parts, "budget_edit")
    QTest.keyClicks(edit, "5")  # typed, Enter not pressed
    planned_with: list[float | None] = []

    def plan(scene_ids: list[str] | None, *, again: bool = False) -> RenderPlan:
        planned_with.append(ws.document.project.budget_usd)
        raise ValidationError("render", "stopped by the test before anything runs")

    monkeypatch.setattr(ws, "plan", plan)
    panel.render_all_action.trigger()  # a toolbar button: the field keeps the focus
    assert planned_with == [5.0], "planned without the budget being typed"
