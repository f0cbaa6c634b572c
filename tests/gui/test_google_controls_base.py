"""The rows Omni and Veo controls share (one base): seed, Vertex project and location, shot combos."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from imageai.core.models import ProviderName, VeoBackend
from imageai.gui.video.google_controls_base import GoogleControlsWidget
from imageai.gui.video.omni_controls_widget import OmniControlsWidget
from imageai.gui.video.veo_controls_widget import VeoControlsWidget

if TYPE_CHECKING:
    from collections.abc import Callable

    from PySide6.QtWidgets import QLineEdit
    from pytestqt.qtbot import QtBot

    from imageai.services.video_workspace import VideoWorkspace

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")

CASES = [
    pytest.param(OmniControlsWidget, ProviderName.OMNI, "global", id="omni"),
    pytest.param(VeoControlsWidget, ProviderName.VEO, "us-central1", id="veo"),
]


def _on_vertex(
    qtbot: QtBot, ws: VideoWorkspace, widget: type[GoogleControlsWidget], provider: ProviderName
) -> GoogleControlsWidget:
    ws.editor.set_provider(provider)
    controls = widget(ws)
    qtbot.add_widget(controls)
    combo = controls.backend_combo
    combo.activated.emit(combo.findData(VeoBackend.VERTEX))
    return controls


def _type(edit: QLineEdit, text: str) -> None:
    edit.setText(text)
    edit.editingFinished.emit()


@pytest.mark.parametrize(("widget", "provider", "location"), CASES)
def test_an_empty_location_falls_back_to_the_providers_own_default(
    qtbot: QtBot,
    make_workspace: Callable[..., VideoWorkspace],
    widget: type[GoogleControlsWidget],
    provider: ProviderName,
    location: str,
) -> None:
    ws = make_workspace(scenes=1)
    controls = _on_vertex(qtbot, ws, widget, provider)
    assert isinstance(controls, GoogleControlsWidget)
    assert controls.location_edit.placeholderText() == location
    _type(controls.location_edit, "europe-west4")
    _type(controls.cloud_project_edit, "  billing-project ")
    settings = ws.document.project.settings.for_provider(provider)
    assert (settings.vertex_location, settings.vertex_project) == (
        "europe-west4",
        "billing-project",
    )
    _type(controls.location_edit, "  ")
    _type(controls.cloud_project_edit, "")
    settings = ws.document.project.settings.for_provider(provider)
    assert (settings.vertex_location, settings.vertex_project) == (location, None)
    assert controls.location_edit.text() == location


@pytest.mark.parametrize(("widget", "provider", "location"), CASES)
def test_seed_is_saved_cleared_and_a_bad_one_explained(
    qtbot: QtBot,
    make_workspace: Callable[..., VideoWorkspace],
    widget: type[GoogleControlsWidget],
    provider: ProviderName,
    location: str,
) -> None:
    ws = make_workspace(scenes=1)
    controls = _on_vertex(qtbot, ws, widget, provider)
    _type(controls.seed_edit, "77")
    assert ws.document.project.settings.for_provider(provider).seed == 77
    _type(controls.seed_edit, "seven")
    assert controls.notice.text().startswith("Seed:")
    assert ws.document.project.settings.for_provider(provider).seed == 77
    _type(controls.seed_edit, "")
    assert ws.document.project.settings.for_provider(provider).seed is None
    seconds = controls.seconds_combo
    last = seconds.count() - 1
    seconds.activated.emit(last)
    assert ws.document.project.settings.for_provider(provider).seconds == seconds.itemData(last)
