"""OmniClient follows an interaction through its event stream (fake server), else it polls."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

import pytest
from pydantic import SecretStr

from imageai.core.errors import JobCancelledError
from imageai.core.job_loop import run_job
from imageai.core.jobs import Done, PollState, PollStatus
from imageai.core.models import OmniSettings
from imageai.providers.google import omni_client
from imageai.providers.google.omni_client import OmniClient
from imageai.providers.google.omni_stream import MAX_EVENT_BYTES, TICK, sse_events
from tests.fakes.fake_server import FakeConfig, serve
from tests.unit.providers.google.test_omni_payload import omni_request

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

KEY = "gemini-good-key"


@pytest.fixture
def fake() -> Iterator[Any]:
    server = serve(port=0, config=FakeConfig(generation_seconds=0.6, valid_keys=[KEY]))
    yield server
    server.shutdown()
    server.server_close()


def _client(fake: Any, poll_interval: float) -> OmniClient:
    url = f"http://127.0.0.1:{fake.server_address[1]}"
    return OmniClient(
        OmniSettings(), api_key=SecretStr(KEY), base_url=url, poll_interval=poll_interval
    )


def _stat(fake: Any, key: str) -> int:
    with fake.state.lock:
        return int(fake.state.stats.get(key, 0))


def _poll_to_end(omni: OmniClient, job_id: str) -> list[PollStatus]:
    seen = []
    for _ in range(200):
        seen.append(omni.poll(job_id))
        if seen[-1].state not in (PollState.QUEUED, PollState.RUNNING):
            return seen
    raise AssertionError("the job never ended")


def test_completion_is_noticed_through_the_stream_without_waiting_a_poll_interval(
    fake: Any, tmp_path: Path
) -> None:
    omni = _client(fake, poll_interval=600.0)  # a plain-poll client would wait 10 minutes
    try:
        job = omni.start(omni_request(tmp_path, prompt="stream me"))
        seen = _poll_to_end(omni, job.job_id)
    finally:
        omni.close()
    assert seen[-1].state is PollState.COMPLETED
    assert all(s.poll_after == 0.0 for s in seen[:-1])  # the loop polls again at once
    assert _stat(fake, "omni_streams") >= 1
    # One get on the first poll (the safety net), one for the finished video.
    assert _stat(fake, "omni_polls") <= 2
    assert _stat(fake, "omni_creates") == 1


def test_a_dropped_stream_resumes_after_the_last_event(fake: Any, tmp_path: Path) -> None:
    fake.state.config.omni_stream = "drop"
    omni = _client(fake, poll_interval=600.0)
    try:
        job = omni.start(omni_request(tmp_path, prompt="dropped"))
        seen = _poll_to_end(omni, job.job_id)
    finally:
        omni.close()
    assert seen[-1].state is PollState.COMPLETED
    assert _stat(fake, "omni_stream_resumes") >= 1
    assert all(s.poll_after == 0.0 for s in seen[:-1])  # still streaming after the drop
    assert _stat(fake, "omni_creates") == 1


@pytest.mark.parametrize("mode", ["plain", "silent"])
def test_a_server_without_streams_falls_back_to_polling(
    fake: Any, mode: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake.state.config.omni_stream = mode
    # A silent stream costs a whole window (the read timeout) per try, and streaming is given
    # up after MAX_STREAM_FAILURES tries: the job must outlast those to be polled plainly.
    # A 0.3 s window (1.5 s in the app) lets that happen in 2.5 s instead of 8.
    monkeypatch.setattr(omni_client, "STREAM_WINDOW_S", 0.3)
    fake.state.config.generation_seconds = 2.5 if mode == "silent" else 0.6
    omni = _client(fake, poll_interval=0.05)
    try:
        job = omni.start(omni_request(tmp_path, prompt=f"no stream {mode}"))
        seen = _poll_to_end(omni, job.job_id)
    finally:
        omni.close()
    assert seen[-1].state is PollState.COMPLETED
    assert seen[-2].poll_after is None  # plain polling, at the provider's interval
    assert _stat(fake, "omni_polls") >= 2
    assert _stat(fake, "omni_creates") == 1


def test_run_job_renders_through_the_stream(fake: Any, tmp_path: Path) -> None:
    omni = _client(fake, poll_interval=600.0)
    request = omni_request(tmp_path, prompt="whole job")
    try:
        events = list(run_job(request, omni, threading.Event()))
    finally:
        omni.close()
    assert isinstance(events[-1], Done)
    assert events[-1].result.clip_path.read_bytes()[4:8] == b"ftyp"


def test_cancel_is_heard_while_a_poll_reads_the_stream(fake: Any, tmp_path: Path) -> None:
    fake.state.config.generation_seconds = 120.0
    omni = _client(fake, poll_interval=600.0)
    cancel = threading.Event()
    errors: list[BaseException] = []

    def render() -> None:
        try:
            list(run_job(omni_request(tmp_path, prompt="cancel me"), omni, cancel))
        except BaseException as exc:  # noqa: BLE001 - the test reads it
            errors.append(exc)

    worker = threading.Thread(target=render)
    worker.start()
    try:
        for _ in range(500):
            if _stat(fake, "omni_streams"):
                break
            threading.Event().wait(0.01)
        cancel.set()
        # A poll reads at most a window (1.5 s); far less than the 120 s generation.
        worker.join(timeout=30)
        assert not worker.is_alive()
    finally:
        omni.close()
    assert len(errors) == 1 and isinstance(errors[0], JobCancelledError)
    assert _stat(fake, "omni_cancels") == 1


def test_an_endless_event_is_skipped_not_kept() -> None:
    def chunks() -> Iterator[bytes]:
        yield b'data: {"event_type": "interaction.status_update", "status": "queued"}\n\n'
        yield b"data: " + b"x" * (MAX_EVENT_BYTES * 4)
        yield b"\n\n"
        yield b'id: 7\ndata: {"event_type": "interaction.completed", "interaction": {}}\n\n'

    events = [e for e in sse_events(chunks()) if e != TICK]
    assert [e.status for e in events] == ["queued", None]
    assert events[-1].terminal and events[-1].event_id == "7"
