"""`RemixDialog`: change prompts for one or N variations of a rendered scene, priced first."""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from imageai.core.errors import ImageAIError, ValidationError
from imageai.core.remix_plan import UNKNOWN_MESSAGE, EditPlan

if TYPE_CHECKING:
    from imageai.services.remix_service import AnyRemixPlan
    from imageai.services.video_workspace import VideoWorkspace

MAX_VARIATIONS = 4


class RemixDialog(QDialog):
    """Accepting it means the shown estimate was agreed to; `plan` is what to run."""

    def __init__(
        self,
        workspace: VideoWorkspace,
        scene_id: str,
        prompts: list[str] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._ws = workspace
        self._scene_id = scene_id
        self.plan: AnyRemixPlan | None = None
        self.setWindowTitle(f"Remix {workspace.scene_label(scene_id)}")
        self.setMinimumWidth(520)
        intro = QLabel(
            "Each variation keeps the rendered video and changes what you describe "
            "(e.g. “make it night”, “the keeper wears red”). Variations are kept as takes."
        )
        intro.setWordWrap(True)
        self.count = QSpinBox()
        self.count.setRange(1, MAX_VARIATIONS)
        self.count.setSuffix(" variation(s)")
        self.edits = [QLineEdit() for _ in range(MAX_VARIATIONS)]
        self.form = QFormLayout()
        self.form.addRow("Make", self.count)
        for number, edit in enumerate(self.edits, 1):
            edit.setPlaceholderText("What to change…")
            self.form.addRow(f"Variation {number}", edit)
        for text, edit in zip(prompts or [], self.edits, strict=False):
            edit.setText(text)
        for edit in self.edits:
            edit.textChanged.connect(self._on_inputs_changed)
        self.count.setValue(max(1, min(MAX_VARIATIONS, len(prompts or []))))
        self.count.valueChanged.connect(self._on_inputs_changed)
        self.estimate = QLabel()
        self.estimate.setObjectName("remixEstimate")
        self.estimate.setStyleSheet("font-weight: bold;")
        self.spent = QLabel()
        # Shown only when an earlier create of a variation may have been billed (lost answer).
        self.resend = QCheckBox(
            "Send again the variations whose earlier create may have been billed"
        )
        self.resend.setVisible(False)
        self.resend.toggled.connect(self._on_inputs_changed)
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #991b1b;")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(self.form)
        layout.addWidget(self.estimate)
        layout.addWidget(self.spent)
        layout.addWidget(self.resend)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        self._on_inputs_changed()

    def prompts(self) -> list[str]:
        return [edit.text() for edit in self.edits[: self.count.value()]]

    @Slot()
    def _on_inputs_changed(self) -> None:
        for number in range(MAX_VARIATIONS):
            self.form.setRowVisible(number + 1, number < self.count.value())
        self.plan, shown, problem = None, None, ""
        try:
            self.plan = shown = self._ws.remixer.plan(
                self._scene_id, self.prompts(), resend_unknown=self.resend.isChecked()
            )
        except ValidationError as exc:
            problem = exc.message
            if exc.field == "prompt":
                # Price the shot anyway, so the cost is known before typing.
                with contextlib.suppress(ImageAIError, LookupError, ValueError):
                    filler = ["…"] * self.count.value()
                    shown = self._ws.remixer.plan(self._scene_id, filler)
        except (ImageAIError, LookupError, ValueError) as exc:
            problem = str(exc)
        held = len(shown.held) if isinstance(shown, EditPlan) else 0
        self.resend.setVisible(bool(held) or self.resend.isChecked())
        if held and not problem:
            problem = UNKNOWN_MESSAGE
        self.problem.setText(problem)
        self.problem.setVisible(bool(problem))
        project = self._ws.document.project
        spent = f"Billed so far: ${self._ws.remixer.spent_usd():.2f}"
        if project.budget_usd is not None:
            spent += f" of a ${project.budget_usd:.2f} budget"
        self.spent.setText(spent)
        self.estimate.setText(f"Estimate: {shown.summary()}" if shown else "Estimate: —")
        self.ok_button.setText(f"Remix for ${self.plan.cost_usd:.2f}" if self.plan else "Remix")
        # Enabled while something would run: a new create, or a created remix to follow again.
        self.ok_button.setEnabled(self.plan is not None and len(self.plan.requests) > held)

    @Slot()
    def _on_buttons_accepted(self) -> None:
        if self.plan is not None:
            self.accept()
