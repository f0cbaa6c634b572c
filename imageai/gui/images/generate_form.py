"""`GenerateForm`: prompt, provider/model/size/quality/count controls and the live cost estimate."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from imageai.core.image_catalog import ImageCatalog, ImageModelInfo, ImageProviderName
from imageai.services.image_generation import ImageChoices

TIMES = "\N{MULTIPLICATION SIGN}"
PROVIDER_LABELS = {ImageProviderName.OPENAI: "OpenAI", ImageProviderName.GOOGLE: "Google"}


class GenerateForm(QWidget):
    """The left side of the Images tab. It only collects choices (`choices()`); the service builds
    the request.

    Signals:
        choices_changed(): any control changed (the panel re-estimates the cost).
        generate_requested(): the Generate button (or Ctrl+Enter in the prompt).
        cancel_requested(): the Cancel button.
    """

    choices_changed = Signal()
    generate_requested = Signal()
    cancel_requested = Signal()

    def __init__(self, catalog: ImageCatalog, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._catalog = catalog
        self._edit_image: Path | None = None
        self._mask_image: Path | None = None

        self.prompt = QPlainTextEdit()
        self.prompt.setPlaceholderText("Describe the image… (Ctrl+Enter to generate)")
        self.prompt.setMinimumHeight(90)
        self.prompt.setMaximumHeight(200)
        self.provider = QComboBox()
        for name, label in PROVIDER_LABELS.items():
            self.provider.addItem(label, name.value)
        self.model = QComboBox()
        self.size_box = QComboBox()
        self.quality = QComboBox()
        self.quality_label = QLabel("Quality")
        self.count = QSpinBox()
        self.count.setRange(1, 1)
        self.edit_label = QLabel("None: new image")
        self.edit_label.setWordWrap(True)
        self.pick_edit = QPushButton("Choose…")
        self.clear_edit = QPushButton("Clear")
        self.pick_mask = QPushButton("Mask…")
        self.pick_mask.setToolTip("A PNG the size of the image; transparent areas are redrawn.")
        self.cost = QLabel()
        self.cost.setWordWrap(True)
        self.cost.setObjectName("costEstimate")
        self.generate = QPushButton("Generate")
        self.generate.setDefault(True)
        self.cancel = QPushButton("Cancel")
        self.cancel.setEnabled(False)

        form = QFormLayout()
        form.addRow("Provider", self.provider)
        form.addRow("Model", self.model)
        form.addRow("Size", self.size_box)
        form.addRow(self.quality_label, self.quality)
        form.addRow("Images", self.count)
        edit_row = QHBoxLayout()
        edit_row.addWidget(self.pick_edit)
        edit_row.addWidget(self.pick_mask)
        edit_row.addWidget(self.clear_edit)
        edit_box = QVBoxLayout()
        edit_box.addWidget(self.edit_label)
        edit_box.addLayout(edit_row)
        form.addRow("Edit", edit_box)
        buttons = QHBoxLayout()
        buttons.addWidget(self.generate, 1)
        buttons.addWidget(self.cancel)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel("Prompt"))
        layout.addWidget(self.prompt)
        layout.addLayout(form)
        layout.addWidget(self.cost)
        layout.addLayout(buttons)

        self.provider.currentIndexChanged.connect(self._on_provider_changed)
        self.model.currentIndexChanged.connect(self._on_model_changed)
        for combo in (self.size_box, self.quality):
            combo.currentIndexChanged.connect(self.choices_changed)
        self.count.valueChanged.connect(self.choices_changed)
        self.prompt.textChanged.connect(self.choices_changed)
        self.generate.clicked.connect(self.generate_requested)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            shortcut = QShortcut(QKeySequence(keys), self.prompt)
            shortcut.activated.connect(self._on_shortcut_activated)
        self.cancel.clicked.connect(self.cancel_requested)
        self.pick_edit.clicked.connect(self._on_pick_edit_clicked)
        self.pick_mask.clicked.connect(self._on_pick_mask_clicked)
        self.clear_edit.clicked.connect(self.clear_edit_image)
        self._on_provider_changed()

    # ---- values read by the panel ----------------------------------------------------------

    def provider_name(self) -> ImageProviderName:
        return ImageProviderName(self.provider.currentData())

    def model_info(self) -> ImageModelInfo | None:
        return self._catalog.get(self.provider_name(), str(self.model.currentData()))

    def edit_image(self) -> Path | None:
        return self._edit_image

    def choices(self) -> ImageChoices:
        """The form's values, as `services.image_generation` builds a request from them."""
        info = self.model_info()
        return ImageChoices(
            provider=self.provider_name(),
            model=info.id if info else "",
            prompt=self.prompt.toPlainText(),
            size=self.size_box.currentData(),
            quality=self.quality.currentData(),
            count=self.count.value(),
            edit_image=self._edit_image,
            mask_image=self._mask_image,
        )

    def mask_image(self) -> Path | None:
        return self._mask_image

    def set_edit_image(self, path: Path | None) -> None:
        self._edit_image = path
        self._mask_image = None
        self._update_edit_controls()
        self.choices_changed.emit()

    @Slot()
    def clear_edit_image(self) -> None:
        self.set_edit_image(None)

    def set_busy(self, busy: bool) -> None:
        self.generate.setEnabled(not busy)
        self.cancel.setEnabled(busy)

    def select(self, provider: ImageProviderName, model_id: str) -> None:
        """Choose a provider and model programmatically (tests, restoring state)."""
        self.provider.setCurrentIndex(self.provider.findData(provider.value))
        self.model.setCurrentIndex(self.model.findData(model_id))

    # ---- slots ----------------------------------------------------------------------------

    @Slot()
    def _on_shortcut_activated(self) -> None:
        if self.generate.isEnabled():
            self.generate_requested.emit()

    @Slot()
    def _on_provider_changed(self) -> None:
        self.model.blockSignals(True)
        self.model.clear()
        for info in self._catalog.offered(self.provider_name()):
            self.model.addItem(info.label, info.id)
        self.model.blockSignals(False)
        self._on_model_changed()

    @Slot()
    def _on_model_changed(self) -> None:
        info = self.model_info()
        for combo in (self.size_box, self.quality):
            combo.blockSignals(True)
            combo.clear()
        if info is not None:
            for shape in info.shapes:
                self.size_box.addItem(shape.replace("x", f" {TIMES} "), shape)
            for quality in info.qualities:
                self.quality.addItem(quality, quality)
            if info.default_quality:
                self.quality.setCurrentIndex(self.quality.findData(info.default_quality))
            self.quality_label.setText(info.quality_label)
            self.count.setRange(1, info.max_count)
        for combo in (self.size_box, self.quality):
            combo.blockSignals(False)
        self.quality.setEnabled(self.quality.count() > 1)
        self._update_edit_controls()
        self.choices_changed.emit()

    @Slot()
    def _on_pick_edit_clicked(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self, "Image to edit", "", "Images (*.png *.jpg *.jpeg *.webp)"
        )
        if name:
            self.set_edit_image(Path(name))

    @Slot()
    def _on_pick_mask_clicked(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "Mask (PNG)", "", "PNG (*.png)")
        if name:
            self._mask_image = Path(name)
            self._update_edit_controls()
            self.choices_changed.emit()

    def _update_edit_controls(self) -> None:
        info = self.model_info()
        can_edit = info is not None and info.supports_edit
        can_mask = can_edit and info is not None and info.supports_mask
        self.pick_edit.setEnabled(can_edit)
        self.pick_mask.setEnabled(can_mask and self._edit_image is not None)
        self.clear_edit.setEnabled(self._edit_image is not None)
        if self._edit_image is None:
            text = "None: new image" if can_edit else "This model makes new images only"
        else:
            text = f"Editing {self._edit_image.name}"
            if self._mask_image is not None:
                text += f" with mask {self._mask_image.name}"
            if not can_edit:
                text += " (this model cannot edit)"
        self.edit_label.setText(text)
        self.edit_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
