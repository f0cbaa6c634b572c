"""Importing a script whose images lie outside its folder: only from a folder the user chooses."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from PIL import Image
from PySide6.QtWidgets import QFileDialog, QMessageBox

if TYPE_CHECKING:
    from pathlib import Path

    from imageai.app import AppParts

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


def _script_with_outside_image(tmp_path: Path) -> tuple[Path, Path]:
    images = tmp_path / "images"
    images.mkdir()
    Image.new("RGB", (64, 36), (20, 40, 90)).save(images / "dusk.png")
    scripts = tmp_path / "scripts"
    scripts.mkdir()
    script = scripts / "film.txt"
    script.write_text("A lighthouse at dusk. [ref: ../images/dusk.png]\n\nThe lamp turns.\n")
    return script, images


def test_an_image_outside_the_script_folder_comes_from_the_folder_the_user_chooses(
    app_parts: AppParts, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window, ws = app_parts.window, app_parts.workspace
    assert window.save_as(tmp_path / "project")
    script, images = _script_with_outside_image(tmp_path)
    asked: list[str] = []

    def question(_parent: object, _title: str, text: str, *_args: object) -> object:
        asked.append(text)
        return QMessageBox.StandardButton.Ok

    monkeypatch.setattr(QMessageBox, "question", question)
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *_a: str(images))

    assert window.import_script(script)

    assert len(asked) == 1 and "line 1" in asked[0]
    scenes = ws.document.project.scenes
    assert len(scenes) == 2
    assert scenes[0].reference_image is not None
    assert (tmp_path / "project" / scenes[0].reference_image).is_file()


def test_declining_to_choose_a_folder_imports_nothing(
    app_parts: AppParts, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window, ws = app_parts.window, app_parts.workspace
    assert window.save_as(tmp_path / "project")
    script, _images = _script_with_outside_image(tmp_path)
    monkeypatch.setattr(QMessageBox, "question", lambda *_a: QMessageBox.StandardButton.Cancel)

    assert not window.import_script(script)

    assert ws.document.project.scenes == ()
    assert not list((tmp_path / "project" / "refs").glob("*"))
