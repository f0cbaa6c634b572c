"""`KeysDialog`: OpenAI and Google API keys (stored in the keyring), each with a Test button."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import SecretStr
from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
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
from imageai.core.secrets import ENV_VARS, KeyName, KeySource
from imageai.services.app_settings import Theme

if TYPE_CHECKING:
    from imageai.services.app_settings import SettingsStore
    from imageai.services.key_check_service import KeyCheckService

KEY_LABELS = {KeyName.OPENAI: "OpenAI (Sora 2)", KeyName.GOOGLE: "Google (Gemini, Veo)"}
STATUS_COLORS = {
    KeyStatus.OK: "#15803d",
    KeyStatus.NETWORK: "#b45309",
    KeyStatus.UNKNOWN: "#b45309",
}
THEME_LABELS = {
    Theme.SYSTEM: "As the system (light or dark)",
    Theme.LIGHT: "Light",
    Theme.DARK: "Dark",
}
NO_KEYRING = (
    "No system keyring is available on this computer, so keys cannot be saved here. "
    "Set them as environment variables before starting ImageAI instead: "
    "<b>OPENAI_API_KEY</b> for OpenAI, <b>GEMINI_API_KEY</b> for Google "
    "(Linux and macOS: <code>export GEMINI_API_KEY=…</code> in your shell profile; "
    "Windows: <code>setx GEMINI_API_KEY …</code>). A key typed here can still be tested."
)


def source_text(source: KeySource, var: str, name: KeyName) -> str:
    """Which key the app uses for ``name``, and why."""
    if source is KeySource.ENV:
        return (
            f"In use: the environment variable {var}. It wins over a key saved here; "
            f"unset {var} to use the saved key."
        )
    if source is KeySource.STORE:
        return "In use: the key saved in the keyring."
    return f"No key in use: type one and Save, or set {ENV_VARS[name][0]}."


class KeysDialog(QDialog):
    """Keys are written (off the GUI thread) on Save; environment variables win and say so.

    Close always works, also while a save is under way or after it failed.
    """

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
        self.sources: dict[KeyName, QLabel] = {}
        self.test_buttons: dict[KeyName, QPushButton] = {}
        self.notice = QLabel()
        self.notice.setObjectName("keysNotice")
        self.notice.setWordWrap(True)
        self.notice.setStyleSheet(
            "#keysNotice { color: #78350f; background: #fffbeb; border: 1px solid #fcd34d;"
            " border-radius: 4px; padding: 6px; }"
        )
        self.notice.hide()
        grid = QGridLayout()
        for row, name in enumerate(KeyName):
            self._add_key_row(grid, 2 * row, name)
        keys_box = QGroupBox("API keys (kept in the system keyring, never in settings files)")
        keys_box.setLayout(grid)
        layout = QVBoxLayout(self)
        layout.addWidget(self.notice)
        layout.addWidget(keys_box)
        if settings is not None:
            layout.addWidget(self._preferences_box(settings))
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Close
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.close_button = self.buttons.button(QDialogButtonBox.StandardButton.Close)
        self.buttons.accepted.connect(self._on_save_clicked)
        self.buttons.rejected.connect(self.reject)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        checks.checked.connect(self._on_checks_checked)
        checks.typed_checked.connect(self._on_checks_typed_checked)
        checks.check_started.connect(self._on_checks_check_started)
        checks.sources_changed.connect(self._show_sources)
        checks.saved.connect(self._on_checks_saved)
        checks.save_failed.connect(self._on_checks_save_failed)
        checks.refresh_sources()  # the keyring is read on a job thread, never here
        if checks.keyring_missing:
            self._show_notice(NO_KEYRING)
        for name in KeyName:
            result = checks.result(name)
            if result is not None:
                self.show_result(name, result)

    def _add_key_row(self, grid: QGridLayout, row: int, name: KeyName) -> None:
        edit = QLineEdit()
        edit.setEchoMode(QLineEdit.EchoMode.Password)
        test = QPushButton("Test")
        test.setProperty("key_name", name.value)
        test.setToolTip("Check the typed key, or the key in use when nothing is typed.")
        test.clicked.connect(self._on_test_clicked)
        result = QLabel("")
        result.setWordWrap(True)
        result.setMinimumWidth(240)
        source = QLabel("")
        source.setWordWrap(True)
        grid.addWidget(QLabel(KEY_LABELS[name]), row, 0)
        grid.addWidget(edit, row, 1)
        grid.addWidget(test, row, 2)
        grid.addWidget(result, row, 3)
        grid.addWidget(source, row + 1, 1, 1, 3)
        self.edits[name], self.test_buttons[name], self.results[name] = edit, test, result
        self.sources[name] = source
        self._show_source(name)

    @Slot()
    def _show_sources(self) -> None:
        for name in KeyName:
            self._show_source(name)

    def _show_source(self, name: KeyName) -> None:
        source, var = self._checks.source(name)
        self.sources[name].setText(source_text(source, var, name))
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
        self.theme_combo = QComboBox()
        for theme, label in THEME_LABELS.items():
            self.theme_combo.addItem(label, theme.value)
        self.theme_combo.setCurrentIndex(self.theme_combo.findData(prefs.theme.value))
        box = QGroupBox("Preferences")
        grid = QGridLayout(box)
        grid.addWidget(self.confirm_check, 0, 0, 1, 2)
        grid.addWidget(QLabel("Renders at the same time"), 1, 0)
        grid.addWidget(self.concurrency_spin, 1, 1)
        grid.addWidget(QLabel("Appearance"), 2, 0)
        grid.addWidget(self.theme_combo, 2, 1)
        return box

    def typed_key(self, name: KeyName) -> SecretStr | None:
        text = self.edits[name].text().strip()
        return SecretStr(text) if text else None

    def show_result(self, name: KeyName, result: KeyCheck, prefix: str = "") -> None:
        label = self.results[name]
        label.setText(("✔ " if result.ok else "✖ ") + prefix + result.message)
        label.setStyleSheet(f"color: {STATUS_COLORS.get(result.status, '#b91c1c')};")
        self.test_buttons[name].setEnabled(not self._saving)

    def _show_notice(self, html: str) -> None:
        self.notice.setText(html)
        self.notice.show()

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
        name = KeyName(key_name)
        if result is None:  # the key in use changed: its old result no longer applies
            self.results[name].clear()
            return
        assert isinstance(result, KeyCheck)
        source, var = self._checks.source(name)
        where = f"Key from {var}: " if source is KeySource.ENV else "Key in use: "
        self.show_result(name, result, where)

    @Slot(str, object)
    def _on_checks_typed_checked(self, key_name: str, result: object) -> None:
        assert isinstance(result, KeyCheck)
        name = KeyName(key_name)
        self.show_result(name, result, "Typed key (not saved): ")
        source, var = self._checks.source(name)
        if source is KeySource.ENV:
            self.results[name].setText(
                f"{self.results[name].text()} It is not the key in use: {var} wins."
            )

    def _set_busy(self, busy: bool) -> None:
        """While the keyring write runs, Save and the key fields wait; Close never does."""
        self._saving = busy
        self.save_button.setEnabled(not busy)
        for name in KeyName:
            self.edits[name].setEnabled(not busy)
            self.test_buttons[name].setEnabled(not busy)

    @Slot()
    def _on_save_clicked(self) -> None:
        if self._settings is not None:
            self._settings.set_preferences(
                confirm_before_render=self.confirm_check.isChecked(),
                max_concurrency=self.concurrency_spin.value(),
                theme=Theme(self.theme_combo.currentData()),
            )
        keys = {name: key for name in KeyName if (key := self.typed_key(name)) is not None}
        if not keys:
            self.accept()
            return
        self._set_busy(True)
        self._show_notice("Saving the keys to the keyring…")
        self._checks.save(keys)

    @Slot()
    def _on_checks_saved(self) -> None:
        if self._saving:
            self._set_busy(False)
            for edit in self.edits.values():
                edit.clear()
            self.notice.hide()
            self.accept()

    @Slot(str)
    def _on_checks_save_failed(self, message: str) -> None:
        if not self._saving:
            return
        self._set_busy(False)
        if self._checks.keyring_missing:
            self._show_notice(NO_KEYRING)
        else:
            self._show_notice(f"The keys were not saved: {message}")
