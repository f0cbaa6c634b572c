"""OmniClient against the in-process fake Interactions server: every task renders a clip; faults."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

import pytest
from pydantic import SecretStr

from imageai.core.errors import (
    AuthError,
    ContentPolicyError,
    ModelGoneError,
    OutcomeUnknownError,
)
from imageai.core.job_loop import run_job
from imageai.core.jobs import Done, JobRequest, JobResult, SourceClip, SourceMode
from imageai.core.key_check import KeyStatus
from imageai.core.models import OmniSettings
from imageai.providers.google.omni_client import OmniClient
from tests.fakes.fake_server import FakeConfig, serve
from tests.unit.providers.google.test_omni_payload import MP4, make_image, omni_request

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

KEY = "gemini-good-key"


@pytest.fixture
def fake() -> Iterator[Any]:
    config = FakeConfig(generation_seconds=0.2, valid_keys=[KEY])
    server = serve(port=0, config=config)
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def omni(fake: Any) -> Iterator[OmniClient]:
    url = f"http://127.0.0.1:{fake.server_address[1]}"
    client = OmniClient(OmniSettings(), api_key=SecretStr(KEY), base_url=url, poll_interval=0.05)
    client._sleep = lambda _s: None  # the fake's Retry-After is 0; keep tests fast
    yield client
    client.close()


def _render(omni: OmniClient, request: JobRequest) -> JobResult:
    events = list(run_job(request, omni, threading.Event()))
    done = events[-1]
    assert isinstance(done, Done)
    return done.result


def _billed(fake: Any, prompt: str) -> int:
    with fake.state.lock:
        return int(fake.state.stats.get(f"omni_billed:{prompt}", 0))


def test_each_task_makes_one_billed_request_and_a_clip(
    fake: Any, omni: OmniClient, tmp_path: Path
) -> None:
    frame_a = make_image(tmp_path / "a.png", color="red")
    frame_b = make_image(tmp_path / "b.png", color="blue")
    clip = tmp_path / "prev.mp4"
    clip.write_bytes(MP4)
    requests = {
        "text": omni_request(tmp_path, prompt="text", scene_id="s1"),
        "first+last": omni_request(
            tmp_path, prompt="first+last", scene_id="s2", reference_image=frame_a,
            last_frame_image=frame_b,
        ),
        "refs": omni_request(
            tmp_path, prompt="refs", scene_id="s3", extra_reference_images=(frame_a, frame_b)
        ),
        "extend": omni_request(
            tmp_path, prompt="extend", scene_id="s4",
            source=SourceClip(mode=SourceMode.EXTEND, clip_path=clip),
        ),
    }  # fmt: skip
    results = {name: _render(omni, request) for name, request in requests.items()}
    edit = omni_request(
        tmp_path, prompt="edit", scene_id="s5",
        source=SourceClip(mode=SourceMode.EDIT, job_id=results["text"].job_id),
    )  # fmt: skip
    results["edit"] = _render(omni, edit)
    for name, result in results.items():
        assert result.clip_path.read_bytes()[4:8] == b"ftyp", name
        assert _billed(fake, name) == 1, name
    with fake.state.lock:
        params = {job.params["prompt"]: job.params for job in fake.state.jobs.values()}
    assert params["first+last"]["task"] == "image_to_video"
    assert params["first+last"]["images"] == 2
    assert params["refs"]["task"] == "reference_to_video"
    assert params["extend"]["videos"] == 1
    assert params["edit"]["previous"] == results["text"].job_id
    assert all(p["background"] for p in params.values())


def test_uri_output_is_downloaded_and_resumed_after_a_cut(
    fake: Any, omni: OmniClient, tmp_path: Path
) -> None:
    # Past one 1 MiB chunk, so part of the clip is on disk when the connection is cut.
    fake.state.config.cut_download_after = 1_500_000
    fake.state.config.clip_bytes = 3_000_000
    result = _render(omni, omni_request(tmp_path, resolution="1080p"))
    assert result.clip_path.stat().st_size == 3_000_000
    assert fake.state.stats["range_requests"] == 1
    assert fake.state.stats["omni_downloads"] == 2


def test_a_create_billed_then_answered_500_is_outcome_unknown_and_sent_once(
    fake: Any, omni: OmniClient, tmp_path: Path
) -> None:
    fake.state.config.fail_first_creates = 1
    with pytest.raises(OutcomeUnknownError):
        _render(omni, omni_request(tmp_path, prompt="once"))
    assert _billed(fake, "once") == 1
    assert fake.state.stats["requests"] == 1


def test_a_dropped_answer_after_billing_is_outcome_unknown_and_sent_once(
    fake: Any, omni: OmniClient, tmp_path: Path
) -> None:
    fake.state.config.drop_first_creates = 1
    with pytest.raises(OutcomeUnknownError):
        _render(omni, omni_request(tmp_path, prompt="dropped"))
    assert _billed(fake, "dropped") == 1
    assert fake.state.stats["dropped_after_create"] == 1


def test_a_retired_model_is_gone_with_its_successor(
    fake: Any, omni: OmniClient, tmp_path: Path
) -> None:
    fake.state.config.retired_models = ["gemini-omni-1.1-flash"]
    with pytest.raises(ModelGoneError) as err:
        _render(omni, omni_request(tmp_path))
    assert err.value.successor == "gemini-omni-1.2-flash"
    assert fake.state.stats.get("creates_billed", 0) == 0


def test_a_blocked_prompt_fails_as_content_policy(
    fake: Any, omni: OmniClient, tmp_path: Path
) -> None:
    with pytest.raises(ContentPolicyError):
        _render(omni, omni_request(tmp_path, prompt="a forbidden scene"))


def test_bad_key_and_key_check(fake: Any, omni: OmniClient, tmp_path: Path) -> None:
    assert omni.check_key().status is KeyStatus.OK
    url = f"http://127.0.0.1:{fake.server_address[1]}"
    bad = OmniClient(OmniSettings(), api_key=SecretStr("wrong"), base_url=url)
    assert bad.check_key().status is KeyStatus.BAD_KEY
    with pytest.raises(AuthError):
        bad.start(omni_request(tmp_path))
    bad.close()


def test_injected_faults_on_interactions_speak_its_error_body(fake: Any) -> None:
    import httpx

    fake.state.config.fault_rate = 1.0
    url = f"http://127.0.0.1:{fake.server_address[1]}/v1/interactions/int-x"
    seen = set()
    for _ in range(12):
        try:
            response = httpx.get(url, headers={"x-goog-api-key": KEY}, timeout=5)
        except httpx.TransportError:
            seen.add("reset")
            continue
        error = response.json()["error"]
        assert set(error) == {"code", "message"}
        seen.add(error["code"])
        if response.status_code == 429:
            assert response.headers["retry-after"] == "0"
    assert seen <= {"resource_exhausted", "internal", "unavailable", "reset"}
    assert len(seen) >= 3
