"""The OpenAI-compatible endpoint's controls: base URL, free-text model, price per second."""

from __future__ import annotations

from typing import TYPE_CHECKING

from imageai.core.models import ProviderName
from imageai.gui.video.sora_controls_widget import SoraControlsWidget

if TYPE_CHECKING:
    from collections.abc import Callable

    from pytestqt.qtbot import QtBot

    from imageai.services.video_workspace import VideoWorkspace

GATEWAY = "https://videos-gateway.test/v1"


def _controls(qtbot: QtBot, ws: VideoWorkspace) -> SoraControlsWidget:
    ws.editor.set_provider(ProviderName.SORA)
    widget = SoraControlsWidget(ws)
    qtbot.add_widget(widget)
    return widget


def _type(combo_or_edit: object, text: str) -> None:
    line = getattr(combo_or_edit, "lineEdit", lambda: combo_or_edit)()
    line.setText(text)
    line.editingFinished.emit()


def test_openais_endpoint_shows_the_retirement_and_no_free_text(
    qtbot: QtBot, make_workspace: Callable[..., VideoWorkspace]
) -> None:
    widget = _controls(qtbot, make_workspace(scenes=1))
    assert "2026-09-24" in widget.retired.text()
    assert widget.move_button.isVisibleTo(widget)
    assert "Gemini Omni" in widget.move_button.text()
    assert not widget.model_combo.isEditable()
    assert widget.model_combo.currentText() == "sora-2"  # still shown, though retired
    assert not widget.form.isRowVisible(widget.price_edit)


def test_a_typed_model_on_a_gateway_asks_for_its_price_and_takes_any_shape(
    qtbot: QtBot, make_workspace: Callable[..., VideoWorkspace]
) -> None:
    ws = make_workspace(scenes=1)
    widget = _controls(qtbot, ws)
    _type(widget.endpoint_edit, GATEWAY)
    assert widget.model_combo.isEditable()
    assert not widget.retired.isVisibleTo(widget)
    assert not widget.form.isRowVisible(widget.price_edit)  # sora-2: the table's price
    _type(widget.model_combo, "veo-3.1")
    sora = ws.document.project.settings.sora
    assert sora.model == "veo-3.1"
    assert widget.form.isRowVisible(widget.price_edit)
    assert widget.size_combo.isEditable() and widget.seconds_combo.isEditable()
    _type(widget.price_edit, "0.25")
    _type(widget.size_combo, "1920x1080")
    _type(widget.seconds_combo, "6")
    sora = ws.document.project.settings.sora
    assert (sora.usd_per_second, sora.size, sora.seconds) == (0.25, "1920x1080", 6)
    ws.editor.edit_scene(ws.document.project.scenes[0].id, duration=None)
    assert ws.plan(None).total_usd == 1.5  # validated for rendering, at the typed price


def test_bad_typed_values_are_refused_with_a_note_and_nothing_changes(
    qtbot: QtBot, make_workspace: Callable[..., VideoWorkspace]
) -> None:
    ws = make_workspace(scenes=1)
    widget = _controls(qtbot, ws)
    _type(widget.endpoint_edit, "not a url")
    assert "not an http(s) URL" in widget.notice.text()
    assert ws.document.project.settings.sora.base_url is None
    _type(widget.endpoint_edit, GATEWAY)
    _type(widget.model_combo, "wan-2.5")
    _type(widget.price_edit, "-2")
    assert "0 or more" in widget.notice.text()
    _type(widget.size_combo, "huge")
    assert "size must look like" in widget.notice.text()
    sora = ws.document.project.settings.sora
    assert (sora.usd_per_second, sora.size) == (None, "1280x720")
