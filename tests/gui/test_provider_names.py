"""Every place the GUI names a provider uses the user-facing names, never the saved value "sora"."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from PySide6.QtCore import QRect
from PySide6.QtGui import QColor, QFont, QFontMetrics, QImage, QPainter

from imageai.core.models import ProviderName
from imageai.core.videos_endpoint import VIDEOS_ENDPOINT_LABEL, VIDEOS_ENDPOINT_SHORT
from imageai.gui.video.storyboard_view import SceneCardDelegate, card_rects
from imageai.gui.video.workspace_panel import VideoWorkspacePanel
from imageai.services.storyboard_model import SceneRole

if TYPE_CHECKING:
    from collections.abc import Callable

    from pytestqt.qtbot import QtBot

    from imageai.services.video_workspace import VideoWorkspace

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


class RecordingPainter(QPainter):
    """A real painter on an image that also keeps every text it draws."""

    def __init__(self, image: QImage) -> None:
        super().__init__(image)
        self.texts: list[str] = []

    def drawText(self, *args: Any) -> None:  # noqa: N802 (Qt's name)
        self.texts.append(str(args[-1]))
        super().drawText(*args)


def _panel(qtbot: QtBot, ws: VideoWorkspace) -> VideoWorkspacePanel:
    panel = VideoWorkspacePanel(ws)
    qtbot.add_widget(panel)
    return panel


def _texts(combo: Any) -> dict[object, str]:
    return {combo.itemData(i): combo.itemText(i) for i in range(combo.count())}


def test_selector_and_scene_editor_name_the_videos_endpoint(
    qtbot: QtBot, make_workspace: Callable[..., VideoWorkspace]
) -> None:
    panel = _panel(qtbot, make_workspace(scenes=1))
    assert _texts(panel.provider_selector.combo)["sora"] == VIDEOS_ENDPOINT_LABEL
    assert _texts(panel.scene_editor.provider_combo)["sora"] == VIDEOS_ENDPOINT_LABEL


@pytest.mark.parametrize(
    ("provider", "badge"),
    [
        (ProviderName.ANIMATIC, "Animatic"),
        (ProviderName.OMNI, "Omni"),
        (ProviderName.VEO, "Veo"),
        (ProviderName.SORA, VIDEOS_ENDPOINT_SHORT),
    ],
)
def test_card_badge_shows_the_short_user_facing_name(
    qtbot: QtBot,
    make_workspace: Callable[..., VideoWorkspace],
    provider: ProviderName,
    badge: str,
) -> None:
    ws = make_workspace(scenes=2)
    scene = ws.document.project.scenes[1]
    ws.editor.edit_scene(scene.id, provider=provider)
    index = ws.storyboard.index(1)
    assert index.data(SceneRole.PROVIDER) == provider.value  # the saved value is unchanged
    assert index.data(SceneRole.PROVIDER_NAME) == badge
    image = QImage(360, 92, QImage.Format.Format_ARGB32)
    painter = RecordingPainter(image)
    try:
        bold = QFont(painter.font())
        bold.setBold(True)
        rects = card_rects(
            QRect(0, 0, 360, 92), QFontMetrics(bold), painter.fontMetrics(), badge, "est. $0.00"
        )
        SceneCardDelegate._paint_text(painter, rects, index, QColor("black"), bold)
    finally:
        painter.end()
    assert badge in painter.texts
    assert provider.value not in painter.texts
