"""Review: a seed typed for one scene is written to that scene, not to the next one shown.

Scene-bound controls write a field when its editing ends. A scene switch that takes no focus
(a toolbar's Add scene selects the new scene, Undo/Redo from the menu, a scene deleted) rebound
the controls to the other scene while the typed seed stayed in the field; when the focus left,
the seed was written to the scene shown then, and the scene it was typed for kept its own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from PySide6.QtTest import QTest

from imageai.core.models import ProviderName, Scene
from imageai.gui.video.veo_controls_widget import VeoControlsWidget

if TYPE_CHECKING:
    from collections.abc import Callable

    from pytestqt.qtbot import QtBot

    from imageai.services.video_workspace import VideoWorkspace

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


def _seed(ws: VideoWorkspace, scene_id: str) -> int | None:
    scene = ws.document.project.scene(scene_id)
    return ws.document.project.settings_for(scene).seed  # type: ignore[union-attr]


def test_a_seed_typed_for_a_scene_goes_to_that_scene_when_another_is_shown(
    qtbot: QtBot, make_workspace: Callable[..., VideoWorkspace]
) -> None:
    ws = make_workspace()
    for scene_id in ("s1", "s2"):
        ws.document.set_project(
            ws.document.project.model_copy(
                update={
                    "scenes": (
                        *ws.document.project.scenes,
                        Scene(id=scene_id, prompt=f"shot {scene_id}", provider=ProviderName.VEO),
                    )
                }
            )
        )
    widget = VeoControlsWidget(ws)
    qtbot.add_widget(widget)
    widget.bind_scene("s1")
    widget.show()
    qtbot.wait_exposed(widget)
    widget.activateWindow()
    assert not widget.seed_edit.isHidden()
    widget.seed_edit.setFocus()
    qtbot.wait_until(widget.seed_edit.hasFocus)
    QTest.keyClicks(widget.seed_edit, "7")  # typed for scene 1, Enter not pressed
    widget.bind_scene("s2")  # another scene shown; the field kept the focus
    widget.seed_edit.clearFocus()  # the focus leaves: editing ends
    assert (_seed(ws, "s1"), _seed(ws, "s2")) == (7, None)
