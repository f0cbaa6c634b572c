"""Test isolation: fresh app home per test, no real keyring, Qt offscreen, no dangling threads."""

from __future__ import annotations

import gc
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from collections.abc import Generator, Iterator

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Qt Multimedia logs which optional codec libraries it could not load; that is not a test failure.
os.environ.setdefault("QT_LOGGING_RULES", "qt.multimedia.*=false")


def pytest_configure(config: pytest.Config) -> None:
    from imageai.app import prepare_qt_environment

    prepare_qt_environment()  # as the app's main() does: widgets paint as they do for a user
    # As in the app (imageai/services/gui_gc.py): a cyclic collection started on a job thread can
    # delete a widget left by an earlier test off the GUI thread, which crashes Qt. Collect on
    # the main thread after each test instead.
    gc.disable()
    _no_sdk_retry_pause()
    _one_certificate_trust_store()


def _no_sdk_retry_pause() -> None:
    # The openai SDK pauses 0.5 s, 1 s, 2 s... before it retries a failed request (a
    # Retry-After it is sent is still obeyed). Tests against mocks and in-process fakes would
    # only wait: the retries are still made, the same number, without the pause.
    import openai._base_client

    openai._base_client.INITIAL_RETRY_DELAY = 0.0


def _one_certificate_trust_store() -> None:
    # Each SDK client loads the whole CA bundle (25-50 ms of CPU; an Omni client makes ten):
    # the tests only speak plain HTTP to local fakes, never TLS, so they trust one certificate
    # instead, whatever the machine's SSL_CERT_FILE says. httpx and google-genai read it; the
    # processes the e2e tests start inherit it.
    import certifi

    bundle = Path(certifi.where()).read_text(encoding="ascii")
    end = "-----END CERTIFICATE-----\n"
    first = bundle[bundle.index("-----BEGIN CERTIFICATE-----") : bundle.index(end) + len(end)]
    fd, name = tempfile.mkstemp(prefix="imageai-tests-ca-", suffix=".pem")
    with os.fdopen(fd, "w", encoding="ascii") as out:
        out.write(first)
    store = Path(tempfile.gettempdir()) / "imageai-tests-one-ca.pem"
    os.replace(name, store)  # whole, whichever worker writes last
    os.environ["SSL_CERT_FILE"] = str(store)


@pytest.fixture(autouse=True)
def _collect_on_main_thread(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    # Only tests that can leave Qt objects behind need the collection; running it after every
    # test spent most of the suite's time in teardown. Plain tests' garbage is collected at the
    # next Qt test's teardown.
    if _may_hold_qt(request.node):
        gc.collect()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item) -> Generator[None, object, object]:
    result = yield
    if _may_hold_qt(item):
        # The test's fixture values are let go only now, after teardown: collect them too, then
        # freeze what is left (modules, caches, the QApplication). A collection scans every
        # object not frozen, so without this each of the ~800 collections above walked the
        # whole grown heap (seconds each); now it walks what the last tests made.
        gc.collect()
        gc.freeze()
    return result


def _may_hold_qt(item: pytest.Item) -> bool:
    fixtures = getattr(item, "fixturenames", ())
    if "qtbot" in fixtures or "qapp" in fixtures:
        return True
    return bool({"cli", "services", "gui", "e2e"} & set(item.path.parts))


@pytest.fixture(autouse=True)
def _fresh_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test gets its own IMAGEAI_HOME and sees no real API keys or endpoints."""
    home = tmp_path_factory.mktemp("imageai-home")
    monkeypatch.setenv("IMAGEAI_HOME", str(home))
    monkeypatch.setenv("IMAGEAI_NO_KEYRING", "1")
    for var in (
        "OPENAI_API_KEY",
        "GEMINI_API_KEY",
        "GOOGLE_API_KEY",
        "OPENAI_BASE_URL",
        "GOOGLE_GEMINI_BASE_URL",
        "GOOGLE_CLOUD_PROJECT",
    ):
        monkeypatch.delenv(var, raising=False)
    return home


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Mark tests that use Qt fixtures, as qutebrowser does, so `-m "not gui"` runs headless.
    for item in items:
        fixtures = getattr(item, "fixturenames", ())
        if "qtbot" in fixtures or "qapp" in fixtures:
            item.add_marker(pytest.mark.gui)


@pytest.fixture(autouse=True)
def _gui_application_first(request: pytest.FixtureRequest) -> None:
    """Tests that run the CLI or services in-process start a QApplication before the code does.

    The CLI makes a QCoreApplication when none exists (right for the app); in one pytest session
    it would outlive the test and pytest-qt's `qapp` would then refuse it, so the suite would
    pass or fail by the order the folders run in. GUI tests that measure fonts without asking
    for `qapp` need one too: a worker whose first GUI test is such a test aborts without it.
    """
    parts = request.node.path.parts
    if "tests" not in parts or not {"cli", "services", "gui"} & set(parts):
        return
    from PySide6.QtWidgets import QApplication

    if QApplication.instance() is None:
        QApplication([])


@pytest.fixture(autouse=True)
def _pyside_references() -> None:
    """As the app does once its application exists: PySide6 6.12 drops references to True and
    None, and a long test session would abort ("none_dealloc") without the reserve."""
    from PySide6.QtCore import QCoreApplication

    if QCoreApplication.instance() is not None:
        from imageai.services.emit_refcount import keep_singletons_alive

        keep_singletons_alive()


@pytest.fixture(autouse=True)
def _no_dangling_qthreads(request: pytest.FixtureRequest) -> Iterator[None]:
    """Fail a Qt test that leaves a QThread running (napari's `_dangling_qthreads`)."""
    yield
    if "qtbot" not in request.fixturenames and "qapp" not in request.fixturenames:
        return
    from PySide6.QtCore import QCoreApplication, QThread

    app = QCoreApplication.instance()
    if app is None:
        return
    running = [t for t in app.findChildren(QThread) if t.isRunning()]
    running += [t for t in _tracked_threads() if t.isRunning()]
    if running:
        for thread in running:
            thread.quit()
            thread.wait(2000)
        pytest.fail(f"test left {len(running)} QThread(s) running")


def _tracked_threads() -> list[object]:
    from imageai.services import job_runner

    return list(job_runner.live_threads())
