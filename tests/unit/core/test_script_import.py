"""Scripts become scenes: one per paragraph, with duration and reference tags."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from PIL import Image

from imageai.core.errors import ValidationError
from imageai.core.script_import import import_script, parse_script

if TYPE_CHECKING:
    from pathlib import Path


def test_paragraphs_and_tags() -> None:
    text = (
        "# Act one\n\nA lighthouse at dusk. [8s]\n\n"
        "The keeper climbs\nthe stairs. [ref: images/stairs.png] [4s]\n\n\n"
        "Fade out."
    )
    assert [(s.prompt, s.duration, s.ref) for s in parse_script(text)] == [
        ("A lighthouse at dusk.", 8, None),
        ("The keeper climbs the stairs.", 4, "images/stairs.png"),
        ("Fade out.", None, None),
    ]


def test_fractional_duration_is_refused() -> None:
    with pytest.raises(ValidationError, match="whole number"):
        parse_script("A shot. [2.5s]")


def test_reference_is_copied_into_refs(tmp_path: Path) -> None:
    (tmp_path / "images").mkdir()
    Image.new("RGB", (64, 32), "red").save(tmp_path / "images" / "door.png")
    script = tmp_path / "s.md"
    script.write_text("A red door. [ref: images/door.png]\n")
    project = tmp_path / "p"
    scenes = import_script(script, project)
    assert scenes[0].reference_image is not None
    assert scenes[0].reference_image.startswith("refs/door-")
    assert (project / scenes[0].reference_image).is_file()


def test_missing_reference_names_the_path(tmp_path: Path) -> None:
    script = tmp_path / "s.txt"
    script.write_text("A door. [ref: nope.png]")
    with pytest.raises(ValidationError, match=r"nope\.png does not exist"):
        import_script(script, tmp_path / "p")


def test_empty_script(tmp_path: Path) -> None:
    script = tmp_path / "s.txt"
    script.write_text("\n\n# Title only\n")
    with pytest.raises(ValidationError, match="no paragraphs"):
        import_script(script, tmp_path / "p")
