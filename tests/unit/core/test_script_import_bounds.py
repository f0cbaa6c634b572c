"""A script's ``[ref: ...]`` is an image in its folder; durations are whole seconds; huge images."""

from __future__ import annotations

import os
import stat
from typing import TYPE_CHECKING

import pytest
from PIL import Image

from imageai.core.errors import ValidationError
from imageai.core.imaging import MAX_BYTES, MAX_PIXELS, decode_image, fit_to_file, open_image
from imageai.core.models import FitMode
from imageai.core.script_import import copy_reference, import_script, parse_script

if TYPE_CHECKING:
    from pathlib import Path


def _script(folder: Path, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    script = folder / "script.md"
    script.write_text(text)
    return script


@pytest.mark.parametrize("ref", ["/proc/self/environ", "/etc/shadow", "/etc/passwd", "../x.png"])
def test_reference_outside_the_script_folder_is_refused_naming_the_line(
    tmp_path: Path, ref: str
) -> None:
    Image.new("RGB", (8, 8)).save(tmp_path / "x.png")
    script = _script(tmp_path / "scripts", f"# Title\n\nA door.\n\nA fox. [ref: {ref}]\n")
    project = tmp_path / "p"

    with pytest.raises(ValidationError, match=r"line 5: \[ref: .*\]: "):
        import_script(script, project)

    assert not (project / "refs").exists() or list((project / "refs").iterdir()) == []


@pytest.mark.skipif(os.name != "posix", reason="symlinks need privileges on Windows")
def test_link_to_a_private_image_elsewhere_is_refused(tmp_path: Path) -> None:
    private = tmp_path / "private" / "me.png"
    private.parent.mkdir()
    Image.new("RGB", (8, 8)).save(private)
    folder = tmp_path / "scripts"
    script = _script(folder, "A fox. [ref: me.png]\n")
    (folder / "me.png").symlink_to(private)

    with pytest.raises(ValidationError, match=r"line 1.*elsewhere"):
        import_script(script, tmp_path / "p")


def test_reference_in_a_chosen_folder_is_allowed(tmp_path: Path) -> None:
    chosen = tmp_path / "pictures"
    chosen.mkdir()
    Image.new("RGB", (8, 8), "red").save(chosen / "fox.png")
    script = _script(tmp_path / "scripts", f"A fox. [ref: {chosen / 'fox.png'}]\n")

    scenes = import_script(script, tmp_path / "p", allowed_dirs=[chosen])

    assert scenes[0].reference_image is not None
    assert scenes[0].reference_image.startswith("refs/fox-")


def test_a_file_that_is_not_an_image_is_refused_naming_the_line(tmp_path: Path) -> None:
    folder = tmp_path / "scripts"
    script = _script(folder, "One.\n\nTwo. [ref: notes.png]\n")
    (folder / "notes.png").write_text("OPENAI_API_KEY=sk-secret\n")

    with pytest.raises(ValidationError, match=r"line 3: .*not a readable image"):
        import_script(script, tmp_path / "p")


@pytest.mark.skipif(os.name != "posix", reason="POSIX modes")
def test_copied_reference_is_not_world_readable(tmp_path: Path) -> None:
    folder = tmp_path / "scripts"
    script = _script(folder, "A fox. [ref: fox.png]\n")
    Image.new("RGB", (8, 8)).save(folder / "fox.png")
    os.chmod(folder / "fox.png", 0o600)

    scenes = import_script(script, tmp_path / "p")

    mode = (tmp_path / "p" / str(scenes[0].reference_image)).stat().st_mode
    assert not mode & (stat.S_IRGRP | stat.S_IROTH)


def test_reference_name_from_a_hostile_file_name_is_plain(tmp_path: Path) -> None:
    folder = tmp_path / "scripts"
    Image.new("RGB", (8, 8)).save(folder.mkdir() or folder / "$(touch x) ; rm.png")
    script = _script(folder, "A fox. [ref: $(touch x) ; rm.png]\n")

    scenes = import_script(script, tmp_path / "p")

    assert scenes[0].reference_image is not None
    assert "$" not in scenes[0].reference_image
    assert " " not in scenes[0].reference_image


@pytest.mark.parametrize("tag", ["[-4s]", "[0s]", "[2.5s]", "[" + "9" * 400 + "s]", "[+4 sec]"])
def test_a_bad_duration_tag_is_refused_naming_its_line(tag: str) -> None:
    with pytest.raises(ValidationError, match=r"line 3: .* whole number of seconds"):
        parse_script(f"First.\n\nA shot. {tag}\n")


def test_brackets_that_are_not_durations_stay_in_the_prompt() -> None:
    assert parse_script("Cheers [cheers] and [thanks]. [4s]")[0][:2] == (
        "Cheers [cheers] and [thanks].",
        4,
    )


def _png_header(path: Path, width: int, height: int) -> None:
    # A real PNG would take gigabytes; Pillow reads the size from the header alone.
    Image.new("1", (width, height)).save(path, format="PNG", optimize=False)


@pytest.mark.parametrize(
    ("size", "said"),
    [((20000, 20000), "more than 178 megapixels"), ((12000, 12000), "is 12000x12000 pixels")],
)
def test_a_huge_reference_is_refused_stating_the_limit(
    tmp_path: Path, size: tuple[int, int], said: str
) -> None:
    path = tmp_path / "huge.png"
    _png_header(path, *size)

    with pytest.raises(ValidationError, match=rf"{said}.* at most 40 megapixels"):
        open_image(path)
    with pytest.raises(ValidationError, match="at most 40 megapixels"):
        decode_image(path.read_bytes(), "huge.png")
    assert MAX_PIXELS == 40_000_000


def test_a_huge_reference_in_a_script_is_refused_before_copying(tmp_path: Path) -> None:
    folder = tmp_path / "scripts"
    folder.mkdir()
    _png_header(folder / "huge.png", 12000, 12000)
    script = _script(folder, "A fox. [ref: huge.png]\n")

    with pytest.raises(ValidationError, match=r"line 1: .*at most 40 megapixels"):
        import_script(script, tmp_path / "p")


def test_copy_reference_decodes_the_image(tmp_path: Path) -> None:
    bad = tmp_path / "environ.png"
    bad.write_bytes(b"HOME=/root\0PATH=/usr/bin\0")

    with pytest.raises(ValidationError, match="not a readable image"):
        copy_reference(bad, tmp_path / "p")


@pytest.mark.skipif(os.name != "posix", reason="symlinks need privileges on Windows")
def test_a_linked_fitted_reference_is_rewritten_not_sent(tmp_path: Path) -> None:
    source = tmp_path / "door.png"
    Image.new("RGB", (64, 32), "red").save(source)
    out_dir = tmp_path / "refs" / "fitted"
    first = fit_to_file(source, (32, 32), FitMode.CROP, out_dir)
    private = tmp_path / "private.png"
    Image.new("RGB", (32, 32), "blue").save(private)
    first.unlink()
    first.symlink_to(private)

    again = fit_to_file(source, (32, 32), FitMode.CROP, out_dir)

    assert not again.is_symlink()
    with Image.open(again) as img:
        assert img.getpixel((0, 0)) == (255, 0, 0)
    with Image.open(private) as img:
        assert img.getpixel((0, 0)) == (0, 0, 255)


def test_a_huge_reference_file_is_not_read(tmp_path: Path) -> None:
    path = tmp_path / "huge.png"
    with path.open("wb") as out:
        out.truncate(MAX_BYTES + 1)  # sparse: no disk used

    with pytest.raises(ValidationError, match="at most 100 MB"):
        fit_to_file(path, (32, 32), FitMode.CROP, tmp_path / "fitted")
    with pytest.raises(ValidationError, match="at most 100 MB"):
        open_image(path)


def test_a_reference_holding_a_nul_is_refused_naming_the_line(tmp_path: Path) -> None:
    # Path.resolve raises ValueError (not OSError) on an embedded NUL.
    script = _script(tmp_path, "A fox. [ref: a\x00.png]\n")

    with pytest.raises(ValidationError, match=r"line 1: \[ref: "):
        import_script(script, tmp_path / "p")
