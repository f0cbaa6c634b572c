"""Retarget with costs first, export with progress (the player: test_player_widget.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from PySide6.QtWidgets import QDialogButtonBox

from imageai.core.errors import ImageAIError
from imageai.core.media import probe
from imageai.core.models import ProviderName
from imageai.gui.video.retarget_dialog import RetargetDialog
from imageai.services.export_service import EXPORT_JOB_ID
from imageai.services.jobs_model import JobStatus
from tests.gui.conftest import wait_threads_done

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from pytestqt.qtbot import QtBot

    from imageai.services.video_workspace import VideoWorkspace

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


def _render_all(qtbot: QtBot, ws: VideoWorkspace) -> None:
    with qtbot.wait_signal(ws.render_finished, timeout=60_000):
        ws.render(None)
    wait_threads_done(qtbot)


def test_export_assembles_the_cut_with_progress(
    qtbot: QtBot, make_workspace: Callable[..., VideoWorkspace], tmp_path: Path
) -> None:
    ws = make_workspace(scenes=2)
    with pytest.raises(ImageAIError, match="not rendered: 1, 2"):
        ws.export(tmp_path / "cut.mp4")
    _render_all(qtbot, ws)
    fractions: list[float] = []
    ws.runner.job_progress.connect(lambda job, f, _m: fractions.append(f))
    with qtbot.wait_signal(ws.exporter.exported, timeout=60_000) as exported:
        assert ws.export(tmp_path / "cut.mp4") == EXPORT_JOB_ID
    wait_threads_done(qtbot)
    assert exported.args == [str(tmp_path / "cut.mp4")]
    assert fractions[-1] == 1.0
    assert abs(probe(tmp_path / "cut.mp4").duration - 2.0) < 0.3
    row = ws.jobs.row_for(EXPORT_JOB_ID)
    assert row is not None
    assert (row.label, row.status) == ("Export cut", JobStatus.DONE)


def test_retarget_dialog_shows_before_and_after_cost_and_applies_undoably(
    qtbot: QtBot, make_workspace: Callable[..., VideoWorkspace]
) -> None:
    ws = make_workspace(scenes=2)
    ws.editor.set_provider(ProviderName.SORA)
    for scene in ws.document.project.scenes:
        ws.editor.edit_scene(scene.id, duration=12)
    dialog = RetargetDialog(ws, None)
    qtbot.add_widget(dialog)
    dialog.combo.setCurrentIndex(dialog.combo.findData("veo"))
    assert dialog.cost.text() == (
        "Before: 2 scenes, 24 s: $2.40  →  after: 2 scenes, 16 s: $2.40 (+$0.00)"
    )
    assert "Scene 1: 12 s becomes 8 s." in dialog.notes.toPlainText()
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    project = ws.document.project
    assert project.provider is ProviderName.VEO
    assert [s.duration for s in project.scenes] == [8, 8]
    ws.editor.undo_stack.undo()
    assert ws.document.project.provider is ProviderName.SORA
    assert [s.duration for s in ws.document.project.scenes] == [12, 12]
