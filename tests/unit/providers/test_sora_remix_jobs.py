"""The remix steps the CLI and the GUI share: plan, budget, take numbers, the variation job."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any, cast

import pytest

from imageai.core.catalog import default_catalog
from imageai.core.errors import (
    BudgetExceededError,
    ErrorKind,
    JobError,
    ProviderError,
    ValidationError,
)
from imageai.core.ledger import LEDGER_NAME, Ledger
from imageai.core.models import Project, ProviderName, RenderState, Scene
from imageai.core.shot import ShotSpec
from imageai.providers.sora_remix import RemixOutcome
from imageai.providers.sora_remix_jobs import (
    check_budget,
    check_remixable,
    clean_prompts,
    free_take_number,
    plan_remix,
    remix_variation,
)
from imageai.providers.sora_videos import SoraVideo

if TYPE_CHECKING:
    from pathlib import Path

    from imageai.providers.sora_client import SoraClient

SPEC = ShotSpec(provider=ProviderName.SORA, model="sora-2", seconds=4, size="1280x720")
SCENE = Scene(
    id="s1",
    prompt="p",
    state=RenderState.DONE,
    job_id="video_src",
    job_provider=ProviderName.SORA,
    clip_path="clips/s1.mp4",
)


class ScriptedSora:
    """Answers `get_video` with ``video``; any create is recorded and refused."""

    def __init__(self, video: SoraVideo, error: JobError | None = None) -> None:
        self.video = video
        self.error = error
        self.remixed: list[str] = []

    def get_video(self, job_id: str) -> SoraVideo:
        return self.video

    def remix_batch(self, source: str, prompts: list[str]) -> list[RemixOutcome]:
        self.remixed += prompts
        assert self.error is not None
        return [RemixOutcome(source_job_id=source, prompt=p, error=self.error) for p in prompts]


def _video(model: str = "sora-2", size: str = "1280x720") -> SoraVideo:
    return SoraVideo(
        id="video_src", status="completed", model=model, size=size, seconds=4, created_at=1
    )


def _plan(tmp_path: Path, prompts: list[str]) -> Any:
    project = Project(scenes=(SCENE,))
    ledger = Ledger(tmp_path / LEDGER_NAME)
    return plan_remix(default_catalog(), project, SCENE, tmp_path, prompts, SPEC, ledger), ledger


def test_only_rendered_sora_scenes_and_real_prompts_pass() -> None:
    project = Project(scenes=(SCENE,))
    check_remixable(project, SCENE, 1)
    veo = SCENE.model_copy(update={"job_provider": ProviderName.VEO})
    with pytest.raises(ValidationError, match="scene 2 was rendered with veo"):
        check_remixable(project, veo, 2)
    with pytest.raises(ValidationError, match="change prompt"):
        clean_prompts(["At dawn.", "  "])


def test_plan_prices_new_variations_and_the_budget_guards_them(tmp_path: Path) -> None:
    plan, ledger = _plan(tmp_path, ["a", "b"])
    assert plan.summary() == "2 new variation(s) x $0.40 = $0.80"
    check_budget(plan, ledger, 0.8)
    with pytest.raises(BudgetExceededError):
        check_budget(plan, ledger, 0.79)


def test_take_numbers_skip_existing_files_and_reserved_ones(tmp_path: Path) -> None:
    (tmp_path / "clips").mkdir()
    (tmp_path / "clips" / "s1-take2.mp4").write_bytes(b"x")
    assert free_take_number(SCENE, tmp_path) == 3
    assert free_take_number(SCENE, tmp_path, reserved=[3, 4]) == 5


def test_a_source_dearer_than_the_estimate_creates_nothing(tmp_path: Path) -> None:
    plan, ledger = _plan(tmp_path, ["a"])
    client = ScriptedSora(_video("sora-2-pro", "1792x1024"))
    job = remix_variation(
        plan, 0, cast("SoraClient", client), default_catalog(), ledger, 2, threading.Event()
    )
    with pytest.raises(ValidationError, match=r"more than the \$0\.40 shown"):
        list(job)
    assert client.remixed == []
    assert ledger.entries() == []


def test_a_refused_create_is_raised_with_its_kind_and_recorded(tmp_path: Path) -> None:
    plan, ledger = _plan(tmp_path, ["a"])
    error = JobError(kind=ErrorKind.QUOTA, user_message="No quota left.", final=True)
    client = ScriptedSora(_video(), error)
    job = remix_variation(
        plan, 0, cast("SoraClient", client), default_catalog(), ledger, 2, threading.Event()
    )
    with pytest.raises(ProviderError, match="No quota left") as caught:
        list(job)
    assert JobError.from_exception(caught.value).kind is ErrorKind.QUOTA
    assert [e.event for e in ledger.entries()] == ["intent", "failed"]


def test_a_remix_created_before_an_interruption_is_resumed_not_paid_again(
    tmp_path: Path,
) -> None:
    plan, ledger = _plan(tmp_path, ["a", "b"])
    ledger.intent(plan.requests[1])
    ledger.created(plan.requests[1], "video_b", 0.4)
    again, _ = _plan(tmp_path, ["a", "b"])
    assert again.resumed == (None, "video_b")
    assert again.summary() == "1 new variation(s) x $0.40 = $0.40, 1 resumed"
