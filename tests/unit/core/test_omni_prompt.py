"""The Omni prompt template renders the scene's audio direction; the request carries it too."""

from __future__ import annotations

from typing import TYPE_CHECKING

from imageai.core import prompts
from imageai.core.catalog import default_catalog
from imageai.core.models import Project, ProviderName, Scene
from imageai.core.render_plan import build_request

if TYPE_CHECKING:
    from pathlib import Path


def test_omni_template_with_style_continuity_and_audio() -> None:
    text = prompts.render(
        "omni_shot_prompt.j2",
        prompt=" A fox runs. ",
        style="ink wash",
        continues_from="A fox sleeps.",
        audio=" No dialogue; waves and wind. ",
    )
    assert text == (
        "A fox runs. Style: ink wash. Continues directly from the previous shot (A fox sleeps.)."
        " Audio: No dialogue; waves and wind."
    )


def test_omni_template_without_audio_adds_nothing() -> None:
    text = prompts.render(
        "omni_shot_prompt.j2", prompt="A fox.", style="", continues_from="", audio=""
    )
    assert text == "A fox."


def test_only_omni_scenes_send_their_audio_direction(tmp_path: Path) -> None:
    omni = Scene(prompt="Surf.", audio_direction="no music")
    sora = Scene(prompt="Sand.", audio_direction="no music", provider=ProviderName.ANIMATIC)
    project = Project(provider=ProviderName.OMNI, scenes=(omni, sora))
    assert prompts.scene_prompt(project, omni) == "Surf. Audio: no music."
    assert prompts.scene_prompt(project, sora) == "Sand."
    request = build_request(default_catalog(), project, omni, tmp_path)
    assert request.prompt == "Surf. Audio: no music."
    assert request.audio_direction == "no music"
    other = build_request(default_catalog(), project, sora, tmp_path)
    assert other.audio_direction == ""
