"""A render killed mid-way resumes from the ledger and project: no scene is created (paid) twice."""

from __future__ import annotations

import json
import threading
from typing import TYPE_CHECKING

import pytest

from imageai.cli.main import main
from imageai.core import project_store, render_plan
from imageai.core.catalog import default_catalog
from imageai.core.errors import JobCancelledError, NetworkError, OutcomeUnknownError
from imageai.core.job_loop import MAX_POLL_FAILURES, recover_lost_create, run_job
from imageai.core.jobs import Created, Done, JobRequest, SourceClip, SourceMode, StartedJob
from imageai.core.ledger import LEDGER_NAME, Ledger
from imageai.core.models import Project, ProviderName, ProviderSettings, Scene, SoraSettings
from tests.fakes.fake_provider import FakeProvider

if TYPE_CHECKING:
    from pathlib import Path

#: sora-2 at 1280x720 costs $0.10/s; 4 s scenes.
SCENE_USD = 0.4


def sora_project(count: int = 4) -> Project:
    scenes = tuple(Scene(id=f"scene{i}", prompt=f"shot number {i}") for i in range(1, count + 1))
    # OpenAI retired Sora 2: the scenes render through a compatible endpoint that serves it.
    sora = SoraSettings(base_url="https://videos-gateway.test/v1")
    settings = ProviderSettings(sora=sora)
    return Project(title="resume", provider=ProviderName.SORA, settings=settings, scenes=scenes)


def plan(project: Project, folder: Path, ledger: Ledger | None) -> list[JobRequest]:
    catalog = default_catalog()
    return [
        render_plan.build_request(catalog, project, scene, folder, ledger)
        for scene in render_plan.scenes_to_render(project)
    ]


def run_until_created(request: JobRequest, provider: FakeProvider, ledger: Ledger) -> Project:
    """Drive a job until its create is recorded, then drop it: the process was killed there."""
    for event in run_job(request, provider, threading.Event(), journal=ledger):
        if isinstance(event, Created):
            return sora_project()
    raise AssertionError("no Created event")


def run_all(requests: list[JobRequest], provider: FakeProvider, ledger: Ledger) -> list[Done]:
    done = []
    for request in requests:
        current = recover_lost_create(request, provider, ledger)
        events = list(run_job(current, provider, threading.Event(), journal=ledger))
        assert isinstance(events[-1], Done)
        done.append(events[-1])
    return done


def test_restart_after_kill_creates_no_job_for_scenes_in_flight(tmp_path: Path) -> None:
    project = sora_project(4)
    project_store.save(project, tmp_path)
    ledger = Ledger(tmp_path / LEDGER_NAME)
    first = FakeProvider(("done",))
    for request in plan(project, tmp_path, ledger)[:3]:
        run_until_created(request, first, ledger)
    assert len(first.started) == 3

    # Restart: project.json was never updated (killed before a save), only the ledger knows.
    restarted = plan(project_store.load(tmp_path), tmp_path, Ledger(tmp_path / LEDGER_NAME))
    assert [r.resume_job_id for r in restarted] == [*first.started, None]
    second = FakeProvider(("done",))
    results = run_all(restarted, second, ledger)

    assert len(second.started) == 1  # only scene 4, which had not been created yet
    assert [d.result.job_id for d in results[:3]] == first.started
    assert ledger.total_spent() == pytest.approx(4 * SCENE_USD)
    assert all(ledger.open_job(r.scene_id, r.fingerprint()) is None for r in restarted)
    # A third run has nothing left to resume: every job was downloaded.
    assert all(r.resume_job_id is None for r in plan(project, tmp_path, ledger))


def test_restart_resumes_from_project_json_without_a_ledger(tmp_path: Path) -> None:
    project = sora_project(2)
    ledger = Ledger(tmp_path / LEDGER_NAME)
    provider = FakeProvider(("done",))
    request = plan(project, tmp_path, ledger)[0]
    for event in run_job(request, provider, threading.Event(), journal=ledger):
        project = render_plan.apply_event(project, event, request)
        if isinstance(event, Created):
            project_store.save(project, tmp_path)  # what RenderController does on Created
            break
    ledger.path.unlink()

    restarted = plan(project_store.load(tmp_path), tmp_path, Ledger(tmp_path / LEDGER_NAME))
    assert restarted[0].resume_job_id == provider.started[0]
    assert restarted[1].resume_job_id is None


def test_corrupt_ledger_keeps_every_readable_line(tmp_path: Path) -> None:
    project = sora_project(3)
    ledger = Ledger(tmp_path / LEDGER_NAME)
    provider = FakeProvider(("done",))
    requests = plan(project, tmp_path, ledger)
    run_until_created(requests[0], provider, ledger)
    with ledger.path.open("ab") as out:
        out.write(b"this line is garbage\n\xff\xfe not utf-8 either\n")
    run_until_created(requests[1], provider, ledger)
    with ledger.path.open("ab") as out:
        out.write(b'{"ts": 1.0, "event": "created", "scene_id": "scene3", "job_')  # torn write

    entries = Ledger(tmp_path / LEDGER_NAME).entries()
    assert [(e.event, e.scene_id) for e in entries] == [
        ("intent", "scene1"),
        ("created", "scene1"),
        ("intent", "scene2"),
        ("created", "scene2"),
    ]
    restarted = plan(project, tmp_path, Ledger(tmp_path / LEDGER_NAME))
    assert [r.resume_job_id for r in restarted] == [*provider.started, None]
    assert ledger.total_spent() == pytest.approx(2 * SCENE_USD)
    # Writing goes on after the torn line, on a line of its own.
    ledger.failed(requests[2], None, "network", "lost")
    assert Ledger(tmp_path / LEDGER_NAME).entries()[-1].event == "failed"


class FindingProvider(FakeProvider):
    """A provider that can look up a create whose answer was lost (as Sora lists its videos)."""

    reconcile_delays = (0.0, 0.0, 0.0)

    def __init__(self, existing: str | None, visible_after: int = 0) -> None:
        super().__init__(("done",))
        self.existing = existing
        #: Looks that miss before the job shows (a list lagging behind the create).
        self.visible_after = visible_after
        self.looks: list[frozenset[str]] = []

    def find_existing(
        self, request: JobRequest, exclude: frozenset[str] = frozenset()
    ) -> StartedJob | None:
        self.looks.append(exclude)
        if self.existing is None or len(self.looks) <= self.visible_after:
            return None
        return StartedJob(job_id=self.existing, billed_usd=0)


def test_lost_create_is_adopted_not_sent_again(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / LEDGER_NAME)
    request = plan(sora_project(1), tmp_path, ledger)[0]
    ledger.intent(request)  # killed while the create was in flight
    provider = FindingProvider("job-sent-before-crash")

    (done,) = run_all(plan(sora_project(1), tmp_path, ledger), provider, ledger)

    assert provider.started == []
    assert done.result.job_id == "job-sent-before-crash"
    assert len(provider.looks) == 1
    assert ledger.spent_by_scene() == {"scene1": pytest.approx(SCENE_USD)}


def test_lost_create_in_a_lagging_list_is_found_by_a_later_look(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / LEDGER_NAME)
    ledger.intent(plan(sora_project(1), tmp_path, ledger)[0])
    provider = FindingProvider("job-listed-late", visible_after=3)

    (done,) = run_all(plan(sora_project(1), tmp_path, ledger), provider, ledger)

    assert provider.started == []
    assert done.result.job_id == "job-listed-late"
    assert len(provider.looks) == 4


def test_lost_create_looks_past_jobs_the_ledger_gives_to_any_scene(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / LEDGER_NAME)
    first, second = plan(sora_project(2), tmp_path, ledger)
    ledger.intent(first)
    ledger.created(first, "job-of-scene1", SCENE_USD)
    ledger.intent(second)
    provider = FindingProvider("job-of-scene2")
    recover_lost_create(second, provider, ledger)
    assert provider.looks == [frozenset({"job-of-scene1"})]


def test_lost_create_not_found_is_outcome_unknown_until_the_user_renders_again(
    tmp_path: Path,
) -> None:
    ledger = Ledger(tmp_path / LEDGER_NAME)
    ledger.intent(plan(sora_project(1), tmp_path, ledger)[0])
    provider = FindingProvider(None)
    request = plan(sora_project(1), tmp_path, ledger)[0]
    with pytest.raises(OutcomeUnknownError, match="possibly billed"):
        recover_lost_create(request, provider, ledger)
    assert len(provider.looks) == len(FindingProvider.reconcile_delays) + 1  # every look spent
    assert provider.started == []
    assert ledger.unsettled_intents() == {"scene1": 1}
    # The user was told and asks again: one more look, then a new create.
    run_all([request], provider, ledger)
    assert len(provider.looks) == len(FindingProvider.reconcile_delays) + 2
    assert len(provider.started) == 1
    assert ledger.total_spent() == pytest.approx(SCENE_USD)


def test_search_for_a_lost_create_stops_on_cancel(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / LEDGER_NAME)
    request = plan(sora_project(1), tmp_path, ledger)[0]
    ledger.intent(request)
    provider = FindingProvider(None)
    provider.reconcile_delays = (3600.0,)
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(JobCancelledError):
        recover_lost_create(request, provider, ledger, cancel)
    assert len(provider.looks) == 1
    assert ledger.unsettled_intents() == {"scene1": 1}  # still possibly billed, still open


def test_create_reported_outcome_unknown_is_looked_up_on_the_next_render(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / LEDGER_NAME)
    request = plan(sora_project(1), tmp_path, ledger)[0]
    ledger.intent(request)
    ledger.failed(request, None, "outcome_unknown", "the list could not be read")
    provider = FindingProvider("job-the-lost-create-made")
    (done,) = run_all(plan(sora_project(1), tmp_path, ledger), provider, ledger)
    assert provider.started == []
    assert done.result.job_id == "job-the-lost-create-made"


def test_surely_failed_create_is_simply_sent_again(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / LEDGER_NAME)
    request = plan(sora_project(1), tmp_path, ledger)[0]
    ledger.intent(request)
    ledger.failed(request, None, "rate_limit", "429, nothing created")
    provider = FindingProvider("must-not-be-adopted")
    run_all([request], provider, ledger)
    assert provider.looks == []
    assert len(provider.started) == 1


def test_lost_create_without_lookup_is_outcome_unknown_until_user_retries(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / LEDGER_NAME)
    request = plan(sora_project(1), tmp_path, ledger)[0]
    ledger.intent(request)
    provider = FakeProvider(("done",))  # like Veo: no way to look a job up
    with pytest.raises(OutcomeUnknownError, match="unknown whether it was accepted"):
        recover_lost_create(request, provider, ledger)
    assert provider.started == []
    assert ledger.entries()[-1].event == "failed"
    # The user saw the message and renders again: that is the choice to create anew.
    run_all([request], provider, ledger)
    assert len(provider.started) == 1


def test_poll_outage_keeps_the_job_open_for_resume(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / LEDGER_NAME)
    request = plan(sora_project(1), tmp_path, ledger)[0]
    outage = FakeProvider([NetworkError("offline")] * (MAX_POLL_FAILURES + 1) + ["done"])
    with pytest.raises(NetworkError):
        list(run_job(request, outage, threading.Event(), journal=ledger))
    job_id = outage.started[0]
    assert ledger.open_job(request.scene_id, request.fingerprint()) == job_id
    assert plan(sora_project(1), tmp_path, ledger)[0].resume_job_id == job_id


def test_status_shows_billed_cost_per_scene_from_the_ledger(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = sora_project(3)
    project_store.create_folder(tmp_path)
    project_store.save(project, tmp_path)
    ledger = Ledger(tmp_path / LEDGER_NAME)
    requests = plan(project, tmp_path, ledger)
    provider = FakeProvider(("done",))
    run_all(requests[:1], provider, ledger)
    run_until_created(requests[1], provider, ledger)
    ledger.created(requests[1], "second-take", 0.4)  # a re-render billed again

    assert main(["video", "status", str(tmp_path), "--json"]) == 0
    status = json.loads(capsys.readouterr().out)
    assert [s["billed_usd"] for s in status["scenes"]] == [0.4, 0.8, 0.0]
    assert [s["estimate_usd"] for s in status["scenes"]] == [0.4, 0.4, 0.4]
    assert status["total_spent_usd"] == pytest.approx(1.2)
    assert status["total_estimate_usd"] == pytest.approx(1.2)

    assert main(["video", "status", str(tmp_path)]) == 0
    text = capsys.readouterr().out
    assert "billed $0.80 (est. $0.40)" in text
    assert "Total spent: $1.20" in text


def _edit_of(request: JobRequest) -> JobRequest:
    """An Omni-style edit of the same scene: filed under its id, with its own fingerprint."""
    source = SourceClip(mode=SourceMode.EDIT, job_id="take-1-job")
    edit = request.model_copy(update={"prompt": "make it rain", "source": source})
    assert edit.fingerprint() != request.fingerprint()
    return edit


def test_an_edits_outcome_unknown_does_not_count_as_telling_the_user_about_a_render(
    tmp_path: Path,
) -> None:
    ledger = Ledger(tmp_path / LEDGER_NAME)
    request = plan(sora_project(1), tmp_path, ledger)[0]
    ledger.intent(request)  # the render's create was in flight when the app stopped
    edit = _edit_of(request)
    ledger.intent(edit)
    ledger.failed(edit, None, OutcomeUnknownError.kind.value, "the edit's answer was lost")
    provider = FakeProvider(("done",))  # no way to look the render's create up
    with pytest.raises(OutcomeUnknownError, match="unknown whether it was accepted"):
        recover_lost_create(request, provider, ledger)
    assert provider.started == []
    # Now the user was told about the render itself: rendering again is their choice.
    run_all([request], provider, ledger)
    assert len(provider.started) == 1


@pytest.mark.parametrize("settle", ["created", "failed"])
def test_an_edits_create_or_sure_failure_does_not_settle_a_renders_lost_create(
    tmp_path: Path, settle: str
) -> None:
    ledger = Ledger(tmp_path / LEDGER_NAME)
    request = plan(sora_project(1), tmp_path, ledger)[0]
    ledger.intent(request)
    edit = _edit_of(request)
    ledger.intent(edit)
    if settle == "created":
        ledger.created(edit, "edit-job", 0.5)
    else:
        ledger.failed(edit, None, "rate_limit", "429, the edit was not created")
    provider = FindingProvider("job-the-lost-render-made")
    (done,) = run_all([request], provider, ledger)
    assert provider.started == []  # looked up and adopted, not paid a second time
    assert done.result.job_id == "job-the-lost-render-made"


def test_a_render_stopped_while_searching_for_its_lost_create_leaves_it_open(
    tmp_path: Path,
) -> None:
    ledger = Ledger(tmp_path / LEDGER_NAME)
    request = plan(sora_project(1), tmp_path, ledger)[0]
    provider = FindingProvider(None)
    provider.lose_answers = 1
    provider.reconcile_delays = (3600.0,)
    cancel = threading.Event()
    job = run_job(request, provider, cancel, journal=ledger)
    events = [next(job), next(job)]  # queued, then "looking for the video"
    assert "looking for the video" in getattr(events[1], "message", "")
    cancel.set()
    with pytest.raises(JobCancelledError):
        next(job)
    assert len(provider.started) == 1  # sent once, never again
    assert ledger.unsettled_intents() == {"scene1": 1}
    assert [e.event for e in ledger.entries()] == ["intent"]


def test_a_lost_answer_without_a_list_is_outcome_unknown_at_once(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / LEDGER_NAME)
    request = plan(sora_project(1), tmp_path, ledger)[0]
    provider = FakeProvider(("done",), lose_answers=1)  # like Omni and Veo: no list
    with pytest.raises(OutcomeUnknownError, match="answer was lost"):
        list(run_job(request, provider, threading.Event(), journal=ledger))
    assert len(provider.started) == 1
    assert ledger.unsettled_intents() == {"scene1": 1}
