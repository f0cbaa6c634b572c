"""Prompt templates: one jinja2 Environment with StrictUndefined over the top-level ``templates/``."""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path
from typing import Any

import jinja2

from imageai.core.models import Project, ProviderName, Scene

TEMPLATE_FOR_PROVIDER = {
    ProviderName.SORA: "sora_shot_prompt.j2",
    ProviderName.VEO: "veo_shot_prompt.j2",
    # Omni always generates sound: the scene's audio direction is part of its prompt.
    ProviderName.OMNI: "omni_shot_prompt.j2",
    # The animatic shows the prompt on its title card; it "sends" the plain prompt.
    ProviderName.ANIMATIC: "sora_shot_prompt.j2",
}
TITLE_CARD_TEMPLATE = "animatic_title_card.j2"


def templates_dir() -> Path:
    """``IMAGEAI_TEMPLATES`` when set, else the repository's top-level ``templates/``."""
    override = os.environ.get("IMAGEAI_TEMPLATES")
    if override:
        return Path(override)
    return Path(__file__).resolve().parents[2] / "templates"


@cache
def environment(folder: Path | None = None) -> jinja2.Environment:
    # Plain-text prompts: no HTML escaping. StrictUndefined turns a misspelt variable into an
    # error instead of a silently blank prompt that would still be billed.
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(folder or templates_dir()),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        keep_trailing_newline=False,
        # The app's own templates do not change while it runs; checking each one's mtime at
        # every prompt cost a stat per scene per estimate. A folder of one's own (the
        # IMAGEAI_TEMPLATES override) is still re-read when edited.
        auto_reload=folder is not None or "IMAGEAI_TEMPLATES" in os.environ,
    )


def render(template: str, **context: Any) -> str:
    return environment().get_template(template).render(**context).strip()


def scene_prompt(project: Project, scene: Scene) -> str:
    """The exact text sent to the scene's provider."""
    provider = project.provider_for(scene)
    index = project.index_of(scene.id)
    previous = project.scenes[index - 1].prompt if project.chain_scenes and index > 0 else ""
    return render(
        TEMPLATE_FOR_PROVIDER[provider],
        prompt=scene.prompt,
        style=project.style,
        continues_from=previous,
        audio=scene.audio_direction if provider is ProviderName.OMNI else "",
    )


def title_card_text(project: Project, scene: Scene, seconds: int) -> str:
    return render(
        TITLE_CARD_TEMPLATE,
        title=project.title,
        index=project.index_of(scene.id) + 1,
        seconds=seconds,
        prompt=scene.prompt,
    )
