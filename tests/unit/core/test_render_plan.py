"""Render bookkeeping: scene selection, stale job ids, scenes whose outcome is unknown."""

from __future__ import annotations

from typing import TYPE_CHECKING

from imageai.core.jobs import Queued
from imageai.core.models import Project, ProviderName, RenderState, Scene
from imageai.core.render_plan import apply_event, held_back, scenes_to_render
from tests.unit.core.test_job_loop import make_request

if TYPE_CHECKING:
    from pathlib import Path


def test_outcome_unknown_scenes_render_only_when_named() -> None:
    todo = Scene(prompt="a")
    unknown = Scene(prompt="b", state=RenderState.OUTCOME_UNKNOWN)
    done = Scene(prompt="c", state=RenderState.DONE)
    project = Project(scenes=(todo, unknown, done))
    assert scenes_to_render(project) == [todo]
    assert held_back(project) == [2]
    assert scenes_to_render(project, [1, 2]) == [unknown]
    assert held_back(project, [1]) == []


def test_queued_drops_a_job_id_left_from_an_earlier_render(tmp_path: Path) -> None:
    """Else a crash before the new create would resume the old job for the new prompt."""
    old = Scene(
        id="s1",
        prompt="a cat",
        state=RenderState.CANCELLED,
        job_id="video_OLD",
        job_provider=ProviderName.SORA,
    )
    project = apply_event(Project(scenes=(old,)), Queued(scene_id="s1"), make_request(tmp_path))
    scene = project.scene("s1")
    assert (scene.state, scene.job_id, scene.job_provider) == (RenderState.QUEUED, None, None)
    resumed = make_request(tmp_path, resume_job_id="video_OLD")
    scene = apply_event(Project(scenes=(old,)), Queued(scene_id="s1"), resumed).scene("s1")
    assert scene.job_id == "video_OLD"
