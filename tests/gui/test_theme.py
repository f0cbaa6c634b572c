"""The dark theme: chosen in the settings, applied at once, or following the system's scheme."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QPalette

from imageai.core.secrets import InMemorySecretStore
from imageai.gui import theme
from imageai.gui.settings.keys_dialog import KeysDialog
from imageai.gui.theme import ThemeController, is_app_dark
from imageai.services.app_settings import SettingsStore, Theme
from imageai.services.key_check_service import KeyCheckService
from tests.gui.conftest import wait_threads_done

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from PySide6.QtWidgets import QApplication
    from pytestqt.qtbot import QtBot

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


@pytest.fixture
def app(qapp: QApplication) -> Iterator[QApplication]:
    """The app's style, palette and scheme put back after the test."""
    style, palette = qapp.style().name(), QPalette(qapp.palette())
    yield qapp
    qapp.setStyle(style)
    qapp.setPalette(palette)
    qapp.setProperty("imageai_dark", False)


def _window_lightness(app: QApplication) -> int:
    return app.palette().color(QPalette.ColorRole.Window).lightness()


def test_the_theme_chosen_in_settings_applies_at_once(
    qtbot: QtBot, app: QApplication, tmp_path: Path
) -> None:
    settings = SettingsStore(tmp_path / "settings.json")
    controller = ThemeController(app, settings)
    service = KeyCheckService(InMemorySecretStore(), {}, environ={})
    dialog = KeysDialog(service, settings)
    qtbot.add_widget(dialog)
    dialog.theme_combo.setCurrentIndex(dialog.theme_combo.findData("dark"))
    with qtbot.wait_signal(dialog.accepted, timeout=2000):
        dialog.save_button.click()
    assert settings.preferences.theme is Theme.DARK
    assert app.style().name().lower() == "fusion"
    assert controller.dark and is_app_dark()
    assert _window_lightness(app) < 80
    assert app.palette().color(QPalette.ColorRole.Text).lightness() > 180
    settings.set_preferences(theme=Theme.LIGHT)
    assert not controller.dark
    assert _window_lightness(app) > 180
    # It is remembered: a new store reads it back.
    assert SettingsStore(tmp_path / "settings.json").preferences.theme is Theme.LIGHT
    service.shutdown()
    wait_threads_done(qtbot)


def test_system_follows_the_systems_colour_scheme(
    app: QApplication, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = SettingsStore(tmp_path / "settings.json")
    scheme = {"dark": False}
    # The offscreen platform has no scheme to switch: the platform's answer is scripted.
    monkeypatch.setattr(theme, "system_is_dark", lambda: scheme["dark"])
    controller = ThemeController(app, settings)
    assert settings.preferences.theme is Theme.SYSTEM
    assert not controller.dark
    scheme["dark"] = True
    QGuiApplication.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Dark)
    assert controller.dark
    assert _window_lightness(app) < 80
    # An explicit choice is kept whatever the system does.
    settings.set_preferences(theme=Theme.LIGHT)
    QGuiApplication.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Dark)
    assert not controller.dark
