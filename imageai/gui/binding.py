"""Two-way links from state to combo boxes that touch a widget only when its value or choices change."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QSignalBlocker, Slot

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from PySide6.QtCore import SignalInstance
    from PySide6.QtWidgets import QComboBox

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


class ComboBinding(QObject):
    """One combo bound to a piece of state.

    On ``state_changed`` the combo shows ``choices()`` and selects ``getter()`` (touching the
    widget only where they changed); when the user picks an item, ``setter(data)`` writes it back.
    """

    def __init__(
        self,
        combo: QComboBox,
        state_changed: SignalInstance,
        getter: Callable[[], Any],
        setter: Callable[[Any], object],
        choices: Callable[[], Sequence[Choice]],
    ) -> None:
        super().__init__(combo)  # lives and dies with the combo
        self.combo = combo
        self._state_changed = state_changed
        self._getter = getter
        self._setter = setter
        self._choices = choices
        state_changed.connect(self.update)
        combo.activated.connect(self._on_combo_activated)

    @Slot()
    def update(self) -> None:
        show_choices(self.combo, self._choices(), self._getter())

    def unbind(self) -> None:
        """Stop following the state and writing back (for a widget shown over another model)."""
        self._state_changed.disconnect(self.update)
        self.combo.activated.disconnect(self._on_combo_activated)

    @Slot(int)
    def _on_combo_activated(self, index: int) -> None:
        value = self.combo.itemData(index)
        if value != self._getter():  # picking the current item again is no edit
            self._setter(value)


def bind(
    combo: QComboBox,
    state_changed: SignalInstance,
    getter: Callable[[], Any],
    setter: Callable[[Any], object],
    choices: Callable[[], Sequence[Choice]],
) -> ComboBinding:
    """Bind ``combo`` to state both ways and show the state now. Keep or drop the returned link."""
    binding = ComboBinding(combo, state_changed, getter, setter, choices)
    binding.update()
    return binding
