"""Two-way links from state to combo boxes and line edits that touch a widget only when its value
or choices change."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QMetaObject, QObject, QSignalBlocker, Slot
from PySide6.QtWidgets import QApplication, QComboBox, QLineEdit

from imageai.core.errors import ValidationError

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from PySide6.QtCore import SignalInstance
    from PySide6.QtWidgets import QWidget

#: One entry of a combo: (label, data).
Choice = tuple[str, Any]


def _offers(combo: QComboBox, items: Sequence[Choice]) -> bool:
    return combo.count() == len(items) and all(
        combo.itemText(i) == label and combo.itemData(i) == data
        for i, (label, data) in enumerate(items)
    )


def show_choices(combo: QComboBox, items: Sequence[Choice], current: Any) -> bool:
    """Offer ``items`` and select ``current`` without emitting; returns whether items were replaced.

    The items are replaced only when they differ from what the combo holds: rebuilding an open
    combo closes its popup and loses keyboard focus, and costs a model reset per project change.
    """
    with QSignalBlocker(combo):
        replaced = not _offers(combo, items)
        if replaced:
            combo.clear()
            for label, data in items:
                combo.addItem(label, data)
        index = max(0, combo.findData(current))
        if combo.currentIndex() != index:
            combo.setCurrentIndex(index)
        combo.setEnabled(combo.count() > 1)
    return replaced


@dataclass(frozen=True)
class Typed:
    """How a bound widget takes typed text: parsed into a value, or refused with the reason."""

    #: The typed text as a value; raises `ValidationError` with the reason it is refused.
    parse: Callable[[str], Any]
    #: Shows why a typed text was refused (the widget then shows the stored value again).
    refused: Callable[[str], None]


@dataclass(frozen=True)
class FreeText(Typed):
    """How a bound combo takes a typed value besides its items (an editable combo)."""

    #: Whether the combo takes free text now (the state decides: e.g. a custom endpoint).
    allowed: Callable[[], bool]


def _disconnect(connection: QMetaObject.Connection, *_destroyed: object) -> None:
    QObject.disconnect(connection)  # a no-op when the state went first


class _Binding(QObject):
    """A widget bound to a piece of state: it follows ``state_changed`` (`update`) and writes
    back through ``setter`` only what differs from ``getter()``."""

    def __init__(
        self,
        widget: QWidget,
        state_changed: SignalInstance,
        getter: Callable[[], Any],
        setter: Callable[[Any], object],
    ) -> None:
        super().__init__(widget)  # lives and dies with the widget, and so does the connection
        self._state_changed = state_changed
        self._getter = getter
        self._setter = setter
        connection = state_changed.connect(self.update)
        # PySide goes on calling a Python slot whose QObject Qt has deleted, for as long as
        # Python holds the object: the connection ends with the binding's widget instead.
        self.destroyed.connect(functools.partial(_disconnect, connection))

    @Slot()
    def update(self) -> None:
        """Show the state in the widget."""
        raise NotImplementedError

    def _store(self, value: Any) -> None:
        if value != self._getter():  # picking or typing the current value again is no edit
            self._setter(value)

    def _store_typed(self, text: str, typed: Typed) -> None:
        """Write what typed ``text`` means, or tell ``typed.refused`` why it cannot be taken."""
        try:
            value = typed.parse(text)
        except ValidationError as exc:
            typed.refused(exc.message)
            return
        self._store(value)


class ComboBinding(_Binding):
    """One combo bound to a piece of state.

    On ``state_changed`` the combo shows ``choices()`` and selects ``getter()`` (touching the
    widget only where they changed); when the user picks an item, ``setter(data)`` writes it
    back. With ``free`` the combo is editable while ``free.allowed()``: typed text is parsed,
    refused with the reason or written back once, when editing ends.
    """

    def __init__(
        self,
        combo: QComboBox,
        state_changed: SignalInstance,
        getter: Callable[[], Any],
        setter: Callable[[Any], object],
        choices: Callable[[], Sequence[Choice]],
        free: FreeText | None = None,
    ) -> None:
        super().__init__(combo, state_changed, getter, setter)
        self.combo = combo
        self._choices = choices
        self._free = free
        combo.activated.connect(self._on_combo_activated)

    @Slot()
    def update(self) -> None:
        current = self._getter()
        free = self._free is not None and self._free.allowed()
        self._set_editable(free)
        show_choices(self.combo, self._choices(), current)
        if free:
            with QSignalBlocker(self.combo):
                self.combo.setEnabled(True)  # one item, or none: a value can still be typed
                self.combo.setEditText(str(current))

    def unbind(self) -> None:
        """Stop following the state and writing back (for a widget shown over another model)."""
        self._state_changed.disconnect(self.update)
        self.combo.activated.disconnect(self._on_combo_activated)
        self._set_editable(False)
        self._free = None

    def _set_editable(self, free: bool) -> None:
        combo = self.combo
        if free == combo.isEditable():
            return
        with QSignalBlocker(combo):
            combo.setEditable(free)
            if free:
                # A typed value is taken when editing ends; picking an item sends activated.
                combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
                line = combo.lineEdit()
                assert line is not None  # an editable combo has one (a new one each time)
                line.editingFinished.connect(self._on_line_editing_finished)

    @Slot(int)
    def _on_combo_activated(self, index: int) -> None:
        value = self.combo.itemData(index)
        self._store(value)
        if self._getter() != value:  # not taken (a deleted scene): show what is stored
            self.update()

    @Slot()
    def _on_line_editing_finished(self) -> None:
        free = self._free
        if free is None or not self.combo.isEditable():
            return
        text = self.combo.currentText().strip()
        item = self.combo.findText(text)
        if item >= 0:  # an item's label: that item, also when focus left without Enter
            self._store(self.combo.itemData(item))
        else:
            self._store_typed(text, free)
        self.update()  # shows the value as stored (typed " 6 " reads "6")


def bind(
    combo: QComboBox,
    state_changed: SignalInstance,
    getter: Callable[[], Any],
    setter: Callable[[Any], object],
    choices: Callable[[], Sequence[Choice]],
    free: FreeText | None = None,
) -> ComboBinding:
    """Bind ``combo`` to state both ways and show the state now. Keep or drop the returned link.
    ``free`` lets it take typed values too (`FreeText`)."""
    binding = ComboBinding(combo, state_changed, getter, setter, choices, free)
    binding.update()
    return binding


class TextBinding(_Binding):
    """One line edit bound to a piece of state.

    On ``state_changed`` the edit shows ``format(getter())``, unless the user is typing in it
    (it has focus and text other than the binding last showed); when editing ends, typed text
    is parsed and written back once (the stored value typed again is no edit), or refused:
    ``typed.refused(reason)`` and the stored value is shown again. Text not typed in is never
    written: focus alone (then an Undo from the menu, then Enter) must not write the old value
    back.
    """

    def __init__(
        self,
        edit: QLineEdit,
        state_changed: SignalInstance,
        getter: Callable[[], Any],
        setter: Callable[[Any], object],
        typed: Typed,
        format_value: Callable[[Any], str] = str,
    ) -> None:
        super().__init__(edit, state_changed, getter, setter)
        self.edit = edit
        self._typed = typed
        self._format = format_value
        #: The text this binding last showed: the edit is typed in while it shows another.
        self._shown = edit.text()
        edit.editingFinished.connect(self._on_edit_editing_finished)

    @Slot()
    def update(self) -> None:
        if not self._typed_in():  # never overwrite what the user is typing
            self.show_stored()

    def _typed_in(self) -> bool:
        return self.edit.hasFocus() and self.edit.text() != self._shown

    def show_stored(self) -> None:
        text = self._format(self._getter())
        self._shown = text
        if self.edit.text() != text:  # setText also clears the edit's undo history
            self.edit.setText(text)

    @Slot()
    def _on_edit_editing_finished(self) -> None:
        if self.edit.text() != self._shown:  # nothing typed: the stored value may be newer
            self._store_typed(self.edit.text(), self._typed)
        self.show_stored()  # as stored: trimmed, defaulted or clamped


def bind_text(
    edit: QLineEdit,
    state_changed: SignalInstance,
    getter: Callable[[], Any],
    setter: Callable[[Any], object],
    parse: Callable[[str], Any],
    refused: Callable[[str], None],
    format_value: Callable[[Any], str] = str,
) -> TextBinding:
    """Bind ``edit`` to state both ways and show the state now (`TextBinding`)."""
    binding = TextBinding(edit, state_changed, getter, setter, Typed(parse, refused), format_value)
    binding.show_stored()
    return binding


def end_editing(owner: QWidget, *, inside: bool = False) -> None:
    """End the editing of the field focused in ``owner``'s window (with ``inside``: only if it is
    ``owner`` or in it) now: bound fields write what was typed when editing ends, which a
    toolbar button, a menu or a scene shown by them (they take no focus) does not bring about.
    Focus stays where it was."""
    widget = QApplication.focusWidget()
    if widget is None or widget.window() is not owner.window():
        return
    if inside and widget is not owner and not owner.isAncestorOf(widget):
        return
    widget.clearFocus()
    widget.setFocus()
