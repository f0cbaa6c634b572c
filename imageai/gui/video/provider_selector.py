"""`ProviderSelectorWidget`: the project's video provider, its controls, and key warnings."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QStackedWidget,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from imageai.core.models import ProviderName, VeoBackend
from imageai.core.provider_names import PROVIDER_LABELS
from imageai.core.secrets import KeyName
from imageai.gui.binding import bind
from imageai.gui.video.animatic_controls_widget import AnimaticControlsWidget
from imageai.gui.video.omni_controls_widget import OmniControlsWidget
from imageai.gui.video.sora_controls_widget import SoraControlsWidget
from imageai.gui.video.veo_controls_widget import VeoControlsWidget

if TYPE_CHECKING:
    from imageai.core.key_check import KeyCheck
    from imageai.gui.video.controls_base import ProviderControlsWidget
    from imageai.services.key_check_service import KeyCheckService
    from imageai.services.video_workspace import VideoWorkspace

PROVIDERS = (
    (ProviderName.ANIMATIC, "Animatic (free, offline)"),
    (ProviderName.OMNI, PROVIDER_LABELS[ProviderName.OMNI]),
    (ProviderName.VEO, PROVIDER_LABELS[ProviderName.VEO]),
    (ProviderName.SORA, PROVIDER_LABELS[ProviderName.SORA]),
)
#: Veo runs on Vertex AI with application default credentials: no key to warn about.
KEY_FOR = {ProviderName.SORA: KeyName.OPENAI, ProviderName.OMNI: KeyName.GOOGLE}


class ProviderSelectorWidget(QWidget):
    """Chooses the project's provider (saved with the project) and shows its controls."""

    def __init__(
        self,
        workspace: VideoWorkspace,
        keys: KeyCheckService | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._ws = workspace
        self._keys = keys
        self.combo = QComboBox()
        # Sized to ~20 characters, not its longest label: the inspector is one of three columns.
        self.combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.combo.setMinimumContentsLength(20)
        # Bound, not refilled: it follows the project's provider and a pick is one undoable edit.
        self.binding = bind(
            self.combo,
            workspace.document.project_changed,
            lambda: self._ws.document.project.provider.value,
            lambda value: self._ws.editor.set_provider(ProviderName(value)),
            lambda: [(label, name.value) for name, label in PROVIDERS],
        )
        #: The key warning each row shows, so a project change re-marks only rows that changed.
        self._marks: list[tuple[bool, str] | None] = [None] * len(PROVIDERS)
        self.key_status = QLabel()
        self.key_status.setObjectName("keyStatus")
        self.key_status.setWordWrap(True)
        self.controls: dict[ProviderName, ProviderControlsWidget] = {
            ProviderName.ANIMATIC: AnimaticControlsWidget(workspace),
            ProviderName.OMNI: OmniControlsWidget(workspace),
            ProviderName.VEO: VeoControlsWidget(workspace),
            ProviderName.SORA: SoraControlsWidget(workspace),
        }
        self.stack = QStackedWidget()
        for name, _label in PROVIDERS:
            self.stack.addWidget(self.controls[name])
        top = QFormLayout()
        # In a narrow inspector the combo goes under its label instead of past the tab's edge.
        top.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        top.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        top.addRow("Video provider", self.combo)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.key_status)
        layout.addWidget(self.stack, 1)
        workspace.document.project_changed.connect(self._on_document_project_changed)
        if keys is not None:
            keys.checked.connect(self._on_keys_checked)
        self._sync()

    def current(self) -> ProviderName:
        return ProviderName(self.combo.currentData())

    def set_scene(self, scene_id: str | None) -> None:
        """The selected scene; the Omni controls cap its duration by its frames."""
        omni = self.controls[ProviderName.OMNI]
        assert isinstance(omni, OmniControlsWidget)
        omni.set_scene(scene_id)

    def _sync(self) -> None:
        self.stack.setCurrentWidget(self.controls[self._ws.document.project.provider])
        self._show_key_status()

    def _show_key_status(self) -> None:
        """A warning icon on a provider whose key is missing, rejected or lacks video access."""
        for row, (name, _label) in enumerate(PROVIDERS):
            check = self._check_for(name)
            mark = (check is not None and not check.ok, check.message if check else "")
            if mark == self._marks[row]:
                continue  # each item change repaints the combo
            self._marks[row] = mark
            icon = (
                QStyle.StandardPixmap.SP_MessageBoxWarning
                if mark[0]
                else QStyle.StandardPixmap.SP_CustomBase
            )
            self.combo.setItemIcon(row, self.style().standardIcon(icon))
            self.combo.setItemData(row, mark[1], 3)  # ToolTipRole
        check = self._check_for(self.current())
        self.key_status.setVisible(check is not None and not check.ok)
        if check is not None and not check.ok:
            self.key_status.setText(f"⚠ {check.message}")
            self.key_status.setStyleSheet("color: #92400e;")

    def _check_for(self, name: ProviderName) -> KeyCheck | None:
        key = KEY_FOR.get(name)
        if key is None or self._keys is None:
            return None
        settings = self._ws.document.project.settings.for_provider(name)
        if getattr(settings, "backend", None) is VeoBackend.VERTEX:
            return None  # Vertex AI signs in with application default credentials
        return self._keys.result(key)

    @Slot()
    def _on_document_project_changed(self) -> None:
        self._sync()

    @Slot(str, object)
    def _on_keys_checked(self, key_name: str, result: object) -> None:
        self._show_key_status()
