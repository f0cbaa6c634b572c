"""App settings persist under the config folder, migrate old files and survive corrupt ones."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from imageai.core.paths import config_dir
from imageai.services.app_settings import (
    MAX_RECENT,
    SETTINGS_FILE,
    SETTINGS_VERSION,
    AppSettings,
    SettingsStore,
    load_settings,
)

if TYPE_CHECKING:
    from pathlib import Path


def test_settings_round_trip_in_the_config_folder(tmp_path: Path) -> None:
    store = SettingsStore()
    store.add_recent(tmp_path / "a")
    store.set_preferences(confirm_before_render=False)
    store.set_window("abcd", "ef")
    saved = json.loads((config_dir() / SETTINGS_FILE).read_text())
    assert saved["schema_version"] == SETTINGS_VERSION
    again = load_settings()
    assert again.recent_projects == (str(tmp_path / "a"),)
    assert again.last_project == str(tmp_path / "a")
    assert again.preferences.confirm_before_render is False
    assert again.window.geometry == "abcd"
    assert "key" not in json.dumps(saved).lower()


def test_recent_list_is_most_recent_first_without_duplicates(tmp_path: Path) -> None:
    settings = AppSettings()
    for i in range(MAX_RECENT + 2):
        settings = settings.with_recent(tmp_path / str(i))
    settings = settings.with_recent(tmp_path / "5")
    assert settings.recent_projects[0] == str(tmp_path / "5")
    assert len(settings.recent_projects) == MAX_RECENT
    assert len(set(settings.recent_projects)) == MAX_RECENT


def test_old_files_are_migrated_and_corrupt_ones_give_defaults(tmp_path: Path) -> None:
    old = tmp_path / "old.json"
    old.write_text(json.dumps({"recent": ["/p"]}))
    assert load_settings(old).recent_projects == ("/p",)
    corrupt = tmp_path / "corrupt.json"
    corrupt.write_text("{not json")
    assert load_settings(corrupt) == AppSettings()
    future = tmp_path / "future.json"
    future.write_text(json.dumps({"schema_version": SETTINGS_VERSION + 1}))
    assert load_settings(future) == AppSettings()
