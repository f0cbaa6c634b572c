"""A scene's own provider settings: resolved, validated, priced and sent only for that scene."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from imageai.core import project_store
from imageai.core.catalog import default_catalog
from imageai.core.errors import ValidationError
from imageai.core.models import Project, ProviderName, Scene, SceneSettings, VeoSettings
from imageai.core.pricing import estimate, price_per_second
from imageai.core.render_plan import build_request
from imageai.core.shot import resolve, spec_for_settings
from imageai.core.validation import validate_scene

if TYPE_CHECKING:
    from pathlib import Path

SLOW = VeoSettings(model="veo-3.1-generate-001")


def _project(**own: object) -> Project:
    mine = Scene(id="mine", prompt="a", provider=ProviderName.VEO, **own)  # type: ignore[arg-type]
    other = Scene(id="other", prompt="b", provider=ProviderName.VEO)
    return Project(scenes=(mine, other))


def test_own_settings_apply_to_their_scene_only() -> None:
    project = _project(provider_settings=SceneSettings(veo=SLOW))
    assert resolve(project, project.scene("mine")).model == SLOW.model
    assert resolve(project, project.scene("other")).model == VeoSettings().model
    costs = {row.id: row for row in estimate(project, catalog=default_catalog()).scenes}
    rate = price_per_second(default_catalog(), spec_for_settings(ProviderName.VEO, SLOW))
    assert costs["mine"].usd == pytest.approx(rate * SLOW.seconds)
    assert costs["mine"].usd > costs["other"].usd


def test_own_settings_are_ignored_while_the_scene_follows_the_project() -> None:
    """Clearing the override puts the scene back on the project's settings (kept for later)."""
    project = _project(provider_settings=SceneSettings(veo=SLOW))
    following = project.scene("mine").model_copy(update={"provider": None})
    project = project.with_scene(following).model_copy(update={"provider": ProviderName.VEO})
    assert project.settings_for(following) == VeoSettings()
    # Own settings for another provider than the override are not used either.
    omni_only = Scene(prompt="c", provider=ProviderName.VEO, provider_settings=SceneSettings())
    assert project.settings_for(omni_only) == VeoSettings()


def test_own_settings_are_validated_like_the_projects() -> None:
    project = _project(provider_settings=SceneSettings(veo=SLOW.model_copy(update={"seconds": 5})))
    with pytest.raises(ValidationError, match="scene 1"):
        validate_scene(default_catalog(), project, project.scene("mine"))
    row = estimate(project, catalog=default_catalog()).scenes[0]
    assert row.error


def test_the_request_carries_the_scenes_own_settings(tmp_path: Path) -> None:
    project = _project(provider_settings=SceneSettings(veo=SLOW))
    project = project.model_copy(
        update={
            "settings": project.settings.model_copy(update={"veo": VeoSettings(vertex_project="p")})
        }
    )
    project = project.update_scene(
        "mine", provider_settings=SceneSettings(veo=SLOW.model_copy(update={"vertex_project": "p"}))
    )
    request = build_request(default_catalog(), project, project.scene("mine"), tmp_path)
    assert request.spec.model == SLOW.model
    assert isinstance(request.settings, VeoSettings)
    assert request.settings.model == SLOW.model


def test_own_settings_survive_a_save_and_load(tmp_path: Path) -> None:
    project = _project(provider_settings=SceneSettings(veo=SLOW))
    project_store.save(project, tmp_path)
    loaded = project_store.load(tmp_path)
    assert loaded.scene("mine").provider_settings == SceneSettings(veo=SLOW)
    assert loaded.scene("other").provider_settings is None
