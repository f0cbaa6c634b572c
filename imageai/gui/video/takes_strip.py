"""`TakesStripWidget`: a scene's takes side by side; one is chosen as the clip it shows."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSize, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QIcon, QImage, QPalette, QPixmap
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListView,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from imageai.core.errors import ImageAIError
from imageai.services.takes_model import THUMB_HEIGHT, THUMB_WIDTH, TakeRole, TakesModel

if TYPE_CHECKING:
    from PySide6.QtGui import QResizeEvent

    from imageai.services.video_workspace import VideoWorkspace

_Index = QModelIndex | QPersistentModelIndex
#: Below this a take's thumbnail is too small to compare; the strip scrolls instead.
MIN_THUMB_WIDTH = 96


class _TakeDelegate(QStyledItemDelegate):
    """Draws a take's thumbnail untinted when selected; the label shows the selection."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._icons: dict[int, QIcon] = {}

    def initStyleOption(self, option: QStyleOptionViewItem, index: _Index) -> None:
        super().initStyleOption(option, index)
        image = index.data(Qt.ItemDataRole.DecorationRole)
        if isinstance(image, QImage) and not image.isNull():
            icon = self._icons.get(image.cacheKey())
            if icon is None:
                pixmap = QPixmap.fromImage(image)
                icon = QIcon()
                icon.addPixmap(pixmap, QIcon.Mode.Normal)
                icon.addPixmap(pixmap, QIcon.Mode.Selected)
                self._icons[image.cacheKey()] = icon
            option.icon = icon


class TakesStripWidget(QWidget):
    """Shown when the scene has more than one take; choosing one is an undoable edit.

    Signals:
        take_failed(message): the chosen take cannot be used
    """

    take_failed = Signal(str)

    def __init__(self, workspace: VideoWorkspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ws = workspace
        self._scene_id: str | None = None
        self.model = TakesModel(workspace.document, self)
        self.view = QListView()
        self.view.setObjectName("takesStrip")
        self.view.setViewMode(QListView.ViewMode.IconMode)
        self.view.setFlow(QListView.Flow.LeftToRight)
        self.view.setWrapping(False)
        self.view.setMovement(QListView.Movement.Static)
        # A long label ("Take 3 · render · in use") wraps in its cell rather than overflowing it.
        self.view.setWordWrap(True)
        self._fit_thumbnails(THUMB_WIDTH)
        self.view.setModel(self.model)
        self.view.setItemDelegate(_TakeDelegate(self.view))
        self.view.doubleClicked.connect(self._on_view_double_clicked)
        self.use_button = QPushButton("Use this take")
        self.use_button.setToolTip("Make the selected take the scene's clip (undoable)")
        self.use_button.clicked.connect(self._on_use_button_clicked)
        self.view.selectionModel().selectionChanged.connect(self._update_button)
        self.model.modelReset.connect(self._on_model_reset)
        header = QHBoxLayout()
        self.title = QLabel("Takes")
        bold = self.title.font()
        bold.setBold(True)
        self.title.setFont(bold)  # a font, not a style sheet: it follows theme changes
        header.addWidget(self.title)
        header.addStretch(1)
        header.addWidget(self.use_button)
        # The hint on its own line: beside the button it wrapped mid-phrase in a narrow column.
        self.hint = QLabel("Double-click a take to use it; every take is kept.")
        self.hint.setWordWrap(True)
        self.hint.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(header)
        layout.addWidget(self.hint)
        layout.addWidget(self.view)
        self._on_model_reset()

    def _fit_thumbnails(self, width: int) -> None:
        """Thumbnails ``width`` wide (16:9), each in a cell with room for its label."""
        height = width * THUMB_HEIGHT // THUMB_WIDTH
        self.view.setIconSize(QSize(width, height))
        self.view.setGridSize(QSize(width + 24, height + 40))
        self.view.setFixedHeight(height + 56)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_width(event.size().width())

    def _fit_width(self, width: int) -> None:
        # Every take side by side when they fit at a comparable size, else at least two (the
        # inspector at 1024x700), smaller rather than one and a half cut at the edge.
        inner = width - 16  # the frame and the scroll range
        cell = inner // max(2, self.model.rowCount()) - 24
        if cell < MIN_THUMB_WIDTH:
            cell = inner // 2 - 24
        thumb = max(MIN_THUMB_WIDTH, min(THUMB_WIDTH, cell))
        if thumb != self.view.iconSize().width():
            self._fit_thumbnails(thumb)
        # After the view has laid the cells out again.
        QTimer.singleShot(0, self, self._show_current)

    @Slot()
    def _show_current(self) -> None:
        current = self.model.current
        if current is not None:
            # Centred (clamped at the ends): "ensure visible" left the last take a pixel short.
            self.view.scrollTo(self.model.index(current - 1), QListView.ScrollHint.PositionAtCenter)

    def set_scene(self, scene_id: str | None) -> None:
        self._scene_id = scene_id
        self.model.set_scene(scene_id)

    def choose(self, number: int) -> None:
        if self._scene_id is None:
            return
        try:
            self._ws.editor.choose_take(self._scene_id, number)
        except ImageAIError as exc:
            self.take_failed.emit(str(exc).removeprefix("take: "))

    def _selected_number(self) -> int | None:
        rows = self.view.selectionModel().selectedIndexes()
        return int(rows[0].data(TakeRole.NUMBER)) if rows else None

    @Slot()
    def _on_model_reset(self) -> None:
        count = self.model.rowCount()
        self.setVisible(count > 1)
        self.title.setText(f"Takes ({count})")
        current = self.model.current
        if current is not None:
            self.view.setCurrentIndex(self.model.index(current - 1))
        self._fit_width(self.width())
        self._update_button()

    @Slot()
    def _update_button(self) -> None:
        number = self._selected_number()
        self.use_button.setEnabled(number is not None and number != self.model.current)

    @Slot(QModelIndex)
    def _on_view_double_clicked(self, index: QModelIndex) -> None:
        self.choose(int(index.data(TakeRole.NUMBER)))

    @Slot()
    def _on_use_button_clicked(self) -> None:
        number = self._selected_number()
        if number is not None:
            self.choose(number)
