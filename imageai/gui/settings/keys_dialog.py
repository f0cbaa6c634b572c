"""`KeysDialog`: OpenAI and Google API keys (stored in the keyring), each with a Test button."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import SecretStr
from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from imageai.core.key_check import KeyCheck, KeyStatus
from imageai.core.secrets import KeyName, KeySource

if TYPE_CHECKING:
    from imageai.services.app_settings import SettingsStore
    from imageai.services.key_check_service import KeyCheckService

KEY_LABELS = {KeyName.OPENAI: "OpenAI (Sora 2)", KeyName.GOOGLE: "Google (Veo 3)"}
STATUS_COLORS = {
    KeyStatus.OK: "#15803d",
    KeyStatus.NETWORK: "#b45309",
    KeyStatus.UNKNOWN: "#b45309",
}


class KeysDialog(QDialog):
    """Keys are written (off the GUI thread) on Save; environment variables win and say so."""

    def __init__(
        self,
        checks: KeyCheckService,
        settings: SettingsStore | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Settings and API keys")
        self._checks = checks
        self._settings = settings
        self._saving = False
        self.edits: dict[KeyName, QLineEdit] = {}
        self.results: dict[KeyName, QLabel] = {}
        self.test_buttons: dict[KeyName, QPushButton] = {}
        grid = QGridLayout()
        for row, name in enumerate(KeyName):
            self._add_key_row(grid, row, name)
        keys_box = QGroupBox("API keys (kept in the system keyring, never in settings files)")
        keys_box.setLayout(grid)
        layout = QVBoxLayout(self)
        layout.addWidget(keys_box)
        if settings is not None:
            layout.addWidget(self._preferences_box(settings))
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Close
        )
        buttons.accepted.connect(self._on_save_clicked)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        checks.checked.connect(self._on_checks_checked)
        checks.check_started.connect(self._on_checks_check_started)
        checks.sources_changed.connect(self._show_sources)
        checks.saved.connect(self._on_checks_saved)
        checks.refresh_sources()  # the keyring is read on a job thread, never here
        for name in KeyName:
            result = checks.result(name)
            if result is not None:
                self.show_result(name, result)

    def _add_key_row(self, grid: QGridLayout, row: int, name: KeyName) -> None:
        edit = QLineEdit()
        edit.setEchoMode(QLineEdit.EchoMode.Password)
        test = QPushButton("Test")
        test.setProperty("key_name", name.value)
        test.clicked.connect(self._on_test_clicked)
        result = QLabel("")
        result.setWordWrap(True)
        result.setMinimumWidth(240)
        grid.addWidget(QLabel(KEY_LABELS[name]), row, 0)
        grid.addWidget(edit, row, 1)
        grid.addWidget(test, row, 2)
        grid.addWidget(result, row, 3)
        self.edits[name], self.test_buttons[name], self.results[name] = edit, test, result
        self._show_source(name)

    @Slot()
    def _show_sources(self) -> None:
        for name in KeyName:
            self._show_source(name)

    def _show_source(self, name: KeyName) -> None:
        source, var = self._checks.source(name)
        edit = self.edits[name]
        if source is KeySource.ENV:
            edit.setPlaceholderText(f"set by the environment variable {var} (it wins)")
        elif source is KeySource.STORE:
            edit.setPlaceholderText("stored in the keyring; type to replace")
        else:
            edit.setPlaceholderText("not set")

    def _preferences_box(self, settings: SettingsStore) -> QGroupBox:
        prefs = settings.preferences
        self.confirm_check = QCheckBox("Show the cost and ask before every paid render")
        self.confirm_check.setChecked(prefs.confirm_before_render)
        self.concurrency_spin = QSpinBox()
        self.concurrency_spin.setRange(1, 16)
        self.concurrency_spin.setValue(prefs.max_concurrency)
        box = QGroupBox("Preferences")
        grid = QGridLayout(box)
        grid.addWidget(self.confirm_check, 0, 0, 1, 2)
        grid.addWidget(QLabel("Renders at the same time"), 1, 0)
        grid.addWidget(self.concurrency_spin, 1, 1)
        return box

    def typed_key(self, name: KeyName) -> SecretStr | None:
        text = self.edits[name].text().strip()
        return SecretStr(text) if text else None

    def show_result(self, name: KeyName, result: KeyCheck) -> None:
        label = self.results[name]
        label.setText(("✔ " if result.ok else "✖ ") + result.message)
        label.setStyleSheet(f"color: {STATUS_COLORS.get(result.status, '#b91c1c')};")
        self.test_buttons[name].setEnabled(True)

    @Slot()
    def _on_test_clicked(self) -> None:
        name = KeyName(str(self.sender().property("key_name")))
        self._checks.check(name, self.typed_key(name))

    @Slot(str)
    def _on_checks_check_started(self, key_name: str) -> None:
        name = KeyName(key_name)
        self.results[name].setText("Checking…")
        self.results[name].setStyleSheet("color: #4b5563;")
        self.test_buttons[name].setEnabled(False)

    @Slot(str, object)
    def _on_checks_checked(self, key_name: str, result: object) -> None:
        assert isinstance(result, KeyCheck)
        self.show_result(KeyName(key_name), result)

    @Slot()
    def _on_save_clicked(self) -> None:
        if self._settings is not None:
            self._settings.set_preferences(
                confirm_before_render=self.confirm_check.isChecked(),
                max_concurrency=self.concurrency_spin.value(),
            )
        keys = {name: key for name in KeyName if (key := self.typed_key(name)) is not None}
        if not keys:
            self.accept()
            return
        self._saving = True
        self.setEnabled(False)  # until the keyring write on the job thread is done
        self._checks.save(keys)

    @Slot()
    def _on_checks_saved(self) -> None:
        if self._saving:
            self._saving = False
            self.setEnabled(True)
            for edit in self.edits.values():
                edit.clear()
            self.accept()
