"""A job is resumed only on the endpoint that created it: elsewhere it is refused, never closed."""

from __future__ import annotations

import json
import threading
from typing import TYPE_CHECKING, Any

import pytest

from imageai.core import render_plan
from imageai.core.catalog import default_catalog
from imageai.core.job_endpoint import EndpointMovedError, normalized
from imageai.core.job_loop import recover_lost_create, run_job
from imageai.core.jobs import Created, Done, JobRequest
from imageai.core.ledger import LEDGER_NAME, Ledger
from imageai.core.models import Project, ProviderName, ProviderSettings, Scene, SoraSettings
from tests.fakes.fake_provider import FakeProvider

if TYPE_CHECKING:
    from pathlib import Path

GATEWAY_A = "https://gateway-a.test/v1"
GATEWAY_B = "https://gateway-b.test/v1"


class EndpointProvider(FakeProvider):
    """A scripted provider whose requests go to ``endpoint`` (as `SoraClient.endpoint` says)."""

    def __init__(self, endpoint: str, **kwargs: Any) -> None:
        super().__init__(name=ProviderName.SORA, **kwargs)
        self.endpoint = endpoint


def _request(folder: Path) -> JobRequest:
    sora = SoraSettings(base_url=GATEWAY_A)
    project = Project(
        title="t",
        provider=ProviderName.SORA,
        settings=ProviderSettings(sora=sora),
        scenes=(Scene(id="scene1", prompt="a lighthouse"),),
    )
    return render_plan.build_request(default_catalog(), project, project.scenes[0], folder)


def _created_on_a(folder: Path) -> tuple[JobRequest, Ledger, str]:
    """Run a job on gateway A until its create is on record: the process died there."""
    request, ledger = _request(folder), Ledger(folder / LEDGER_NAME)
    for event in run_job(request, EndpointProvider(GATEWAY_A + "/"), threading.Event(), ledger):
        if isinstance(event, Created):
            return request, ledger, event.job_id
    raise AssertionError("no Created event")


def test_created_line_records_the_endpoint_the_provider_sends_to(tmp_path: Path) -> None:
    _, ledger, job_id = _created_on_a(tmp_path)

    lines = [json.loads(line) for line in (tmp_path / LEDGER_NAME).read_text().splitlines()]
    assert [(line["event"], line["endpoint"]) for line in lines] == [
        ("intent", GATEWAY_A),
        ("created", GATEWAY_A),
    ]
    assert ledger.created_endpoint(job_id) == GATEWAY_A


def test_a_line_written_before_endpoints_were_recorded_reads_as_unknown(tmp_path: Path) -> None:
    old = {"ts": 1.0, "event": "created", "scene_id": "s", "provider": "sora", "job_id": "v1"}
    (tmp_path / LEDGER_NAME).write_text(json.dumps(old) + "\n")

    ledger = Ledger(tmp_path / LEDGER_NAME)

    assert ledger.entries()[0].endpoint == ""
    assert ledger.created_endpoint("v1") == ""
    assert ledger.unreadable_lines() == ()


def test_resume_on_another_endpoint_is_refused_without_polling_or_closing_the_job(
    tmp_path: Path,
) -> None:
    request, ledger, job_id = _created_on_a(tmp_path)
    on_b = EndpointProvider(GATEWAY_B)
    resume = request.model_copy(update={"resume_job_id": job_id})

    with pytest.raises(EndpointMovedError) as raised:
        list(run_job(resume, on_b, threading.Event(), journal=ledger))

    assert on_b.polls == {}  # B would answer "not found" and the ledger would close the job
    assert [e.event for e in ledger.entries()] == ["intent", "created"]  # no `failed`
    assert ledger.open_job(request.scene_id, request.fingerprint()) == job_id
    assert ledger.total_spent() == pytest.approx(0.4)  # the budget keeps counting it
    message = raised.value.user_message
    assert job_id in message and GATEWAY_A in message and GATEWAY_B in message
    assert "--abandon-open-jobs" in message


def test_resume_on_the_same_endpoint_written_differently_fetches_the_clip(tmp_path: Path) -> None:
    request, ledger, job_id = _created_on_a(tmp_path)
    on_a = EndpointProvider("HTTPS://Gateway-A.test/v1/")
    resume = request.model_copy(update={"resume_job_id": job_id})

    events = list(run_job(resume, on_a, threading.Event(), journal=ledger))

    assert isinstance(events[-1], Done) and events[-1].result.job_id == job_id
    assert on_a.started == []  # polled, never created again


def test_a_job_of_unknown_endpoint_is_resumed_as_before(tmp_path: Path) -> None:
    request = _request(tmp_path)
    ledger = Ledger(tmp_path / LEDGER_NAME)
    ledger.created(request, "video_old", 0.4)  # no endpoint: an older line
    resume = request.model_copy(update={"resume_job_id": "video_old"})

    events = list(run_job(resume, EndpointProvider(GATEWAY_B), threading.Event(), ledger))

    assert isinstance(events[-1], Done)


def test_a_lost_create_on_another_endpoint_is_not_searched_for_there(tmp_path: Path) -> None:
    request, ledger = _request(tmp_path), Ledger(tmp_path / LEDGER_NAME)
    ledger.intent(request.model_copy(update={"endpoint": GATEWAY_A}))  # answer never came

    with pytest.raises(EndpointMovedError) as raised:
        recover_lost_create(request, EndpointProvider(GATEWAY_B), ledger)

    assert [e.event for e in ledger.entries()] == ["intent"]  # not told "not found"
    assert ledger.unsettled_intents() == {request.scene_id: 1}  # still possibly billed
    assert GATEWAY_A in raised.value.user_message and GATEWAY_B in raised.value.user_message


def test_endpoint_is_recorded_without_credentials_query_or_trailing_slash() -> None:
    assert normalized("https://user:secret@GW.test:8443/v1/?x=1") == "https://gw.test:8443/v1"
    assert normalized(" ") == ""


def test_endpoint_is_not_part_of_the_fingerprint(tmp_path: Path) -> None:
    # The same scene on another endpoint is the same paid-for output: the ledger finds the
    # job, and the resume is refused rather than created again.
    request = _request(tmp_path)
    moved = request.model_copy(update={"endpoint": GATEWAY_B})
    assert moved.fingerprint() == request.fingerprint()
