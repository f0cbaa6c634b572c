"""`GalleryView`: search box, thumbnail grid and the actions on the selected image."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, QSize, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QMenu,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:
    from imageai.services.gallery_model import GalleryModel

REFERENCE_TEXT = "Use as scene reference…"
REFERENCE_TIP = "Select one scene in the Video tab first: the image becomes its reference."


class GalleryView(QWidget):
    """Shows a `GalleryModel`; buttons act on the selected image.

    Signals:
        open_requested(int), copy_requested(int), reveal_requested(int), delete_requested(int),
        edit_requested(int), reference_requested(int): the action, with the selected row.
    """

    open_requested = Signal(int)
    copy_requested = Signal(int)
    reveal_requested = Signal(int)
    delete_requested = Signal(int)
    edit_requested = Signal(int)
    reference_requested = Signal(int)

    def __init__(self, model: GalleryModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._model = model
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search prompts…")
        self.search.setClearButtonEnabled(True)
        self.count = QLabel()
        self.grid = QListView()
        self.grid.setModel(model)
        self.grid.setViewMode(QListView.ViewMode.IconMode)
        self.grid.setResizeMode(QListView.ResizeMode.Adjust)
        self.grid.setMovement(QListView.Movement.Static)
        self.grid.setUniformItemSizes(True)
        self.grid.setWordWrap(True)
        edge = model.thumb_size().width()
        self.grid.setIconSize(model.thumb_size())
        self.grid.setGridSize(QSize(edge + 20, edge + 44))
        self.grid.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.grid.setStyleSheet("QListView { padding: 8px; }")
        self.grid.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.grid.setContextMenuPolicy(self.grid.contextMenuPolicy().CustomContextMenu)
        self.empty = QLabel("No images yet. Write a prompt and press Generate.")
        self.empty.setStyleSheet("color: palette(mid); padding: 24px;")

        self.buttons: dict[str, QPushButton] = {}
        row = QHBoxLayout()
        for key, label, signal in (
            ("open", "Open", self.open_requested),
            ("copy", "Copy", self.copy_requested),
            ("reveal", "Show in folder", self.reveal_requested),
            ("edit", "Edit…", self.edit_requested),
            ("reference", REFERENCE_TEXT, self.reference_requested),
            ("delete", "Delete", self.delete_requested),
        ):
            button = QPushButton(label)
            button.clicked.connect(lambda _=False, s=signal: self._emit_for_selection(s))
            self.buttons[key] = button
            row.addWidget(button)
        row.addStretch(1)
        self.buttons["reference"].setToolTip(REFERENCE_TIP)
        #: The scene a reference goes to, as the user reads it ("scene 3: A lighthouse…").
        self.reference_target: str | None = None

        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.count)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.grid, 1)
        layout.addWidget(self.empty)
        layout.addLayout(row)

        self.search.textChanged.connect(model.set_filter)
        model.count_changed.connect(self._on_model_count_changed)
        self.grid.selectionModel().selectionChanged.connect(self._on_selection_changed)
        self.grid.doubleClicked.connect(lambda index: self.open_requested.emit(index.row()))
        self.grid.customContextMenuRequested.connect(self._on_grid_context_menu)
        self._on_model_count_changed(model.rowCount())
        self._on_selection_changed()

    def set_reference_target(self, target: str | None) -> None:
        """Name the scene "Use as reference" will change (None: no single scene selected)."""
        self.reference_target = target
        button = self.buttons["reference"]
        button.setText(f"Use as reference for {target}" if target else REFERENCE_TEXT)
        button.setToolTip(
            f"The selected image becomes the reference image of {target}."
            if target
            else REFERENCE_TIP
        )

    def selected_row(self) -> int:
        rows = self.grid.selectionModel().selectedIndexes()
        return rows[0].row() if rows else -1

    def select_row(self, row: int) -> None:
        self.grid.setCurrentIndex(self._model.index(row, 0))

    def _emit_for_selection(self, signal: Signal) -> None:
        row = self.selected_row()
        if row >= 0:
            signal.emit(row)  # type: ignore[attr-defined]

    @Slot(int)
    def _on_model_count_changed(self, count: int) -> None:
        searching = bool(self._model.filter_text)
        self.count.setText(f"{count} image{'s' if count != 1 else ''}")
        self.empty.setVisible(count == 0)
        self.empty.setText(
            "No image matches the search."
            if searching
            else "No images yet. Write a prompt and press Generate."
        )
        self._on_selection_changed()

    @Slot()
    def _on_selection_changed(self) -> None:
        has = self.selected_row() >= 0
        for button in self.buttons.values():
            button.setEnabled(has)

    @Slot(QPoint)
    def _on_grid_context_menu(self, pos: QPoint) -> None:
        index = self.grid.indexAt(pos)
        if not index.isValid():
            return
        self.select_row(index.row())
        menu = QMenu(self)
        for button in self.buttons.values():
            action = menu.addAction(button.text())
            action.triggered.connect(button.click)
        menu.exec(self.grid.viewport().mapToGlobal(pos))
