"""VeoClient against the in-process fake Gemini server: render, safety, keys, drops, resume."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

import httpx
import pytest
from pydantic import SecretStr

from imageai.core.errors import (
    AuthError,
    ContentPolicyError,
    NotFoundError,
    OutcomeUnknownError,
    PermissionDeniedError,
)
from imageai.core.job_loop import run_job
from imageai.core.jobs import Created, Done
from imageai.core.key_check import KeyStatus
from imageai.core.models import VeoSettings
from imageai.providers.google.errors import ErrorContext
from imageai.providers.google.veo_client import VeoClient
from imageai.providers.google.veo_gemini import GeminiVeoBackend
from imageai.providers.google.veo_payload import VeoPayload
from tests.fakes.fake_server import FakeConfig, serve
from tests.unit.providers.google.test_veo_payload import make_image, veo_request

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

KEY = "gemini-good-key"
NO_VIDEO = "gemini-no-video"


@pytest.fixture
def fake() -> Iterator[Any]:
    config = FakeConfig(generation_seconds=0.2, valid_keys=[KEY], no_video_keys=[NO_VIDEO])
    server = serve(port=0, config=config)
    yield server
    server.shutdown()
    server.server_close()


def _url(server: Any) -> str:
    return f"http://127.0.0.1:{server.server_address[1]}"


_OPEN: list[VeoClient] = []


@pytest.fixture(autouse=True)
def _close_clients() -> Iterator[None]:
    yield
    while _OPEN:
        _OPEN.pop().close()


def _client(server: Any, key: str | None = KEY) -> VeoClient:
    client = VeoClient(
        VeoSettings(),
        api_key=SecretStr(key) if key else None,
        base_url=_url(server),
        poll_interval=0.05,
        sleep=lambda _: None,
        backoff_s=0.0,
    )
    _OPEN.append(client)
    return client


def _render(client: VeoClient, request: Any) -> list[Any]:
    return list(run_job(request, client, threading.Event()))


def test_text_and_image_to_video_render_to_clips(fake: Any, tmp_path: Path) -> None:
    client = _client(fake)
    image = make_image(tmp_path / "portrait.jpg", (600, 900))
    for scene_id, kw in (("t1", {}), ("i1", {"reference_image": image})):
        events = _render(client, veo_request(tmp_path, scene_id=scene_id, **kw))
        done = events[-1]
        assert isinstance(done, Done)
        assert done.result.clip_path == tmp_path / "clips" / f"{scene_id}.mp4"
        assert done.result.clip_path.read_bytes() == fake.state.clip()
    jobs = [fake.state.jobs[j] for j in fake.state.order]
    assert [j.params["has_image"] for j in jobs] == [False, True]
    assert fake.state.stats["creates_billed_veo"] == 2


def test_blocked_prompt_fails_with_the_filter_reason(fake: Any, tmp_path: Path) -> None:
    request = veo_request(tmp_path, prompt="a forbidden ritual")
    with pytest.raises(ContentPolicyError, match="usage guidelines"):
        _render(_client(fake), request)
    assert not (tmp_path / "clips" / "s1.mp4").exists()


def test_retired_models_answer_404(fake: Any) -> None:
    http = httpx.Client(timeout=5)
    backend = GeminiVeoBackend(SecretStr(KEY), _url(fake), http)
    context = ErrorContext(
        model="veo-3.0-generate-001", offered_models=("veo-3.1-generate-preview",)
    )
    payload = VeoPayload(
        model="veo-3.0-generate-001", prompt="x", aspect="16:9", resolution="720p", seconds=8
    )
    with http, pytest.raises(NotFoundError, match=r"veo-3\.1-generate-preview"):
        backend.create(payload, context)
    assert fake.state.stats.get("creates_billed", 0) == 0


@pytest.mark.parametrize(
    ("key", "error"), [("wrong", AuthError), (NO_VIDEO, PermissionDeniedError)]
)
def test_keys_are_checked_on_create(fake: Any, tmp_path: Path, key: str, error: type) -> None:
    with pytest.raises(error):
        _client(fake, key).start(veo_request(tmp_path))
    assert fake.state.stats.get("creates_billed", 0) == 0


@pytest.mark.parametrize(
    ("key", "status"),
    [(KEY, KeyStatus.OK), ("wrong", KeyStatus.BAD_KEY), (NO_VIDEO, KeyStatus.NO_VIDEO_ACCESS)],
)
def test_key_check(fake: Any, key: str, status: KeyStatus) -> None:
    assert _client(fake, key).check_key().status is status


def test_key_check_without_network(tmp_path: Path) -> None:
    client = VeoClient(VeoSettings(), api_key=SecretStr(KEY), base_url="http://127.0.0.1:9")
    _OPEN.append(client)
    assert client.check_key().status is KeyStatus.NETWORK


def test_dropped_create_is_reported_not_repeated(fake: Any, tmp_path: Path) -> None:
    fake.state.config.drop_after_create_rate = 1.0
    with pytest.raises(OutcomeUnknownError):
        _client(fake).start(veo_request(tmp_path))
    # The fake billed one create; the client sent no second one.
    assert fake.state.stats["creates_billed"] == 1
    assert fake.state.stats["dropped_after_create"] == 1


def test_interrupted_download_resumes_with_range(fake: Any, tmp_path: Path) -> None:
    # Cut after more than one streamed chunk (1 MiB), so part of the clip is on disk.
    fake.state.config.clip_bytes = 3_000_000
    fake.state.config.cut_download_after = 1_500_000
    events = _render(_client(fake), veo_request(tmp_path))
    clip = events[-1].result.clip_path
    assert clip.read_bytes() == fake.state.clip()
    assert fake.state.stats["veo_downloads"] == 2
    assert fake.state.stats["range_requests"] == 1
    assert [p.name for p in clip.parent.iterdir()] == ["s1.mp4"]


def test_interrupted_download_starts_over_without_range(fake: Any, tmp_path: Path) -> None:
    fake.state.config.clip_bytes = 300_000
    fake.state.config.cut_download_after = 1000
    fake.state.config.ranges = False
    events = _render(_client(fake), veo_request(tmp_path))
    clip = events[-1].result.clip_path
    assert clip.read_bytes() == fake.state.clip()
    assert fake.state.stats["veo_downloads"] == 2
    assert [p.name for p in clip.parent.iterdir()] == ["s1.mp4"]


def test_a_render_resumes_from_the_operation_name(fake: Any, tmp_path: Path) -> None:
    started = _client(fake).start(veo_request(tmp_path))
    resumed = veo_request(tmp_path, resume_job_id=started.job_id)
    events = _render(_client(fake), resumed)
    created = [e for e in events if isinstance(e, Created)]
    assert created[0].resumed
    assert isinstance(events[-1], Done)
    assert fake.state.stats["creates_billed"] == 1
