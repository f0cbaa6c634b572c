"""Property tests: any project.json loads as a valid project or the clear error, changing nothing."""

from __future__ import annotations

import contextlib
import io
import json
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from imageai.cli.main import main
from imageai.core import project_store
from imageai.core.errors import ProjectFileError
from imageai.core.models import Project, RenderState, Scene, Take
from imageai.core.project_files import is_valid_id

if TYPE_CHECKING:
    from collections.abc import Iterator

PROPS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

HOSTILE_STRINGS = [
    "../../../x/evil",
    "$(touch pwned)",
    "a/b",
    "..",
    "",
    "999",
    "clips/../../x",
    "/etc/passwd",
    "NaN",
    "\x00",
    "s1",
]
json_leaf = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30)
    | st.sampled_from(HOSTILE_STRINGS)
)
json_value = st.recursive(
    json_leaf,
    lambda inner: (
        st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=12), inner, max_size=5)
    ),
    max_leaves=40,
)

VALID = Project(
    title="Lighthouse",
    scenes=(
        Scene(id="s1", prompt="a fox", duration=4),
        Scene(
            id="s2",
            prompt="a cat",
            state=RenderState.DONE,
            clip_path="clips/s2.mp4",
            takes=(Take(job_id="video_1", clip_path="clips/s2.mp4"),),
        ),
    ),
).model_dump(mode="json")

#: Where in a valid project a hostile value is put: the top, a scene, a take, the settings.
PATHS: list[tuple[Any, ...]] = [
    (),
    ("scenes",),
    ("scenes", 0),
    ("scenes", 1, "takes", 0),
    ("settings",),
    ("settings", "sora"),
]


@contextlib.contextmanager
def _folder() -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as name:
        root = Path(name)
        (root / "outside.txt").write_text("untouched")
        yield root


def _outside(root: Path, folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in root.rglob("*")
        if p.is_file() and not p.is_relative_to(folder)
    }


def _load_checked(root: Path, data: bytes) -> Project | None:
    """Load ``data`` as project.json; assert nothing changed and a result is sound."""
    folder = root / "p"
    folder.mkdir(exist_ok=True)
    (folder / "project.json").write_bytes(data)
    before = _outside(root, folder)
    listing = sorted(p.name for p in folder.iterdir())
    try:
        project = project_store.load(folder)
    except ProjectFileError:
        project = None
    assert (folder / "project.json").read_bytes() == data
    assert sorted(p.name for p in folder.iterdir()) == listing
    assert _outside(root, folder) == before
    if project is not None:
        assert all(is_valid_id(scene.id) for scene in project.scenes)
        assert len({scene.id for scene in project.scenes}) == len(project.scenes)
    return project


@PROPS
@given(st.binary(max_size=2000))
def test_any_bytes_load_or_are_the_clear_error(data: bytes) -> None:
    with _folder() as root:
        _load_checked(root, data)


@PROPS
@given(json_value)
def test_any_json_loads_or_is_the_clear_error(value: object) -> None:
    with _folder() as root:
        _load_checked(root, json.dumps(value).encode())


def _put(data: dict[str, Any], path: tuple[Any, ...], key: str, value: object) -> None:
    node: Any = data
    for step in path:
        node = node[step]
    if isinstance(node, list):
        node.append({key: value})  # one more scene made of a hostile field
    else:
        node[key] = value


@PROPS
@given(
    st.sampled_from(PATHS),
    st.sampled_from(["id", "schema_version", "clip_path", "scenes", "job_id", "model", "x"])
    | st.text(max_size=12),
    json_value,
)
def test_a_valid_project_with_one_hostile_field_loads_or_is_the_clear_error(
    path: tuple[Any, ...], key: str, value: object
) -> None:
    data = json.loads(json.dumps(VALID))
    _put(data, path, key, value)
    with _folder() as root:
        _load_checked(root, json.dumps(data).encode())


@PROPS
@given(st.integers(min_value=1, max_value=5000))
def test_deep_nesting_is_the_clear_error(depth: int) -> None:
    with _folder() as root:
        _load_checked(root, ("[" * depth + "]" * depth).encode())
        _load_checked(root, ('{"scenes":' * depth + "1" + "}" * depth).encode())


@settings(max_examples=30, deadline=None)
@given(json_value)
def test_cli_status_exits_0_or_2(value: object) -> None:
    with _folder() as root:
        folder = root / "p"
        folder.mkdir()
        data = json.dumps(value).encode()
        (folder / "project.json").write_bytes(data)
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            code = main(["video", "status", str(folder), "--json"])
        assert code in (0, 2)
        assert (folder / "project.json").read_bytes() == data
