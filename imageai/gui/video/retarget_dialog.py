"""`RetargetDialog`: choose a provider (or take the successor), see the mapped settings and the
before/after cost first."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from imageai.core.models import ProviderName
from imageai.core.retarget_plan import RetargetPlan, plan_retarget, successor_plan
from imageai.gui.video.provider_selector import PROVIDERS

if TYPE_CHECKING:
    from imageai.services.video_workspace import VideoWorkspace


def successor_of_project(workspace: VideoWorkspace) -> tuple[str, str] | None:
    """(provider, model id) the table names for the project's deprecated or retired model."""
    plan = successor_plan(workspace.document.project, workspace.catalog)
    return (plan.target.value, plan.model) if plan is not None else None


def _label(workspace: VideoWorkspace, key: tuple[str, str]) -> str:
    info = workspace.catalog.get(ProviderName(key[0]), key[1])
    return info.label if info is not None else key[1]


def comparison(plan: RetargetPlan) -> str:
    """E.g. ``Before: 2 scenes, 24 s: $2.40  →  after: 2 scenes, 16 s: $2.40 (+$0.00)``."""
    sign = "+" if plan.delta_usd >= 0 else "-"
    return (
        f"Before: {plan.before.summary()}  →  after: {plan.after.summary()} "
        f"({sign}${abs(plan.delta_usd):.2f})"
    )


class RetargetDialog(QDialog):
    """Applies the plan as one undoable step when accepted.

    Given ``successor`` (provider, model id), or when the project's model is deprecated or
    retired, the dialog opens on the successor's provider and moves to that model: the one
    action a retirement note or a "model gone" error offers.
    """

    def __init__(
        self,
        workspace: VideoWorkspace,
        scene_ids: list[str] | None,
        parent: QWidget | None = None,
        successor: tuple[str, str] | None = None,
    ) -> None:
        super().__init__(parent)
        self._ws = workspace
        self._scene_ids = scene_ids or None
        # A deprecated or retired model's project opens on its successor, whoever asked.
        successor = successor or successor_of_project(workspace)
        self._successor = successor
        what = f"{len(scene_ids)} selected scene(s)" if scene_ids else "the whole project"
        self.setWindowTitle(
            "Retarget" if successor is None else f"Move to {_label(workspace, successor)}"
        )
        self.combo = QComboBox()
        current = workspace.document.project.provider
        for name, label in PROVIDERS:
            if scene_ids or name is not current or (successor and successor[0] == name.value):
                self.combo.addItem(label, name.value)
        if successor is not None:
            if self.combo.findData(successor[0]) < 0:
                self.combo.addItem(successor[0].title(), successor[0])
            self.combo.setCurrentIndex(self.combo.findData(successor[0]))
        self.combo.currentIndexChanged.connect(self._on_combo_current_index_changed)
        self.cost = QLabel()
        self.cost.setObjectName("retargetCost")
        self.cost.setStyleSheet("font-weight: bold;")
        self.notes = QPlainTextEdit()
        self.notes.setReadOnly(True)
        self.notes.setMaximumHeight(140)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Retarget")
        self.buttons.accepted.connect(self._on_accepted)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"Move {what} to:"))
        layout.addWidget(self.combo)
        layout.addWidget(self.cost)
        layout.addWidget(QLabel("What changes"))
        layout.addWidget(self.notes)
        layout.addWidget(self.buttons)
        self.plan: RetargetPlan | None = None
        self._on_combo_current_index_changed()

    def target(self) -> ProviderName:
        return ProviderName(self.combo.currentData())

    def _model(self) -> str | None:
        if self._successor is not None and self._successor[0] == self.target().value:
            return self._successor[1]
        return None

    @Slot()
    def _on_combo_current_index_changed(self) -> None:
        self.plan = plan_retarget(
            self._ws.document.project,
            self.target(),
            self._ws.catalog,
            self._scene_ids,
            self._model(),
        )
        self.cost.setText(comparison(self.plan))
        problems = [f"scene {s.index}: {s.error}" for s in self.plan.after.scenes if s.error]
        self.notes.setPlainText("\n".join([*self.plan.notes, *problems]) or "Nothing else changes.")

    @Slot()
    def _on_accepted(self) -> None:
        if self.plan is not None:
            self._ws.apply_retarget(self.plan.project, self.plan.target.value)
        self.accept()
