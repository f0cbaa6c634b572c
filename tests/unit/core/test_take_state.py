"""Changed since its take: what a render records on each take, and what makes a scene render again."""

from __future__ import annotations

from typing import TYPE_CHECKING

from imageai.core import render_plan
from imageai.core.catalog import default_catalog
from imageai.core.jobs import Created, Done, JobResult, Queued
from imageai.core.models import Project, ProviderName, RenderState, Scene, Take
from imageai.core.take_state import TakeState, changed_scene_ids, take_status
from imageai.core.takes import current_take, list_takes

if TYPE_CHECKING:
    from pathlib import Path

    from imageai.core.jobs import JobRequest

CATALOG = default_catalog()


def _render(project: Project, folder: Path, scene_id: str, job_id: str) -> Project:
    """One render of the scene through the pure bookkeeping, as the controller applies it."""
    scene = project.scene(scene_id)
    request = render_plan.build_request(CATALOG, project, scene, folder)
    clip = folder / "clips" / f"{request.file_stem}.mp4"
    clip.parent.mkdir(exist_ok=True)
    clip.write_bytes(b"clip " + job_id.encode())
    project = render_plan.apply_event(project, Queued(scene_id=scene_id), request)
    project = render_plan.apply_event(
        project, Created(scene_id=scene_id, job_id=job_id, billed_usd=0.5), request
    )
    result = JobResult(
        scene_id=scene_id, provider=request.provider, job_id=job_id, clip_path=clip, billed_usd=0.5
    )
    return render_plan.apply_event(project, Done(result=result), request)


def _project(provider: ProviderName = ProviderName.OMNI) -> Project:
    return Project(provider=provider, scenes=(Scene(id="s1", prompt="A lighthouse at dusk."),))


def test_a_render_records_a_take_with_its_provider_and_fingerprint(tmp_path: Path) -> None:
    project = _render(_project(), tmp_path, "s1", "job-1")
    scene = project.scene("s1")
    (take,) = scene.takes
    assert take.provider is ProviderName.OMNI
    assert take.fingerprint
    assert take.clip_path == "clips/s1.mp4"
    assert take_status(CATALOG, project, scene, tmp_path).state is TakeState.CURRENT


def test_editing_the_prompt_marks_the_scene_changed(tmp_path: Path) -> None:
    project = _render(_project(), tmp_path, "s1", "job-1")
    edited = project.update_scene("s1", prompt="A lighthouse at dawn.")
    status = take_status(CATALOG, edited, edited.scene("s1"), tmp_path)
    assert status.changed
    assert changed_scene_ids(CATALOG, edited, tmp_path) == {"s1"}
    # ... and the scene's state is still done (the cut keeps its take until a new one).
    assert edited.scene("s1").state is RenderState.DONE


def test_project_style_seed_and_reference_changes_mark_it_changed(tmp_path: Path) -> None:
    project = _render(_project(), tmp_path, "s1", "job-1")
    styled = project.model_copy(update={"style": "noir"})
    assert take_status(CATALOG, styled, styled.scene("s1"), tmp_path).changed
    seeded = project.model_copy(
        update={
            "settings": project.settings.model_copy(
                update={"omni": project.settings.omni.model_copy(update={"seed": 7})}
            )
        }
    )
    assert take_status(CATALOG, seeded, seeded.scene("s1"), tmp_path).changed
    (tmp_path / "refs").mkdir()
    (tmp_path / "refs" / "a.png").write_bytes(b"png")
    referenced = project.update_scene("s1", reference_image="refs/a.png")
    assert take_status(CATALOG, referenced, referenced.scene("s1"), tmp_path).changed


def test_switching_the_provider_marks_an_old_take_without_a_fingerprint_changed(
    tmp_path: Path,
) -> None:
    # A render saved before takes recorded anything: only the scene's job provider says who.
    scene = Scene(
        id="s1",
        prompt="A lighthouse.",
        state=RenderState.DONE,
        job_id="animatic-1",
        job_provider=ProviderName.ANIMATIC,
        clip_path="clips/s1.mp4",
    )
    project = Project(provider=ProviderName.ANIMATIC, scenes=(scene,))
    assert take_status(CATALOG, project, scene, tmp_path).state is TakeState.CURRENT
    moved = project.model_copy(update={"provider": ProviderName.OMNI})
    status = take_status(CATALOG, moved, scene, tmp_path)
    assert status.changed
    assert "Animatic" in status.reason
    assert "Omni" in status.reason


def test_an_unrendered_scene_has_no_take_state(tmp_path: Path) -> None:
    project = _project()
    assert take_status(CATALOG, project, project.scene("s1"), tmp_path).state is TakeState.NONE


def test_render_again_keeps_the_old_take_and_chooses_the_new_one(tmp_path: Path) -> None:
    project = _render(_project(), tmp_path, "s1", "job-1")
    project = project.update_scene("s1", prompt="A lighthouse at dawn.")
    request: JobRequest = render_plan.build_request(CATALOG, project, project.scene("s1"), tmp_path)
    assert request.take == 2
    assert request.file_stem == "s1-take2"
    project = _render(project, tmp_path, "s1", "job-2")
    scene = project.scene("s1")
    first, second = list_takes(scene)
    assert (first.job_id, first.clip_path) == ("job-1", "clips/s1.mp4")
    assert (second.job_id, second.clip_path) == ("job-2", "clips/s1-take2.mp4")
    assert (tmp_path / "clips" / "s1.mp4").read_bytes() == b"clip job-1"  # never overwritten
    assert current_take(scene) == 2
    assert scene.clip_path == "clips/s1-take2.mp4"
    assert scene.billed_usd == 1.0  # each create counted once
    assert not take_status(CATALOG, project, scene, tmp_path).changed


def test_a_render_again_has_its_own_fingerprint_even_with_the_same_inputs(tmp_path: Path) -> None:
    project = _render(_project(), tmp_path, "s1", "job-1")
    again = render_plan.build_request(CATALOG, project, project.scene("s1"), tmp_path)
    first = again.model_copy(update={"take": None})
    assert again.content_fingerprint() == first.content_fingerprint()
    assert again.fingerprint() != first.fingerprint()


def test_the_take_number_survives_a_crash_mid_render(tmp_path: Path) -> None:
    """Queued and created saved, then the process died: the rebuilt request is the same."""
    project = _render(_project(), tmp_path, "s1", "job-1")
    request = render_plan.build_request(CATALOG, project, project.scene("s1"), tmp_path)
    project = render_plan.apply_event(project, Queued(scene_id="s1"), request)
    project = render_plan.apply_event(
        project, Created(scene_id="s1", job_id="job-2", billed_usd=0.5), request
    )
    rebuilt = render_plan.build_request(CATALOG, project, project.scene("s1"), tmp_path)
    assert rebuilt.fingerprint() == request.fingerprint()
    assert rebuilt.resume_job_id == "job-2"
    assert [t.job_id for t in list_takes(project.scene("s1"))] == ["job-1"]


def test_scenes_to_render_adds_only_the_asked_done_scenes() -> None:
    done = Scene(id="a", state=RenderState.DONE, job_id="j", clip_path="clips/a.mp4")
    pending = Scene(id="b")
    project = Project(scenes=(done, pending))
    assert [s.id for s in render_plan.scenes_to_render(project)] == ["b"]
    assert [s.id for s in render_plan.scenes_to_render(project, None, {"a"})] == ["a", "b"]
    assert [s.id for s in render_plan.scenes_to_render(project, [0], {"a"})] == ["a"]


def test_a_take_made_before_takes_had_a_provider_keeps_loading() -> None:
    take = Take.model_validate({"job_id": "j", "clip_path": "clips/a.mp4", "prompt": "x"})
    assert take.provider is None
    assert take.fingerprint is None
