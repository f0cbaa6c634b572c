"""`with_current_take`: a scene rendered from what it asks for now, for take-status tests."""

from __future__ import annotations

from typing import TYPE_CHECKING

from imageai.core.catalog import default_catalog
from imageai.core.models import RenderState, Take
from imageai.core.render_plan import build_request
from imageai.core.take_state import inputs_fingerprint

if TYPE_CHECKING:
    from pathlib import Path

    from imageai.core.models import Project


def with_current_take(project: Project, scene_id: str, folder: Path, job_id: str) -> Project:
    """``project`` with scene ``scene_id`` done by job ``job_id``: its one take records the
    fingerprint of the scene's request now, so the take is current."""
    scene = project.scene(scene_id)
    provider = project.provider_for(scene)
    request = build_request(default_catalog(), project, scene, folder)
    take = Take(
        job_id=job_id,
        clip_path=f"clips/{scene_id}.mp4",
        provider=provider,
        fingerprint=inputs_fingerprint(request),
    )
    done = scene.model_copy(
        update={
            "state": RenderState.DONE,
            "job_id": job_id,
            "job_provider": provider,
            "clip_path": take.clip_path,
            "takes": (take,),
        }
    )
    return project.with_scene(done)
