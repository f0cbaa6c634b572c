"""Composition root: settings, secrets, catalog, router, runner and services, then `MainWindow`."""

from __future__ import annotations

import logging
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from imageai.core.catalog import Catalog, load_catalog
from imageai.core.errors import ImageAIError
from imageai.core.log_setup import setup_logging
from imageai.core.paths import price_override_file
from imageai.core.secrets import InMemorySecretStore, KeyName, KeyringSecretStore, SecretStore
from imageai.providers.factory import provider_factory
from imageai.providers.router import ProviderRouter

if TYPE_CHECKING:
    from collections.abc import Mapping, MutableMapping

    from PySide6.QtWidgets import QApplication

    from imageai.gui.main_window import MainWindow
    from imageai.services.gui_gc import GuiGarbageCollector
    from imageai.services.job_runner import JobRunner
    from imageai.services.key_check_service import Checker, KeyCheckService
    from imageai.services.video_workspace import VideoWorkspace

log = logging.getLogger("imageai.app")
SHUTDOWN_TIMEOUT_MS = 10_000


@dataclass
class AppParts:
    catalog: Catalog
    secrets: SecretStore
    workspace: VideoWorkspace
    keys: KeyCheckService
    window: MainWindow

    def shutdown(self) -> bool:
        """Cancel renders and key checks, and wait (bounded) for their threads."""
        self.workspace.log.detach()
        ok = self.workspace.runner.shutdown(SHUTDOWN_TIMEOUT_MS)
        return self.keys.shutdown(3000) and ok


def default_secrets() -> SecretStore:
    # IMAGEAI_NO_KEYRING: machines without a keyring backend, and tests.
    if os.environ.get("IMAGEAI_NO_KEYRING"):
        return InMemorySecretStore()
    return KeyringSecretStore()


def build(
    secrets: SecretStore | None = None,
    catalog: Catalog | None = None,
    checkers: Mapping[KeyName, Checker] | None = None,
) -> AppParts:
    """Everything the window needs; a `QApplication` must exist."""
    from imageai.gui.main_window import MainWindow
    from imageai.services.app_settings import SettingsStore
    from imageai.services.job_runner import JobRunner
    from imageai.services.key_check_service import KeyCheckService
    from imageai.services.key_checkers import default_checkers
    from imageai.services.new_project_defaults import NewProjectDefaults
    from imageai.services.video_workspace import VideoWorkspace

    settings = SettingsStore()
    catalog = catalog or load_catalog(price_override_file())
    secrets = secrets if secrets is not None else default_secrets()
    router = ProviderRouter(provider_factory(secrets, catalog))
    runner = JobRunner(settings.preferences.max_concurrency)
    workspace = VideoWorkspace(catalog, router, runner, settings)
    runner.setParent(workspace)
    workspace.log.attach()
    keys = KeyCheckService(secrets, default_checkers() if checkers is None else checkers)
    NewProjectDefaults(workspace, keys)  # a Gemini key alone: new projects start on Omni
    window = MainWindow(workspace, secrets, keys)
    add_images_tab(window, runner, secrets)
    add_webhook_receiver(window)
    return AppParts(catalog=catalog, secrets=secrets, workspace=workspace, keys=keys, window=window)


def add_images_tab(window: MainWindow, runner: JobRunner, secrets: SecretStore) -> None:
    """The image generator, first tab; its gallery images can become scene references."""
    from imageai.core.gallery_store import GalleryStore
    from imageai.core.image_catalog import load_image_catalog
    from imageai.core.paths import config_dir, gallery_dir
    from imageai.gui.images.images_panel import ImagesPanel
    from imageai.gui.images_link import ImagesLink
    from imageai.providers.image_factory import image_provider_factory

    store = GalleryStore(gallery_dir())
    link = ImagesLink(window, store.root)
    panel = ImagesPanel(
        store,
        load_image_catalog(config_dir() / "image_models.toml"),
        runner,
        image_provider_factory(secrets),
        frame_size=link.frame_size,
        refs_dir=link.refs_dir,
    )
    link.attach(panel)
    window.tabs.insertTab(0, panel, "Images")
    window.tabs.setCurrentWidget(window.video_panel)


def add_webhook_receiver(window: MainWindow) -> None:
    """Settings > Sora webhook receiver: optional, started by the user."""
    from imageai.gui.settings.webhook_dialog import WebhookDialog
    from imageai.services.webhook_service import WebhookService

    service = WebhookService(window.ws.document, window)

    def open_dialog() -> None:
        WebhookDialog(service, window.ws.settings, window).open()

    action = window.settings_menu.addAction("Sora &webhook receiver…")
    action.triggered.connect(open_dialog)
    window.closing.connect(service.stop)


def reopen_last(parts: AppParts) -> None:
    settings = parts.workspace.settings
    last = settings.settings.last_project
    if not (settings.preferences.reopen_last_project and last and Path(last).is_dir()):
        return
    try:
        parts.workspace.open_project(Path(last))
    except (OSError, ImageAIError) as exc:
        log.warning("could not reopen %s: %s", last, exc)


def prepare_qt_environment(environ: MutableMapping[str, str] | None = None) -> None:
    """Set what Qt reads once at its start (before the `QApplication`).

    Qt reads only whether ``QT_NO_GUI_THREADPOOL`` is set, whatever its value; set
    ``IMAGEAI_QT_PAINT_THREADS=1`` to leave Qt's painting threads on.
    """
    environ = os.environ if environ is None else environ
    if environ.get("IMAGEAI_QT_PAINT_THREADS") == "1":
        return
    # Qt's raster engine hands every fill of 96 rows or more (a scroll bar, a panel's
    # background), and every large image scale or conversion, to its own pool of threads and
    # sleeps until they finish. With encoders on every core, each hand-off left the GUI
    # thread waiting for a CPU again: 2,000-7,000 hand-offs a second while the cut played,
    # and most of the event loop's 50-110 ms stalls (docs/decisions/0010). Serially, a
    # repaint of the whole window took 2-3 ms here against 5 ms with the pool.
    environ.setdefault("QT_NO_GUI_THREADPOOL", "1")


def qt_application(argv: list[str] | None = None) -> tuple[QApplication, GuiGarbageCollector]:
    """The `QApplication` as the desktop app runs it (the GUI benchmarks make theirs here too):
    Qt's environment first, PySide6's reference workaround, and Python's garbage collected on
    the GUI thread only."""
    from PySide6.QtWidgets import QApplication

    prepare_qt_environment()
    existing = QApplication.instance()
    args = sys.argv if argv is None else argv
    app = existing if isinstance(existing, QApplication) else QApplication(args)
    app.setApplicationName("ImageAI")
    from imageai.services.emit_refcount import keep_singletons_alive

    keep_singletons_alive()  # before the event loop runs (PySide6 6.12 leaks references)
    from imageai.services.gui_gc import GuiGarbageCollector

    return app, GuiGarbageCollector(app)


def main(argv: list[str] | None = None) -> int:
    """Start the desktop app; returns the exit code."""
    setup_logging("imageai.log")
    app, collector = qt_application(argv)
    from imageai.gui.theme import ThemeController, apply_theme
    from imageai.services.app_settings import load_settings

    apply_theme(app, load_settings().preferences.theme)  # before the widgets are made
    parts = build()
    ThemeController(app, parts.workspace.settings)  # then live: settings and system scheme
    reopen_last(parts)
    parts.window.show()
    collector.freeze_long_lived()
    code = app.exec()
    if not parts.shutdown():
        log.warning("some jobs did not stop within %d ms", SHUTDOWN_TIMEOUT_MS)
    collector.stop()
    return int(code)
