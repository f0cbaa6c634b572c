"""Retargeting one scene changes only that scene: a billed scene's duration is not relabelled."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from PySide6.QtWidgets import QDialogButtonBox

from imageai.core.models import ProviderName, RenderState, VeoSettings
from imageai.gui.video.retarget_dialog import RetargetDialog
from imageai.services.storyboard_model import SceneRole

if TYPE_CHECKING:
    from collections.abc import Callable

    from pytestqt.qtbot import QtBot

    from imageai.services.video_workspace import VideoWorkspace

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


def test_retarget_of_one_scene_keeps_a_billed_scenes_duration(
    qtbot: QtBot, make_workspace: Callable[..., VideoWorkspace]
) -> None:
    ws = make_workspace(scenes=2)
    billed, moved = (s.id for s in ws.document.project.scenes)
    ws.editor.set_provider(ProviderName.VEO)
    ws.editor.set_provider_settings(ProviderName.VEO, VeoSettings(seconds=8))
    project = ws.document.project.update_scene(
        billed, duration=None, state=RenderState.DONE, clip_path="clips/a.mp4", billed_usd=1.2
    ).update_scene(moved, duration=None, provider=ProviderName.ANIMATIC)
    ws.document.set_project(project)
    card = ws.storyboard.index(0)
    assert ws.storyboard.data(card, SceneRole.SECONDS) == 8
    dialog = RetargetDialog(ws, [moved])
    qtbot.add_widget(dialog)
    dialog.combo.setCurrentIndex(dialog.combo.findData("veo"))
    notes = dialog.notes.toPlainText()
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    after = ws.document.project
    assert after.settings.veo.seconds == 8
    assert ws.storyboard.data(ws.storyboard.index(0), SceneRole.SECONDS) == 8
    assert after.scene(billed) == project.scene(billed)
    assert after.provider_for(after.scene(moved)) is ProviderName.VEO
    assert after.scene(moved).duration == 4  # the animatic's 4 s, carried by the scene
    assert "Scene 1" not in notes
