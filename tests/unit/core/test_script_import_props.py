"""Property tests: any script text gives scenes or the clear error, writes only into the project."""

from __future__ import annotations

import contextlib
import io
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from imageai.cli.main import main
from imageai.core.errors import ValidationError
from imageai.core.project_files import is_valid_id
from imageai.core.script_import import ScriptScene, import_script, parse_script

if TYPE_CHECKING:
    from collections.abc import Iterator

PROPS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

#: Pieces a hostile or careless script is made of: tags, paths out, shell, odd numbers.
FRAGMENTS = [
    "[",
    "]",
    "s]",
    "[4s]",
    "[-4s]",
    "[0s]",
    "[2.5s]",
    "[" + "9" * 400 + "s]",
    "[ref: ",
    "[ref: ok.png]",
    "[ref: ../outside.png]",
    "[ref: /etc/passwd]",
    "[ref: /proc/self/environ]",
    "[ref: link.png]",
    "[ref: notes.png]",
    "[ref: missing.png]",
    "[ref: " + "a/" * 200 + "]",
    "$(touch pwned)",
    "`id`",
    "../../",
    "# Heading",
    "\n",
    "\n\n",
    "\r\n",
    " ",
    "\t",
    "\x00",
    "A fox runs.",
    "é",
    "\u202e",
]

hostile_text = st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=20), max_size=40).map("".join)


def _parsed(text: str) -> tuple[list[ScriptScene], ValidationError | None]:
    try:
        return parse_script(text), None
    except ValidationError as exc:  # the clear error; anything else fails the test
        return [], exc


def _check(scenes: list[ScriptScene]) -> None:
    for scene in scenes:
        assert scene.prompt and scene.prompt == scene.prompt.strip()
        assert scene.duration is None or scene.duration > 0
        assert scene.line >= 1


@PROPS
@given(st.text())
def test_any_text_parses_or_is_the_clear_error(text: str) -> None:
    scenes, error = _parsed(text)
    if error is not None:
        assert error.field == "duration" and "line " in error.message
        return
    _check(scenes)


@PROPS
@given(hostile_text)
def test_hostile_text_parses_or_is_the_clear_error(text: str) -> None:
    scenes, error = _parsed(text)
    if error is not None:
        assert "line " in error.message
        return
    _check(scenes)
    for scene in scenes:
        assert "[-4s]" not in scene.prompt and "[0s]" not in scene.prompt


@contextlib.contextmanager
def _workspace() -> Iterator[Path]:
    """A script folder with an image, a non-image, a link out; an outside image; a project."""
    with tempfile.TemporaryDirectory() as name:
        root = Path(name)
        scripts = root / "scripts"
        scripts.mkdir()
        Image.new("RGB", (8, 8), "red").save(scripts / "ok.png")
        (scripts / "notes.png").write_text("KEY=sk-secret\n")
        Image.new("RGB", (8, 8), "blue").save(root / "outside.png")
        if os.name == "posix":
            (scripts / "link.png").symlink_to(root / "outside.png")
        yield root


def _snapshot(root: Path, project: Path) -> dict[str, bytes]:
    """Every file under ``root`` but inside ``project``, with its bytes."""
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in root.rglob("*")
        if p.is_file() and not p.is_symlink() and not p.is_relative_to(project)
    }


@PROPS
@given(hostile_text)
def test_import_gives_scenes_or_the_clear_error_and_writes_only_refs(text: str) -> None:
    with _workspace() as root:
        script = root / "scripts" / "script.md"
        script.write_text(text, encoding="utf-8", errors="surrogatepass")
        project = root / "project"
        before = _snapshot(root, project)
        try:
            scenes = import_script(script, project)
        except ValidationError:
            scenes = []
        assert _snapshot(root, project) == before  # the script and every other file unchanged
        written = [p for p in project.rglob("*") if p.is_file()] if project.exists() else []
        assert all(p.parent == project / "refs" for p in written)
        for scene in scenes:
            assert is_valid_id(scene.id)
            if scene.reference_image is not None:
                assert (project / scene.reference_image).parent == project / "refs"
                assert (project / scene.reference_image).read_bytes() == (
                    root / "scripts" / "ok.png"
                ).read_bytes()


@settings(max_examples=25, deadline=None)
@given(hostile_text)
def test_cli_init_exits_0_or_2_and_leaves_nothing_on_failure(text: str) -> None:
    with _workspace() as root:
        script = root / "scripts" / "script.md"
        script.write_text(text, encoding="utf-8", errors="surrogatepass")
        folder = root / "new"
        before = _snapshot(root, folder)

        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            code = main(
                ["video", "init", str(folder), "--provider", "animatic", "--script", str(script)]
            )

        assert code in (0, 2)
        assert folder.exists() == (code == 0)
        assert _snapshot(root, folder) == before
