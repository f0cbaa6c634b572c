"""Omni extend as a continuity option: the request's source, its steps, price and resume (pure)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from imageai.core import continuity
from imageai.core.catalog import default_catalog
from imageai.core.errors import ValidationError
from imageai.core.jobs import SourceMode
from imageai.core.ledger import LEDGER_NAME, Ledger
from imageai.core.models import OmniContinuity, Project, ProviderName, RenderState, Scene
from imageai.core.pricing import estimate
from imageai.core.render_plan import build_request

if TYPE_CHECKING:
    from pathlib import Path

EXTEND = OmniContinuity.EXTEND


def _project(folder: Path, first: Scene | None = None, **second: object) -> Project:
    scenes = (
        first or Scene(id="s1", prompt="A lighthouse at dusk."),
        Scene(id="s2", prompt="The beam sweeps on.", continuity=EXTEND, **second),  # type: ignore[arg-type]
        Scene(id="s3", prompt="Morning."),
    )
    return Project(provider=ProviderName.OMNI, scenes=scenes)


def _rendered(folder: Path, provider: ProviderName) -> Scene:
    (folder / "clips").mkdir(parents=True, exist_ok=True)
    (folder / "clips" / "s1.mp4").write_bytes(b"scene one")
    return Scene(
        id="s1",
        prompt="A lighthouse at dusk.",
        state=RenderState.DONE,
        job_id="interactions/one",
        job_provider=provider,
        clip_path="clips/s1.mp4",
    )


def test_extend_of_an_omni_clip_carries_its_job_id_and_clip(tmp_path: Path) -> None:
    project = _project(tmp_path, _rendered(tmp_path, ProviderName.OMNI))
    request = build_request(default_catalog(), project, project.scenes[1], tmp_path)
    assert request.source is not None
    assert request.source.mode is SourceMode.EXTEND
    assert request.source.job_id == "interactions/one"
    assert request.source.clip_path == tmp_path / "clips" / "s1.mp4"
    # A scene without continuity has no source.
    assert build_request(default_catalog(), project, project.scenes[2], tmp_path).source is None


def test_extend_of_another_providers_clip_sends_the_file_only(tmp_path: Path) -> None:
    project = _project(tmp_path, _rendered(tmp_path, ProviderName.VEO))
    request = build_request(default_catalog(), project, project.scenes[1], tmp_path)
    assert request.source is not None
    assert request.source.job_id is None
    assert request.source.clip_path == tmp_path / "clips" / "s1.mp4"


def test_extend_scene_waits_for_its_predecessor_in_the_same_render(tmp_path: Path) -> None:
    project = _project(tmp_path)
    requests = [build_request(default_catalog(), project, s, tmp_path) for s in project.scenes]
    assert requests[1].source is None  # filled in once scene 1 is done
    steps = continuity.render_steps(project, requests)
    assert [(s.request.scene_id, s.after, s.waits) for s in steps] == [
        ("s1", None, False),
        ("s2", "s1", True),
        ("s3", None, False),  # no continuity, no chaining: it renders side by side
    ]


def test_extend_scene_refused_when_its_predecessor_has_no_clip(tmp_path: Path) -> None:
    project = _project(tmp_path)
    request = build_request(default_catalog(), project, project.scenes[1], tmp_path)
    with pytest.raises(ValidationError, match="scene 2 extends scene 1, which has no clip yet"):
        continuity.render_steps(project, [request])


def test_follow_previous_fills_the_source_from_the_finished_predecessor(tmp_path: Path) -> None:
    project = _project(tmp_path)
    request = build_request(default_catalog(), project, project.scenes[1], tmp_path)
    done = project.with_scene(_rendered(tmp_path, ProviderName.OMNI))
    followed, seed = continuity.follow_previous(done, tmp_path, request, "s1", None)
    assert seed is None  # extended, not seeded with a last frame
    assert followed.source is not None
    assert followed.source.job_id == "interactions/one"


def test_extend_on_a_non_omni_scene_is_refused(tmp_path: Path) -> None:
    project = _project(tmp_path, provider=ProviderName.VEO)
    with pytest.raises(ValidationError, match="only Gemini Omni can extend"):
        build_request(default_catalog(), project, project.scenes[1], tmp_path)


def test_extend_on_the_first_scene_is_refused(tmp_path: Path) -> None:
    project = Project(
        provider=ProviderName.OMNI, scenes=(Scene(id="s1", prompt="x", continuity=EXTEND),)
    )
    with pytest.raises(ValidationError, match="first scene has no previous clip"):
        build_request(default_catalog(), project, project.scenes[0], tmp_path)


def test_estimate_counts_the_extend_scene_at_its_own_seconds(tmp_path: Path) -> None:
    project = _project(tmp_path, _rendered(tmp_path, ProviderName.OMNI), duration=4)
    row = estimate(project, ["s2"], default_catalog()).scenes[0]
    assert row.seconds == 4
    assert row.usd == pytest.approx(0.4)  # Omni 1.1 at 720p: $0.10/s


def test_a_created_extend_resumes_instead_of_paying_again(tmp_path: Path) -> None:
    project = _project(tmp_path, _rendered(tmp_path, ProviderName.OMNI))
    ledger = Ledger(tmp_path / LEDGER_NAME)
    request = build_request(default_catalog(), project, project.scenes[1], tmp_path, ledger)
    ledger.intent(request)
    ledger.created(request, "interactions/two", 0.6)  # then the app stopped
    again = build_request(default_catalog(), project, project.scenes[1], tmp_path, ledger)
    assert again.resume_job_id == "interactions/two"
