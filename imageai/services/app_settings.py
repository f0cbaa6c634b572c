"""App settings: a versioned pydantic model saved as JSON in the config folder, and its store."""

from __future__ import annotations

import json
import logging
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field
from pydantic import ValidationError as PydanticValidationError
from PySide6.QtCore import QObject, Signal

from imageai.core.paths import config_dir
from imageai.core.project_store import atomic_write_text

if TYPE_CHECKING:
    from pathlib import Path

log = logging.getLogger(__name__)

SETTINGS_VERSION = 1
SETTINGS_FILE = "settings.json"
MAX_RECENT = 8


class Theme(StrEnum):
    """The window's colours: the system's scheme (followed live), or always light or dark."""

    SYSTEM = "system"
    LIGHT = "light"
    DARK = "dark"


class Preferences(BaseModel):
    """What the user chooses in the settings dialog."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    confirm_before_render: bool = Field(
        default=True, description="Show the cost estimate and ask before any render."
    )
    max_concurrency: int = Field(default=2, ge=1, le=16, description="Renders at the same time.")
    reopen_last_project: bool = Field(default=True, description="Open the last project on start.")
    webhook_port: int = Field(
        default=8787, ge=1, le=65535, description="Port of the optional Sora webhook receiver."
    )
    theme: Theme = Field(
        default=Theme.SYSTEM, description="Light, dark, or as the system's colour scheme."
    )


class WindowState(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    #: ``QMainWindow.saveGeometry()`` / ``saveState()`` as hex.
    geometry: str = ""
    state: str = ""


class AppSettings(BaseModel):
    """Everything the app remembers between runs; never holds API keys."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    schema_version: int = SETTINGS_VERSION
    window: WindowState = WindowState()
    recent_projects: tuple[str, ...] = ()
    last_project: str | None = None
    preferences: Preferences = Preferences()

    def with_recent(self, folder: Path) -> AppSettings:
        path = str(folder)
        recent = (path, *(p for p in self.recent_projects if p != path))[:MAX_RECENT]
        return self.model_copy(update={"recent_projects": recent, "last_project": path})


def _migrate(data: dict[str, Any]) -> dict[str, Any]:
    """Upgrade older settings files step by step; unknown future versions start fresh."""
    version = data.get("schema_version", 0)
    if version == 0:  # pre-release files had a flat "recent" list
        data = dict(data)
        data["recent_projects"] = data.pop("recent", [])
        data["schema_version"] = 1
    return data


def load_settings(path: Path | None = None) -> AppSettings:
    """The saved settings, or defaults when the file is missing or unreadable (logged)."""
    path = path or config_dir() / SETTINGS_FILE
    if not path.is_file():
        return AppSettings()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or data.get("schema_version", 0) > SETTINGS_VERSION:
            raise ValueError("unsupported settings file")
        return AppSettings.model_validate(_migrate(data))
    except (OSError, ValueError, PydanticValidationError) as exc:
        log.warning("ignoring settings file %s: %s", path, type(exc).__name__)
        return AppSettings()


class SettingsStore(QObject):
    """Holds the live settings and writes them on every change.

    Signals:
        changed(section): "window", "recent_projects", "preferences"...
    """

    changed = Signal(str)

    def __init__(self, path: Path | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._path = path or config_dir() / SETTINGS_FILE
        self._settings = load_settings(self._path)

    @property
    def settings(self) -> AppSettings:
        return self._settings

    @property
    def preferences(self) -> Preferences:
        return self._settings.preferences

    def update(self, settings: AppSettings) -> None:
        if settings == self._settings:
            return
        old, self._settings = self._settings, settings
        self.save()
        for name in AppSettings.model_fields:
            if getattr(old, name) != getattr(settings, name):
                self.changed.emit(name)

    def set_preferences(self, **changes: Any) -> None:
        prefs = Preferences.model_validate({**self.preferences.model_dump(), **changes})
        self.update(self._settings.model_copy(update={"preferences": prefs}))

    def add_recent(self, folder: Path) -> None:
        self.update(self._settings.with_recent(folder))

    def set_window(self, geometry: str, state: str) -> None:
        window = WindowState(geometry=geometry, state=state)
        self.update(self._settings.model_copy(update={"window": window}))

    def save(self) -> None:
        try:
            atomic_write_text(self._path, self._settings.model_dump_json(indent=2) + "\n")
        except OSError:
            log.exception("could not save settings to %s", self._path)
