"""`ReferenceDialog`: fit a gallery image to a video frame size (crop or pad) with a live preview."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from imageai.core.image_catalog import parse_wxh
from imageai.core.imaging import fit_image, fit_to_file, open_image
from imageai.core.models import FitMode

if TYPE_CHECKING:
    from pathlib import Path

    from PIL import Image

TIMES = "\N{MULTIPLICATION SIGN}"
#: Frame sizes the video providers render (Sora sizes, Veo 720p/1080p/4k, the animatic square).
FRAME_SIZES: tuple[tuple[int, int], ...] = (
    (1280, 720),
    (720, 1280),
    (1920, 1080),
    (1080, 1920),
    (1792, 1024),
    (1024, 1792),
    (3840, 2160),
    (2160, 3840),
    (1024, 1024),
)
PREVIEW_EDGE = 360


def to_qimage(img: Image.Image) -> QImage:
    """A deep-copied RGB `QImage` of a Pillow image."""
    rgb = img.convert("RGB")
    data = rgb.tobytes("raw", "RGB")
    return QImage(data, rgb.width, rgb.height, 3 * rgb.width, QImage.Format.Format_RGB888).copy()


def preview_size(frame: tuple[int, int], edge: int = PREVIEW_EDGE) -> tuple[int, int]:
    """The frame scaled so its longer side is ``edge``: the same geometry, cheaper to draw."""
    scale = edge / max(frame)
    return max(1, round(frame[0] * scale)), max(1, round(frame[1] * scale))


class ReferenceDialog(QDialog):
    """Choose crop or pad and the frame size; on accept, `fitted_path` is the written PNG.

    Args:
        source: the gallery image.
        frame: the size the scene's video provider needs (preselected), when known.
        out_dir: where the fitted PNG is written.
    """

    def __init__(
        self,
        source: Path,
        frame: tuple[int, int] | None,
        out_dir: Path,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Use as scene reference")
        self._source = source
        self._out_dir = out_dir
        self._image = open_image(source)
        self.fitted_path: Path | None = None

        self.size_box = QComboBox()
        sizes = list(FRAME_SIZES)
        if frame is not None and frame not in sizes:
            sizes.insert(0, frame)
        for width, height in sizes:
            self.size_box.addItem(f"{width} {TIMES} {height}", f"{width}x{height}")
        if frame is not None:
            self.size_box.setCurrentIndex(sizes.index(frame))
        self.crop = QRadioButton("Crop to fill the frame")
        self.pad = QRadioButton("Pad to show the whole image")
        self.crop.setChecked(True)
        modes = QButtonGroup(self)
        modes.addButton(self.crop)
        modes.addButton(self.pad)
        self.preview = QLabel()
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setMinimumSize(PREVIEW_EDGE, PREVIEW_EDGE)
        self.preview.setStyleSheet("background: #202020; border-radius: 4px;")
        self.info = QLabel()
        self.info.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Use as reference")

        form = QFormLayout()
        form.addRow("Frame size", self.size_box)
        mode_box = QHBoxLayout()
        mode_box.addWidget(self.crop)
        mode_box.addWidget(self.pad)
        form.addRow("Fit", mode_box)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.preview, 1)
        layout.addWidget(self.info)
        layout.addWidget(buttons)

        self.size_box.currentIndexChanged.connect(self._on_choice_changed)
        self.crop.toggled.connect(self._on_choice_changed)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self._on_choice_changed()

    def frame(self) -> tuple[int, int]:
        return parse_wxh(str(self.size_box.currentData()))

    def mode(self) -> FitMode:
        return FitMode.CROP if self.crop.isChecked() else FitMode.PAD

    def preview_image(self) -> QImage:
        """The preview as shown: the fit at reduced size."""
        return to_qimage(fit_image(self._image, preview_size(self.frame()), self.mode()))

    @Slot()
    def _on_choice_changed(self) -> None:
        self.preview.setPixmap(QPixmap.fromImage(self.preview_image()))
        w, h = self._image.size
        fw, fh = self.frame()
        if self.mode() is FitMode.CROP:
            what = "edges are cut off" if abs(w / h - fw / fh) > 0.01 else "nothing is lost"
        else:
            what = "bars fill the rest" if abs(w / h - fw / fh) > 0.01 else "nothing is added"
        self.info.setText(f"{w} {TIMES} {h} image → {fw} {TIMES} {fh} frame: {what}.")

    def accept(self) -> None:
        self.fitted_path = fit_to_file(self._source, self.frame(), self.mode(), self._out_dir)
        super().accept()
