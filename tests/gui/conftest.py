"""Fixtures for the GUI tests: a workspace on a real or scripted provider, and the main window."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

import pytest
from PySide6.QtWidgets import QMessageBox

from imageai.core.catalog import default_catalog
from imageai.core.models import Project, Scene
from imageai.core.secrets import InMemorySecretStore
from imageai.gui import deferred_thumbnails
from imageai.gui.video.workspace_panel import VideoWorkspacePanel
from imageai.providers.animatic.provider import AnimaticProvider
from imageai.providers.router import ProviderRouter
from imageai.services import job_runner
from imageai.services.app_settings import SettingsStore
from imageai.services.job_runner import JobRunner
from imageai.services.video_workspace import VideoWorkspace

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from pathlib import Path

    from PySide6.QtCore import QSize
    from PySide6.QtGui import QImage
    from PySide6.QtWidgets import QLineEdit
    from pytestqt.qtbot import QtBot

    from imageai.app import AppParts
    from imageai.core.jobs import VideoProvider


#: The colours `give_references` paints, scene by scene; the third scene gets a broken file.
REFERENCE_COLORS = ["#ff0000", "#00ff00", "#0000ff"]


def give_references(ws: VideoWorkspace, size: tuple[int, int], stem: str) -> None:
    """Give the first three scenes references under ``refs/``: two plain colour pictures of
    ``size`` and one file that is not a picture; clear Qt's pixmap cache after."""
    from PySide6.QtGui import QColor, QImage, QPixmapCache

    folder = ws.document.folder
    assert folder is not None
    (folder / "refs").mkdir(exist_ok=True)
    scenes = ws.document.project.scenes[:3]
    for number, (scene, color) in enumerate(zip(scenes, REFERENCE_COLORS, strict=True)):
        relative = f"refs/{stem}{number}.png"
        if number == 2:
            (folder / relative).write_bytes(b"not a picture")
        else:
            image = QImage(*size, QImage.Format.Format_RGB32)
            image.fill(QColor(color))
            assert image.save(str(folder / relative))
        ws.document.replace_scene(scene.model_copy(update={"reference_image": relative}))
    QPixmapCache.clear()  # nothing decoded by an earlier test


def shown_panel(qtbot: QtBot, ws: VideoWorkspace) -> VideoWorkspacePanel:
    """The video workspace's panel for ``ws``, shown at a desktop size."""
    panel = VideoWorkspacePanel(ws)
    qtbot.add_widget(panel)
    panel.resize(1300, 800)
    panel.show()
    return panel


def record_decode_threads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the threads that decode thumbnails from now on, in order."""
    decoded_on: list[str] = []
    real = deferred_thumbnails.decode_covering

    def recording(path: str, size: QSize) -> QImage:
        decoded_on.append(threading.current_thread().name)
        return real(path, size)

    monkeypatch.setattr(deferred_thumbnails, "decode_covering", recording)
    return decoded_on


def focus_project_field(qtbot: QtBot, parts: AppParts, name: str) -> QLineEdit:
    """Show the window, open the inspector's Project tab and focus its field ``name``."""
    parts.window.show()
    qtbot.wait_exposed(parts.window)
    parts.window.activateWindow()
    panel = parts.window.video_panel
    panel.inspector.setCurrentIndex(panel.inspector.project_tab_index)
    edit: QLineEdit = getattr(panel.project_tab, name)
    edit.setFocus()
    qtbot.wait_until(edit.hasFocus)
    return edit


def wait_threads_done(qtbot: QtBot) -> None:
    """Job threads quit shortly after their last signal; wait for that before the test ends."""
    qtbot.wait_until(lambda: not job_runner.live_threads(), timeout=10_000)


@pytest.fixture
def app_parts(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> Iterator[AppParts]:
    """The whole app as `imageai.app.build` makes it, with keys in memory and no key checks."""
    from imageai.app import build

    parts = build(InMemorySecretStore(), default_catalog(), checkers={})
    # qtbot closes the window at teardown: never block on the unsaved-changes question there.
    monkeypatch.setattr(parts.window, "ask_unsaved", lambda: QMessageBox.StandardButton.Discard)
    qtbot.add_widget(parts.window)
    yield parts
    parts.shutdown()
    wait_threads_done(qtbot)


@pytest.fixture
def secret_store() -> InMemorySecretStore:
    return InMemorySecretStore()


@pytest.fixture
def make_workspace(qtbot: QtBot, tmp_path: Path) -> Iterator[Callable[..., VideoWorkspace]]:
    """Build a workspace with ``provider`` (default: the real animatic) serving every scene."""
    made: list[VideoWorkspace] = []

    def make(
        provider: VideoProvider | None = None, scenes: int = 0, concurrency: int = 2
    ) -> VideoWorkspace:
        chosen = provider or AnimaticProvider(catalog=default_catalog(), poll_interval=0.05)
        router = ProviderRouter(lambda _name, _settings: chosen)
        ws = VideoWorkspace(default_catalog(), router, JobRunner(concurrency), SettingsStore())
        folder = tmp_path / f"project{len(made)}"
        project = Project(
            title="Lighthouse",
            scenes=tuple(
                Scene(prompt=f"Shot {i + 1}: the lighthouse at dusk", duration=1)
                for i in range(scenes)
            ),
        )
        ws.document.replace(project, None)
        ws.save_as(folder)
        made.append(ws)
        return ws

    yield make
    for ws in made:
        ws.runner.shutdown(5000)
    wait_threads_done(qtbot)
