"""Sora's editable combos and Veo's People and Prompt enhancement combos are bound (gui.binding)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QComboBox

from imageai.core.errors import ValidationError
from imageai.core.models import ProviderName, SoraSettings, VeoSettings
from imageai.gui.binding import ComboBinding, FreeText, bind
from imageai.gui.video.sora_controls_widget import SoraControlsWidget
from imageai.gui.video.veo_controls_widget import VeoControlsWidget

if TYPE_CHECKING:
    from collections.abc import Callable

    from pytestqt.qtbot import QtBot

    from imageai.services.video_workspace import VideoWorkspace

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")

GATEWAY = "https://videos-gateway.test/v1"


class ItemChanges:
    """Counts rows added or removed and resets of a combo's items (a rebuild)."""

    def __init__(self, combo: QComboBox) -> None:
        self.count = 0
        model = combo.model()
        for signal in (model.rowsInserted, model.rowsRemoved, model.modelReset):
            signal.connect(self._on_change)

    def _on_change(self, *_args: object) -> None:
        self.count += 1


class State(QObject):
    changed = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.value: Any = 4
        self.free = True
        self.writes: list[Any] = []
        self.refusals: list[str] = []

    def set(self, value: Any) -> None:
        self.writes.append(value)
        self.value = value
        self.changed.emit()


def _seconds(text: str) -> int:
    if not text.isdigit():
        raise ValidationError("seconds", f"{text!r} is not a whole number of seconds")
    return int(text)


def _finish_typing(combo: QComboBox, text: str) -> None:
    line = combo.lineEdit()
    assert line is not None
    line.setText(text)
    line.editingFinished.emit()


def test_a_free_text_binding_parses_refuses_and_writes_once(qtbot: QtBot) -> None:
    combo = QComboBox()
    qtbot.add_widget(combo)
    state = State()
    free = FreeText(allowed=lambda: state.free, parse=_seconds, refused=state.refusals.append)
    bind(
        combo, state.changed, lambda: state.value, state.set, lambda: [("4 s", 4), ("8 s", 8)], free
    )
    assert combo.isEditable() and combo.currentText() == "4"
    _finish_typing(combo, " 6 ")
    assert state.writes == [6] and combo.currentText() == "6"
    _finish_typing(combo, "6")  # the value already stored: no edit
    _finish_typing(combo, "8 s")  # an item's label, focus left without Enter: that item
    assert state.writes == [6, 8]
    _finish_typing(combo, "abc")
    assert state.refusals == ["'abc' is not a whole number of seconds"]
    assert state.writes == [6, 8] and combo.currentText() == "8"
    state.free = False  # the state says no free text now: a plain combo again
    state.changed.emit()
    assert not combo.isEditable() and combo.currentData() == 8


def _sora(qtbot: QtBot, ws: VideoWorkspace) -> SoraControlsWidget:
    ws.editor.set_provider(ProviderName.SORA)
    widget = SoraControlsWidget(ws)
    qtbot.add_widget(widget)
    _finish_typing_edit(widget)
    return widget


def _finish_typing_edit(widget: SoraControlsWidget) -> None:
    """A compatible endpoint serving a model the table does not know: every shape is typed."""
    widget.endpoint_edit.setText(GATEWAY)
    widget.endpoint_edit.editingFinished.emit()
    _finish_typing(widget.model_combo, "wan-2.5")


def _sora_settings(ws: VideoWorkspace) -> SoraSettings:
    return ws.document.project.settings.sora


def test_sora_combos_are_bound_and_follow_the_project_without_a_rebuild(
    qtbot: QtBot, make_workspace: Callable[..., VideoWorkspace]
) -> None:
    ws = make_workspace(scenes=1)
    widget = _sora(qtbot, ws)
    combos = (widget.model_combo, widget.aspect_combo, widget.size_combo, widget.seconds_combo)
    bound = {b.combo for b in widget.bindings if isinstance(b, ComboBinding)}
    assert set(combos) <= bound
    assert widget.seconds_combo.isEditable() and widget.size_combo.isEditable()
    changes = [ItemChanges(c) for c in combos]
    before = _sora_settings(ws)
    assert before.seconds == 4
    with qtbot.assert_not_emitted(widget.seconds_combo.currentIndexChanged):
        ws.editor.set_provider_settings(ProviderName.SORA, before.model_copy(update={"seconds": 8}))
    assert widget.seconds_combo.currentText() == "8"
    assert [c.count for c in changes] == [0, 0, 0, 0]
    ws.editor.undo_stack.undo()
    assert widget.seconds_combo.currentText() == "4"
    assert [c.count for c in changes] == [0, 0, 0, 0]


def test_sora_typed_values_are_written_once_refused_with_the_reason_and_repeats_are_no_edit(
    qtbot: QtBot, make_workspace: Callable[..., VideoWorkspace]
) -> None:
    ws = make_workspace(scenes=1)
    widget = _sora(qtbot, ws)
    widget.show()
    qtbot.wait_exposed(widget)
    stack = ws.editor.undo_stack
    line = widget.model_combo.lineEdit()
    assert line is not None
    line.setFocus()
    line.selectAll()
    QTest.keyClicks(line, "kling-2")
    start = stack.index()
    QTest.keyClick(line, Qt.Key.Key_Return)
    widget.price_edit.setFocus()  # focus leaves after Enter: still one edit
    assert stack.index() == start + 1
    assert _sora_settings(ws).model == "kling-2"
    assert widget.model_combo.currentText() == "kling-2"
    # "8 s" is an item's label: that item, as picked.
    _finish_typing(widget.seconds_combo, "8 s")
    assert _sora_settings(ws).seconds == 8
    stack.undo()
    assert widget.seconds_combo.currentText() == "4"

    _finish_typing(widget.model_combo, "   ")
    assert "Enter the model id" in widget.notice.text()
    assert widget.model_combo.currentText() == "kling-2"
    _finish_typing(widget.seconds_combo, "abc")
    assert "whole number" in widget.notice.text()
    assert widget.seconds_combo.currentText() == "4"
    assert _sora_settings(ws).seconds == 4

    writes, refreshes = stack.index(), widget.refresh_count
    for combo in (widget.model_combo, widget.aspect_combo, widget.size_combo):
        combo.activated.emit(combo.currentIndex())  # the current item picked again
    _finish_typing(widget.seconds_combo, "4")  # the stored value typed again
    assert stack.index() == writes
    assert widget.refresh_count == refreshes  # no edit, no refresh


def _veo(qtbot: QtBot, ws: VideoWorkspace) -> VeoControlsWidget:
    ws.editor.set_provider(ProviderName.VEO)
    widget = VeoControlsWidget(ws)
    qtbot.add_widget(widget)
    return widget


def _veo_settings(ws: VideoWorkspace) -> VeoSettings:
    return ws.document.project.settings.veo


def test_veo_people_and_enhancement_are_bound_both_ways(
    qtbot: QtBot, make_workspace: Callable[..., VideoWorkspace]
) -> None:
    ws = make_workspace(scenes=1)
    widget = _veo(qtbot, ws)
    bound = {b.combo for b in widget.bindings}
    assert {widget.person_combo, widget.enhance_combo} <= bound
    people, enhance = ItemChanges(widget.person_combo), ItemChanges(widget.enhance_combo)
    settings = _veo_settings(ws)
    with (
        qtbot.assert_not_emitted(widget.person_combo.currentIndexChanged),
        qtbot.assert_not_emitted(widget.enhance_combo.currentIndexChanged),
    ):
        ws.editor.set_provider_settings(
            ProviderName.VEO,
            settings.model_copy(
                update={"person_generation": "dont_allow", "enhance_prompt": False}
            ),
        )
    assert widget.person_combo.currentData() == "dont_allow"
    assert widget.enhance_combo.currentData() == "off"
    assert (people.count, enhance.count) == (0, 0)

    stack = ws.editor.undo_stack
    writes, refreshes = stack.index(), widget.refresh_count
    widget.person_combo.activated.emit(widget.person_combo.currentIndex())
    widget.enhance_combo.activated.emit(widget.enhance_combo.currentIndex())
    assert (stack.index(), widget.refresh_count) == (writes, refreshes)  # no edit, no refresh

    widget.enhance_combo.activated.emit(widget.enhance_combo.findData("on"))
    assert stack.index() == writes + 1
    assert _veo_settings(ws).enhance_prompt is True
    widget.person_combo.activated.emit(widget.person_combo.findData(""))
    assert _veo_settings(ws).person_generation is None
    stack.undo()
    stack.undo()
    assert widget.enhance_combo.currentData() == "off"
    assert widget.person_combo.currentData() == "dont_allow"
    assert (people.count, enhance.count) == (0, 0)
