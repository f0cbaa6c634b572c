"""Shared plumbing of the per-provider controls: apply a change, clamp, say what was clamped."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from imageai.gui.binding import Choice, ComboBinding, FreeText, bind, end_editing
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


#: A scene's render state: what a render changes, and nothing the controls show.
RENDER_FIELDS = frozenset(
    {
        "state",
        "job_id",
        "job_provider",
        "clip_path",
        "thumbnail_path",
        "billed_usd",
        "rendered_prompt",
        "error",
        "takes",
    }
)


def scene_inputs(scene: Scene | None) -> tuple[object, ...] | None:
    """What the controls can read from ``scene``: every field but its render state, so a
    render's progress, take or bill leaves the controls alone."""
    if scene is None:
        return None
    return tuple(
        getattr(scene, name) for name in type(scene).model_fields if name not in RENDER_FIELDS
    )


def let_fields_shrink(form: QFormLayout) -> None:
    """Fields that fit a narrow inspector: each is as wide as it asks (a minimum width set in
    code becomes its widest) and narrower when the column is, instead of being cut at its edge.
    """
    for row in range(form.rowCount()):
        item = form.itemAt(row, QFormLayout.ItemRole.FieldRole)
        widget = item.widget() if item is not None else None
        if widget is None or isinstance(widget, QLabel):
            continue  # a word-wrapped label takes the column's width, whatever it is
        policy = widget.sizePolicy()
        wanted = widget.minimumWidth()
        if wanted > 0:  # "at least this wide" was meant as "this wide when there is room"
            widget.setMinimumWidth(0)
            widget.setMaximumWidth(wanted)
            policy.setHorizontalPolicy(QSizePolicy.Policy.Expanding)
        else:  # as wide as its size hint, never stretched across a wide window
            policy.setHorizontalPolicy(QSizePolicy.Policy.Maximum)
        widget.setSizePolicy(policy)
    for row in range(form.rowCount()):
        for role in (QFormLayout.ItemRole.FieldRole, QFormLayout.ItemRole.SpanningRole):
            item = form.itemAt(row, role)
            label = item.widget() if item is not None else None
            if isinstance(label, QLabel) and label.wordWrap():
                label.setMinimumWidth(0)  # it wraps instead


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
        #: `view_inputs` at the last refresh: a project change that leaves them equal (a
        #: render's progress) does not refresh; a hidden widget refreshes when shown.
        self._shown_inputs: object | None = None
        self._stale = False
        #: How many refreshes ran (the tests check that a render's changes cause none).
        self.refresh_count = 0
        self.form = QFormLayout()
        # Fields grow up to their natural width (`let_fields_shrink` caps each, since a combo
        # stretched across a wide window reads badly) and shrink in a narrow inspector.
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self._fields_fitted = False
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
        if scene_id != self._bound_id:
            # A field typed in for the scene shown so far writes there, not to the next one.
            end_editing(self, inside=True)
        self.scene_bound = True
        self._bound_id = scene_id
        self.show_notes([])
        # Hidden (another provider's controls on the Scene tab): refreshed when shown.
        self.refresh_if_changed()

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
        free: FreeText | None = None,
    ) -> ComboBinding:
        """Bind ``combo`` to the settings' ``field``: it follows each refresh and a pick (or with
        ``free`` a typed value) is an undoable `apply`; its items are rebuilt only when
        ``choices`` offers something else."""

        def offered() -> Sequence[Choice]:
            return () if self.shown_options is None else choices(self.shown_options)

        return bind(
            combo,
            self.options_changed,
            lambda: getattr(self.settings, field),
            lambda value: self.apply(**{field: value}),
            offered,
            free,
        )

    def free_text(
        self, allowed: Callable[[ControlOptions], bool], parse: Callable[[str], Any]
    ) -> FreeText:
        """Typed values for a bound combo while ``allowed(options)``; a refused one is a note."""
        return FreeText(
            allowed=lambda: self.shown_options is not None and allowed(self.shown_options),
            parse=parse,
            refused=lambda message: self.show_notes([message]),
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

    def view_inputs(self) -> object:
        """The parts of the project `refresh` reads: the provider, the settings shown and the
        bound scene's own fields (not its render state). Subclasses reading more extend it."""
        project = self._ws.document.project
        return (
            id(self._ws.catalog),
            project.provider,
            self.settings,
            scene_inputs(self.bound_scene()),
        )

    def refresh_if_changed(self) -> None:
        """Refresh when what the controls show changed; a hidden widget (another provider's
        page) waits until it is shown."""
        if self._hidden_in_window():
            self._stale = True
            return
        self._stale = False
        if self.view_inputs() != self._shown_inputs:
            self.refresh()

    def _hidden_in_window(self) -> bool:
        # Hidden itself: another provider's page, or a provider the scene does not override
        # with. A page under a tab not shown is still the provider's: it stays current (the
        # price and notes read there); an unshown top-level widget (tests, dialogs) too.
        return self.isHidden() and not self.isWindow()

    def setVisible(self, visible: bool) -> None:
        # Shown as its provider's page (even in a window not shown yet): bring it up to date.
        super().setVisible(visible)
        if visible and self._stale:
            self.refresh_if_changed()

    def refresh(self) -> None:
        self.refresh_count += 1
        self._stale = False
        if not self._fields_fitted:  # the first refresh ends every subclass's __init__
            self._fields_fitted = True
            let_fields_shrink(self.form)
        self._shown_inputs = self.view_inputs()
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
        self.refresh_if_changed()

    @Slot()
    def _on_workspace_project_opened(self) -> None:
        self.show_notes([])
