"""Nothing unknown is silently accepted: newer or odd schema versions, endless prompts."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest

from imageai.core import project_store
from imageai.core.catalog import default_catalog
from imageai.core.errors import ProjectFileError, ValidationError
from imageai.core.models import OmniSettings, Project, ProviderName, ProviderSettings, Scene
from imageai.core.render_plan import build_request
from imageai.core.validation import validate_scene

if TYPE_CHECKING:
    from pathlib import Path


@pytest.mark.parametrize(
    ("version", "said"),
    [
        ("999", 'schema_version must be a whole number, not "999"'),
        ("1", 'schema_version must be a whole number, not "1"'),
        (1.0, "schema_version must be a whole number, not 1.0"),
        (True, "schema_version must be a whole number, not true"),
        (None, "schema_version must be a whole number, not null"),
        (999, "made by a newer ImageAI (schema 999"),
        (0, "schema_version 0 is not a known version"),
    ],
)
def test_odd_or_newer_schema_is_refused_and_the_file_never_rewritten(
    tmp_path: Path, version: object, said: str
) -> None:
    project_store.save(Project(scenes=(Scene(id="s1", prompt="a fox"),)), tmp_path)
    data = json.loads((tmp_path / "project.json").read_text())
    data["schema_version"] = version
    (tmp_path / "project.json").write_text(json.dumps(data))
    before = (tmp_path / "project.json").read_bytes()

    with pytest.raises(ProjectFileError, match=said.replace("(", r"\(")):
        project_store.load(tmp_path)

    assert (tmp_path / "project.json").read_bytes() == before


def test_every_model_in_the_table_has_a_prompt_limit_with_its_source() -> None:
    for info in default_catalog().models:
        assert info.max_prompt_chars, info.id
        assert info.prompt_limit_source.strip(), info.id


def _project(provider: ProviderName, prompt: str) -> Project:
    settings = ProviderSettings(omni=OmniSettings())
    return Project(provider=provider, settings=settings, scenes=(Scene(id="s1", prompt=prompt),))


@pytest.mark.parametrize("provider", [ProviderName.ANIMATIC, ProviderName.OMNI])
def test_an_endless_prompt_is_refused_before_any_call(
    tmp_path: Path, provider: ProviderName
) -> None:
    project = _project(provider, "a fox " * 1_000_000)

    with pytest.raises(
        ValidationError, match=r"scene 1: the prompt is [\d,]+ characters; .* at most"
    ):
        build_request(default_catalog(), project, project.scenes[0], tmp_path)


def test_the_limit_comes_from_the_table(tmp_path: Path) -> None:
    catalog = default_catalog()
    info = catalog.get(ProviderName.OMNI, OmniSettings().model)
    assert info is not None and info.max_prompt_chars is not None
    limit = info.max_prompt_chars
    fits = _project(ProviderName.OMNI, "x" * (limit - 200))
    validate_scene(catalog, fits, fits.scenes[0])

    over = _project(ProviderName.OMNI, "x" * (limit + 1))
    with pytest.raises(ValidationError, match=f"at most {limit:,}"):
        validate_scene(catalog, over, over.scenes[0])
