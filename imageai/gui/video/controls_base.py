"""Shared plumbing of the per-provider controls: apply a change, clamp, say what was clamped."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from imageai.gui.binding import Choice, ComboBinding, bind, show_choices
from imageai.services.controls_state import (
    ControlOptions,
    change,
    options_for,
    with_own_settings,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from imageai.core.models import ProviderName, ProviderSettingsT, Scene
    from imageai.gui.video.retarget_dialog import RetargetDialog
    from imageai.services.video_workspace import VideoWorkspace


def fill_combo(combo: QComboBox, items: Sequence[tuple[str, Any]], current: Any) -> None:
    """Show a combo's items (label, data) and select ``current``, without emitting; the items
    are replaced only when they changed (`imageai.gui.binding.show_choices`)."""
    show_choices(combo, items, current)


class ProviderControlsWidget(QWidget):
    """Base of the Sora, Veo and animatic controls; subclasses build rows and `_show` options.

    Signals:
        options_changed(): after each refresh; combos bound with `bind_combo` follow it.
    """

    provider: ProviderName
    options_changed = Signal()

    def __init__(self, workspace: VideoWorkspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ws = workspace
        #: Scene-bound controls (after `bind_scene`) edit one scene's own settings, its provider
        #: override, and never the project's.
        self.scene_bound = False
        self._bound_id: str | None = None
        #: What the last refresh offered; bound combos read their choices from it.
        self.shown_options: ControlOptions | None = None
        self.form = QFormLayout()
        # Controls at their natural width: a combo stretched across a wide window reads badly.
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        # In a narrow inspector a field goes under its label instead of being clipped.
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.notice = QLabel()
        self.notice.setObjectName("clampNotice")
        self.notice.setWordWrap(True)
        self.notice.setStyleSheet(
            "color: #92400e; background: #fef3c7; padding: 4px; border-radius: 4px;"
        )
        self.notice.hide()
        self.retired = QLabel()
        self.retired.setWordWrap(True)
        self.retired.setStyleSheet("color: #991b1b;")
        self.retired.hide()
        self.move_button = QPushButton()
        self.move_button.setObjectName("moveToSuccessor")
        self.move_button.clicked.connect(self._on_move_button_clicked)
        self.move_button.hide()
        self._successor: tuple[str, str] | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self.form)
        layout.addWidget(self.retired)
        layout.addWidget(self.move_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.notice)
        layout.addStretch(1)
        workspace.document.project_changed.connect(self._on_document_project_changed)
        workspace.project_opened.connect(self._on_workspace_project_opened)

    def bind_scene(self, scene_id: str | None) -> None:
        """From now on show and edit ``scene_id``'s own settings (None: no scene, no edits)."""
        self.scene_bound = True
        self._bound_id = scene_id
        self.show_notes([])
        self.refresh()

    def bound_scene(self) -> Scene | None:
        if not self.scene_bound or self._bound_id is None:
            return None
        try:
            return self._ws.document.project.scene(self._bound_id)
        except KeyError:
            return None

    @property
    def settings(self) -> ProviderSettingsT:
        project = self._ws.document.project
        scene = self.bound_scene()
        if scene is not None and project.provider_for(scene) is self.provider:
            return project.settings_for(scene)
        return project.settings.for_provider(self.provider)

    def store(self, settings: ProviderSettingsT) -> None:
        """Record changed settings (undoable): the bound scene's own, else the project's."""
        if not self.scene_bound:
            self._ws.editor.set_provider_settings(self.provider, settings)
            return
        scene = self.bound_scene()
        if scene is not None:  # a deleted scene's controls change nothing
            own = with_own_settings(scene, self.provider, settings)
            self._ws.editor.edit_scene(scene.id, provider_settings=own)

    def options(self) -> ControlOptions:
        return options_for(self._ws.catalog, self.provider, self.settings)

    def bind_combo(
        self,
        combo: QComboBox,
        field: str,
        choices: Callable[[ControlOptions], Sequence[Choice]],
    ) -> ComboBinding:
        """Bind ``combo`` to the settings' ``field``: it follows each refresh and a pick is an
        undoable `apply`; its items are rebuilt only when ``choices`` offers something else."""

        def offered() -> Sequence[Choice]:
            return () if self.shown_options is None else choices(self.shown_options)

        return bind(
            combo,
            self.options_changed,
            lambda: getattr(self.settings, field),
            lambda value: self.apply(**{field: value}),
            offered,
        )

    def apply(self, **changes: Any) -> list[str]:
        """Change settings, clamp the rest to the model, record it (undoable), show the notes."""
        settings, notes = change(self._ws.catalog, self.provider, self.settings, **changes)
        self.store(settings)
        self.show_notes(notes)
        self.refresh()
        return notes

    def show_notes(self, notes: list[str]) -> None:
        self.notice.setText(" ".join(notes))
        self.notice.setVisible(bool(notes))

    def refresh(self) -> None:
        options = self.options()
        self.retired.setText(options.retired_note)
        self.retired.setVisible(bool(options.retired_note))
        self._successor = options.successor
        self.move_button.setText(f"Move to {options.successor_label}…")
        self.move_button.setVisible(options.successor is not None)
        self.shown_options = options
        self._show(options)
        self.options_changed.emit()

    def open_move_dialog(self) -> RetargetDialog:
        """The retarget dialog preset to the successor, shown with the cost before and after."""
        # Imported here: the dialog lists providers from the selector, which imports us.
        from imageai.gui.video.retarget_dialog import RetargetDialog

        dialog = RetargetDialog(self._ws, None, self, successor=self._successor)
        dialog.open()
        return dialog

    def _show(self, options: ControlOptions) -> None:
        raise NotImplementedError

    @Slot()
    def _on_move_button_clicked(self) -> None:
        self.open_move_dialog()

    @Slot()
    def _on_document_project_changed(self) -> None:
        self.refresh()

    @Slot()
    def _on_workspace_project_opened(self) -> None:
        self.show_notes([])
