"""The player's poster: a small thumbnail shows at once, a large reference is decoded off the
GUI thread (a 1080p PNG took 35-55 ms there) and shows when it is ready."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

import pytest
from PySide6.QtGui import QColor, QImage, QPixmapCache

from imageai.gui.video.player_widget import PlayerWidget
from tests.gui.conftest import record_decode_threads

if TYPE_CHECKING:
    from pathlib import Path

    from pytestqt.qtbot import QtBot

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


def _picture(path: Path, width: int, height: int) -> Path:
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(QColor("#3366cc"))
    assert image.save(str(path))
    return path


def _has_picture(player: PlayerWidget) -> bool:
    pixmap = player.poster.pixmap()
    return pixmap is not None and not pixmap.isNull()


def test_a_large_poster_is_decoded_off_the_gui_thread_and_a_small_one_at_once(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    decoded_on = record_decode_threads(monkeypatch)
    QPixmapCache.clear()
    player = PlayerWidget(use_multimedia=False)
    qtbot.add_widget(player)
    player.resize(480, 360)

    reference = _picture(tmp_path / "reference.png", 1920, 1080)
    player.show_clip("s1", None, reference, "Scene 1 has no take yet: render it.")
    assert not _has_picture(player)  # not decoded here
    assert "no take yet" in player.poster.text()
    qtbot.wait_until(lambda: _has_picture(player), timeout=5000)
    assert decoded_on and threading.current_thread().name not in decoded_on

    thumbnail = _picture(tmp_path / "thumb.jpg", 480, 270)
    player.show_clip("s2", None, thumbnail, "")
    assert _has_picture(player)  # a clip's thumbnail: no wait, no placeholder
    assert player.showing_poster()
