"""Each prompt template renders with a sample context; misspelt variables fail loudly."""

from __future__ import annotations

import jinja2
import pytest

from imageai.core import prompts
from imageai.core.models import Project, ProviderName, Scene


def test_sora_template() -> None:
    text = prompts.render(
        "sora_shot_prompt.j2", prompt=" A fox ", style="ink wash", continues_from=""
    )
    assert text == "A fox\n\nStyle: ink wash"


def test_veo_template_with_continuity() -> None:
    text = prompts.render(
        "veo_shot_prompt.j2", prompt="A fox runs.", style="", continues_from="A fox sleeps."
    )
    assert text == "A fox runs. Continues directly from the previous shot (A fox sleeps.)."


def test_title_card_template() -> None:
    text = prompts.render(
        prompts.TITLE_CARD_TEMPLATE, title="Heist", index=2, seconds=4, prompt="The vault opens."
    )
    assert text.splitlines()[0] == "Heist · Scene 2 · 4 s"
    assert text.endswith("The vault opens.")


def test_missing_variable_raises() -> None:
    with pytest.raises(jinja2.UndefinedError):
        prompts.render("sora_shot_prompt.j2", prompt="x")


def test_scene_prompt_uses_the_scene_provider_template() -> None:
    first, second = Scene(prompt="Night."), Scene(prompt="Dawn.", provider=ProviderName.VEO)
    project = Project(
        provider=ProviderName.SORA, style="35mm film", chain_scenes=True, scenes=(first, second)
    )
    assert prompts.scene_prompt(project, first) == "Night.\n\nStyle: 35mm film"
    assert prompts.scene_prompt(project, second) == (
        "Dawn. Style: 35mm film. Continues directly from the previous shot (Night.)."
    )
