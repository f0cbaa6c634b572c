"""The Base URL field refuses to move off an endpoint holding paid jobs not fetched yet."""

from __future__ import annotations

from typing import TYPE_CHECKING

from imageai.core.ledger import LEDGER_NAME, Ledger
from imageai.core.models import ProviderName
from imageai.gui.video.sora_controls_widget import SoraControlsWidget

if TYPE_CHECKING:
    from collections.abc import Callable

    from pytestqt.qtbot import QtBot

    from imageai.services.video_workspace import VideoWorkspace

GATEWAY_A = "https://gateway-a.test/v1"
GATEWAY_B = "https://gateway-b.test/v1"


def _on_a_with_a_paid_job(qtbot: QtBot, ws: VideoWorkspace) -> SoraControlsWidget:
    ws.editor.set_provider(ProviderName.SORA)
    widget = SoraControlsWidget(ws)
    qtbot.add_widget(widget)
    _type(widget, GATEWAY_A)
    assert ws.document.project.settings.sora.base_url == GATEWAY_A
    for scene in ws.document.project.scenes:
        ws.editor.edit_scene(scene.id, duration=None)  # the model's default 4 s
    request = ws.plan(None).requests[0]
    assert ws.document.folder is not None
    ledger = Ledger(ws.document.folder / LEDGER_NAME)
    ledger.intent(request)
    ledger.created(request, "video_on_a", 0.4)
    return widget


def _type(widget: SoraControlsWidget, text: str) -> None:
    widget.endpoint_edit.setText(text)
    widget.endpoint_edit.editingFinished.emit()


def test_base_url_change_is_refused_while_a_paid_job_is_not_fetched(
    qtbot: QtBot, make_workspace: Callable[..., VideoWorkspace]
) -> None:
    ws = make_workspace(scenes=2)
    widget = _on_a_with_a_paid_job(qtbot, ws)

    _type(widget, GATEWAY_B)

    assert ws.document.project.settings.sora.base_url == GATEWAY_A  # not switched
    assert widget.endpoint_edit.text() == GATEWAY_A
    note = widget.notice.text()
    assert "scene 1 job video_on_a" in note and "gateway-a.test" in note
    assert widget.notice.isVisibleTo(widget)


def test_base_url_change_is_allowed_once_the_job_is_fetched(
    qtbot: QtBot, make_workspace: Callable[..., VideoWorkspace]
) -> None:
    ws = make_workspace(scenes=2)
    widget = _on_a_with_a_paid_job(qtbot, ws)
    assert ws.document.folder is not None
    ledger = Ledger(ws.document.folder / LEDGER_NAME)
    scene = ws.document.project.scenes[0].id
    ledger.note(scene, "sora", "video_on_a", "failed", "the provider said it failed")
    _type(widget, GATEWAY_A + "/")  # the same endpoint written differently is no switch

    _type(widget, GATEWAY_B)

    assert ws.document.project.settings.sora.base_url == GATEWAY_B
