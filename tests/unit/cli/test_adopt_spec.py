"""`video adopt` prices and files a video by the project's own /v1/videos endpoint settings."""

from __future__ import annotations

import pytest

from imageai.cli.adopt_commands import adopted_spec
from imageai.core.catalog import default_catalog
from imageai.core.models import Project, ProviderName, SoraSettings
from imageai.core.pricing import price_per_second
from imageai.providers.openai.sora_videos import SoraVideo

GATEWAY = "https://videos-gateway.test/v1"


def _video(model: str, seconds: int = 6, size: str = "720x1280") -> SoraVideo:
    return SoraVideo(
        id="video_x", status="completed", model=model, size=size, seconds=seconds, created_at=1
    )


def _project(**sora: object) -> Project:
    settings = Project().settings.model_copy(update={"sora": SoraSettings.model_validate(sora)})
    return Project(provider=ProviderName.SORA, settings=settings)


def test_a_gateway_model_is_priced_at_the_projects_price_per_second() -> None:
    project = _project(base_url=GATEWAY, model="wan-2.5", usd_per_second=0.12, size="1280x720")
    spec = adopted_spec(default_catalog(), project, _video("wan-2.5"))
    assert (spec.model, spec.seconds, spec.size) == ("wan-2.5", 6, "720x1280")
    assert (spec.endpoint, spec.usd_per_second) == (GATEWAY, 0.12)
    assert price_per_second(default_catalog(), spec) == pytest.approx(0.12)


def test_a_model_the_project_cannot_price_keeps_the_projects_model_and_endpoint() -> None:
    project = _project(base_url=GATEWAY, model="sora-2-pro", size="1792x1024", seconds=8)
    spec = adopted_spec(default_catalog(), project, _video("mystery-model", seconds=12))
    # Not a hard-coded sora-2 on OpenAI's endpoint: the project's model where it is served.
    assert (spec.model, spec.endpoint) == ("sora-2-pro", GATEWAY)
    assert (spec.seconds, spec.size) == (12, "720x1280")


def test_a_dated_model_id_counts_as_its_base_model_on_the_projects_endpoint() -> None:
    project = _project(base_url=GATEWAY)
    spec = adopted_spec(default_catalog(), project, _video("sora-2-2025-10-06", seconds=4))
    assert (spec.model, spec.endpoint, spec.seconds) == ("sora-2", GATEWAY, 4)
