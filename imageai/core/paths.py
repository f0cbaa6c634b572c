"""Where the app keeps its data: platform folders, or ``IMAGEAI_HOME`` when set."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "ImageAI"


def app_home() -> Path:
    override = os.environ.get("IMAGEAI_HOME")
    if override:
        return Path(override)
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def config_dir() -> Path:
    override = os.environ.get("IMAGEAI_HOME")
    if override:
        return Path(override) / "config"
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def log_dir() -> Path:
    override = os.environ.get("IMAGEAI_HOME")
    if override:
        return Path(override) / "logs"
    return Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))


def price_override_file() -> Path:
    """The user's ``video_models.toml`` that replaces entries of the packaged price table."""
    return config_dir() / "video_models.toml"


def gallery_dir() -> Path:
    return app_home() / "gallery"
