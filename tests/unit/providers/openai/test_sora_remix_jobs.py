"""The remix steps the CLI and the GUI share: plan, budget, take numbers, the variation job."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any, cast

import pytest

from imageai.core import takes
from imageai.core.budget import check_new_creates
from imageai.core.catalog import default_catalog
from imageai.core.errors import (
    BudgetExceededError,
    ErrorKind,
    JobError,
    ProviderError,
    ValidationError,
)
from imageai.core.jobs import StartedJob
from imageai.core.ledger import LEDGER_NAME, Ledger
from imageai.core.models import (
    Project,
    ProviderName,
    ProviderSettings,
    RenderState,
    Scene,
    SoraSettings,
)
from imageai.core.remix_plan import clean_prompts
from imageai.core.shot import ShotSpec
from imageai.core.takes import free_take_number
from imageai.providers.openai.sora_remix import RemixOutcome
from imageai.providers.openai.sora_remix_jobs import (
    check_remixable,
    create_remixes,
    plan_remix,
    remix_variation,
)
from imageai.providers.openai.sora_videos import SoraVideo

if TYPE_CHECKING:
    from pathlib import Path

    from imageai.providers.openai.sora_client import SoraClient

#: OpenAI retired Sora 2; remixes go to a compatible endpoint that still serves it.
GATEWAY = "https://videos-gateway.test/v1"
SPEC = ShotSpec(
    provider=ProviderName.SORA, model="sora-2", seconds=4, size="1280x720", endpoint=GATEWAY
)
SETTINGS = ProviderSettings(sora=SoraSettings(base_url=GATEWAY))
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

    def remix_batch(
        self, source: str, prompts: list[str], exclude: frozenset[str] = frozenset()
    ) -> list[RemixOutcome]:
        self.remixed += prompts
        assert self.error is not None
        return [RemixOutcome(source_job_id=source, prompt=p, error=self.error) for p in prompts]


def _video(model: str = "sora-2", size: str = "1280x720") -> SoraVideo:
    return SoraVideo(
        id="video_src", status="completed", model=model, size=size, seconds=4, created_at=1
    )


def _plan(tmp_path: Path, prompts: list[str]) -> Any:
    project = Project(settings=SETTINGS, scenes=(SCENE,))
    ledger = Ledger(tmp_path / LEDGER_NAME)
    return plan_remix(default_catalog(), project, SCENE, tmp_path, prompts, SPEC, ledger), ledger


def test_only_rendered_sora_scenes_and_real_prompts_pass() -> None:
    project = Project(settings=SETTINGS, scenes=(SCENE,))
    check_remixable(project, SCENE, 1)
    veo = SCENE.model_copy(update={"job_provider": ProviderName.VEO})
    with pytest.raises(ValidationError, match="scene 2 was rendered with veo"):
        check_remixable(project, veo, 2)
    with pytest.raises(ValidationError, match="change prompt"):
        clean_prompts(["At dawn.", "  "])


def test_plan_prices_new_variations_and_the_budget_guards_them(tmp_path: Path) -> None:
    plan, ledger = _plan(tmp_path, ["a", "b"])
    assert plan.summary() == "2 new variation(s) x $0.40 = $0.80"
    project = Project(settings=SETTINGS, scenes=(SCENE,))
    check_new_creates(plan.cost_usd, ledger, project, default_catalog(), 0.8)
    with pytest.raises(BudgetExceededError):
        check_new_creates(plan.cost_usd, ledger, project, default_catalog(), 0.79)


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


class InterruptedSora:
    """Creates ``video_<prompt>`` per prompt; the create of ``crash_on`` is interrupted."""

    def __init__(self, crash_on: str, lost: dict[str, str] | None = None) -> None:
        self.crash_on = crash_on
        self.lost = lost or {}  # prompt -> a video the API made though its id never came back
        self.excluded: list[frozenset[str]] = []
        self.remixed: list[str] = []

    def get_video(self, job_id: str) -> SoraVideo:
        return _video()

    def remix_batch(
        self, source: str, prompts: list[str], exclude: frozenset[str] = frozenset()
    ) -> list[RemixOutcome]:
        self.remixed += prompts
        if self.crash_on in prompts:
            raise KeyboardInterrupt
        return [
            RemixOutcome(
                source_job_id=source, prompt=p, job=StartedJob(job_id=f"video_{p}", billed_usd=0.4)
            )
            for p in prompts
        ]

    def find_remix(
        self, source: str, prompt: str, exclude: frozenset[str] = frozenset()
    ) -> StartedJob | None:
        self.excluded.append(exclude)
        found = self.lost.get(prompt)
        return None if found is None else StartedJob(job_id=found, billed_usd=0.4)


def test_each_remix_id_is_on_disk_before_the_next_prompt_is_sent(tmp_path: Path) -> None:
    plan, ledger = _plan(tmp_path, ["a", "b"])
    client = InterruptedSora(crash_on="b")
    with pytest.raises(KeyboardInterrupt):
        create_remixes(cast("SoraClient", client), ledger, plan, plan.new)
    assert [(e.event, e.job_id) for e in ledger.entries()] == [
        ("intent", None),
        ("created", "video_a"),
        ("intent", None),
    ]
    again, _ = _plan(tmp_path, ["a", "b"])
    assert again.resumed == ("video_a", None)


def test_a_rerun_adopts_the_remix_an_interrupted_create_made(tmp_path: Path) -> None:
    plan, ledger = _plan(tmp_path, ["a", "b"])
    with pytest.raises(KeyboardInterrupt):
        create_remixes(cast("SoraClient", InterruptedSora(crash_on="b")), ledger, plan, plan.new)
    client = InterruptedSora(crash_on="-", lost={"b": "video_lost_b"})
    project = Project(settings=SETTINGS, scenes=(SCENE,))
    again = plan_remix(
        default_catalog(),
        project,
        SCENE,
        tmp_path,
        ["a", "b"],
        SPEC,
        ledger,
        cast("SoraClient", client),
    )
    assert again.resumed == ("video_a", "video_lost_b")
    assert again.cost_usd == 0.0
    assert ledger.open_job(SCENE.id, plan.requests[1].fingerprint()) == "video_lost_b"
    assert client.remixed == []


def test_a_variation_job_adopts_an_unsettled_create_instead_of_sending_again(
    tmp_path: Path,
) -> None:
    plan, ledger = _plan(tmp_path, ["a"])
    ledger.intent(plan.requests[0])  # sent, then the app died before the id was written
    client = InterruptedSora(crash_on="a", lost={"a": "video_lost_a"})
    job = remix_variation(
        plan, 0, cast("SoraClient", client), default_catalog(), ledger, 2, threading.Event()
    )
    next(job)  # the create step; following the job is not this test's business
    job.close()
    assert client.remixed == []
    assert [(e.event, e.job_id) for e in ledger.entries()][:2] == [
        ("intent", None),
        ("created", "video_lost_a"),
    ]


def test_a_remix_reported_outcome_unknown_is_still_adopted_on_the_next_run(
    tmp_path: Path,
) -> None:
    # The remix CLI records a lost answer as a failure of kind outcome_unknown: that settles
    # nothing (the rule renders use), so the next run looks for the video before paying.
    plan, ledger = _plan(tmp_path, ["a", "b"])
    ledger.intent(plan.requests[0])
    ledger.created(plan.requests[0], "video_a", 0.4)
    ledger.intent(plan.requests[1])
    ledger.failed(plan.requests[1], None, "outcome_unknown", "the answer was lost")
    client = InterruptedSora(crash_on="-", lost={"b": "video_lost_b"})
    project = Project(settings=SETTINGS, scenes=(SCENE,))
    again = plan_remix(
        default_catalog(), project, SCENE, tmp_path, ["a", "b"], SPEC, ledger,
        cast("SoraClient", client),
    )  # fmt: skip
    assert again.resumed == ("video_a", "video_lost_b")
    assert client.remixed == []
    assert client.excluded == [frozenset({"video_a"})]  # another take's video is never adopted


def test_variations_created_side_by_side_settle_only_their_own_intent(tmp_path: Path) -> None:
    plan, ledger = _plan(tmp_path, ["a", "b"])
    a, b = plan.requests
    ledger.intent(a)
    ledger.intent(b)
    ledger.created(a, "video_a", 0.4)
    assert ledger.pending_intent(SCENE.id, b.fingerprint()) is not None
    ledger.failed(b, None, "network", "cut")
    assert ledger.pending_intent(SCENE.id, b.fingerprint()) is None


def test_sora_remix_uses_the_core_take_helpers() -> None:
    # One journal, one take layout for Sora remixes and Omni edits: no private copies to drift.
    from imageai.providers.openai import sora_remix_jobs

    assert sora_remix_jobs.SceneJournal is takes.SceneJournal
    assert sora_remix_jobs.created_usd is takes.created_usd
    assert sora_remix_jobs.take_request is takes.take_request
    for copied in ("clean_prompts", "relative", "free_take_number", "make_take"):
        assert not hasattr(sora_remix_jobs, copied), copied
