"""Apply a verified provider webhook (a video completed or failed) to a project and its ledger."""

from __future__ import annotations

from typing import TYPE_CHECKING

from imageai.core import project_store
from imageai.core.errors import ErrorKind, JobError
from imageai.core.ledger import LEDGER_NAME, ledger_for
from imageai.core.models import Project, RenderState
from imageai.core.project_lock import holding_project

if TYPE_CHECKING:
    from pathlib import Path

#: States in which a scene is still waiting on its remote job.
WAITING = frozenset({RenderState.QUEUED, RenderState.RENDERING, RenderState.CANCELLED})


def apply_video_event(
    project: Project, video_id: str, event_type: str
) -> tuple[Project, list[str]]:
    """The project with scenes waiting on ``video_id`` marked; returns it and their ids.

    ``video.completed`` marks the scene ready to download (the next render fetches it at once,
    without waiting out a poll interval); ``video.failed`` marks it failed.
    """
    changed: list[str] = []
    for scene in project.scenes:
        if scene.job_id != video_id or scene.state not in WAITING:
            continue
        if event_type == "video.completed":
            project = project.update_scene(scene.id, state=RenderState.DOWNLOADING)
        elif event_type == "video.failed":
            error = JobError(
                kind=ErrorKind.UNKNOWN,
                user_message="The provider reported that this video failed (webhook).",
                final=True,
            )
            project = project.update_scene(scene.id, state=RenderState.FAILED, error=error)
        else:
            continue
        changed.append(scene.id)
    return project, changed


def apply_to_folder(folder: Path, video_id: str, event_type: str) -> list[str]:
    """Load, update and save one project folder; records the event in its ledger.

    Raises `ProjectLockedError` while another process renders or remixes the project.
    """
    with holding_project(folder, "webhook serve"):
        project = project_store.load(folder)
        updated, changed = apply_video_event(project, video_id, event_type)
        if changed:
            project_store.save(updated, folder)
            note_in_ledger(folder, updated, changed, video_id, event_type)
    return changed


def note_in_ledger(
    folder: Path, project: Project, scene_ids: list[str], video_id: str, event_type: str
) -> None:
    """Record the webhook's report for each changed scene in the project's ledger."""
    ledger = ledger_for(folder / LEDGER_NAME)
    event = "completed" if event_type == "video.completed" else "failed"
    for scene_id in scene_ids:
        scene = project.scene(scene_id)
        ledger.note(
            scene_id, (scene.job_provider or project.provider).value, video_id, event, "webhook"
        )
