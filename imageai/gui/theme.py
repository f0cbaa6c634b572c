"""Light and dark palettes on the Fusion style, following the system's colour scheme when asked."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Slot
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QStyleFactory

from imageai.services.app_settings import Theme

if TYPE_CHECKING:
    from imageai.services.app_settings import SettingsStore

Role = QPalette.ColorRole
Group = QPalette.ColorGroup

#: Neutral greys close to what Krita, Blender and Resolve use, with a blue accent.
_DARK = {
    Role.Window: "#2b2b2e",
    Role.WindowText: "#e6e6e6",
    Role.Base: "#1f1f22",
    Role.AlternateBase: "#27272a",
    Role.ToolTipBase: "#323236",
    Role.ToolTipText: "#e6e6e6",
    Role.PlaceholderText: "#8b8b92",
    Role.Text: "#e6e6e6",
    Role.Button: "#35353a",
    Role.ButtonText: "#e6e6e6",
    Role.BrightText: "#ff6b6b",
    Role.Light: "#45454b",
    Role.Midlight: "#3a3a40",
    Role.Mid: "#4a4a50",
    Role.Dark: "#18181b",
    Role.Shadow: "#000000",
    Role.Highlight: "#3b82f6",
    Role.HighlightedText: "#ffffff",
    Role.Link: "#7cb3ff",
    Role.LinkVisited: "#b69cff",
}
_DARK_DISABLED = {
    Role.WindowText: "#7a7a80",
    Role.Text: "#7a7a80",
    Role.ButtonText: "#7a7a80",
    Role.Highlight: "#3f3f46",
}


def dark_palette() -> QPalette:
    palette = QPalette()
    for role, color in _DARK.items():
        palette.setColor(role, QColor(color))
    for role, color in _DARK_DISABLED.items():
        palette.setColor(Group.Disabled, role, QColor(color))
    return palette


def light_palette() -> QPalette:
    style = QStyleFactory.create("Fusion")
    return style.standardPalette()


def system_is_dark() -> bool:
    """The platform's colour scheme (Qt 6.5+); Unknown counts as light."""
    return QGuiApplication.styleHints().colorScheme() is Qt.ColorScheme.Dark


def is_dark(theme: Theme) -> bool:
    if theme is Theme.SYSTEM:
        return system_is_dark()
    return theme is Theme.DARK


def apply_theme(app: QApplication, theme: Theme) -> bool:
    """Fusion (the same on every platform) with the light or dark palette; True if dark."""
    dark = is_dark(theme)
    if app.style().name().lower() != "fusion":
        app.setStyle("Fusion")
    app.setPalette(dark_palette() if dark else light_palette())
    app.setProperty("imageai_dark", dark)
    return dark


class ThemeController(QObject):
    """Applies the preferred theme now, again when it changes, and when the system's colour
    scheme changes while the preference is System."""

    def __init__(self, app: QApplication, settings: SettingsStore) -> None:
        super().__init__(app)
        self._app = app
        self._settings = settings
        settings.changed.connect(self._on_settings_changed)
        QGuiApplication.styleHints().colorSchemeChanged.connect(self._on_scheme_changed)
        self.dark = apply_theme(app, settings.preferences.theme)

    @Slot(str)
    def _on_settings_changed(self, section: str) -> None:
        if section == "preferences":
            self.dark = apply_theme(self._app, self._settings.preferences.theme)

    @Slot(Qt.ColorScheme)
    def _on_scheme_changed(self, scheme: Qt.ColorScheme) -> None:
        if self._settings.preferences.theme is Theme.SYSTEM:
            self.dark = apply_theme(self._app, Theme.SYSTEM)


def is_app_dark() -> bool:
    """Whether the dark palette is in use (for the few widgets that pick their own colours)."""
    app = QApplication.instance()
    return bool(app is not None and app.property("imageai_dark"))
