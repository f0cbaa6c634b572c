"""SoraClient against the in-process fake OpenAI Videos server: every route, end to end."""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING, Any

import pytest
from PIL import Image
from pydantic import SecretStr

from imageai.core.errors import (
    ContentPolicyError,
    InvalidRequestError,
    JobCancelledError,
    NotFoundError,
    OutcomeUnknownError,
    ProviderError,
)
from imageai.core.job_loop import recover_lost_create, run_job
from imageai.core.jobs import Created, Done, JobRequest, PollState, StartedJob
from imageai.core.key_check import KeyStatus
from imageai.core.ledger import LEDGER_NAME, Ledger
from imageai.core.models import FitMode, ProviderName, SoraSettings
from imageai.core.shot import ShotSpec
from imageai.providers.openai.errors import RETIRED_MESSAGE
from imageai.providers.openai.sora_client import SoraClient
from tests.fakes.fake_server import FakeConfig, serve

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

KEY = "sk-test-good"


@pytest.fixture
def fake() -> Iterator[Any]:
    server = serve(
        port=0,
        config=FakeConfig(generation_seconds=0.3, valid_keys=[KEY], no_video_keys=["sk-no-video"]),
    )
    yield server
    while _OPEN:  # the SDK's pooled connections, closed before the server goes
        _OPEN.pop().close()
    server.shutdown()
    server.server_close()


#: Clients made by a test, closed at its end.
_OPEN: list[SoraClient] = []


def _client(server: Any, key: str = KEY) -> SoraClient:
    url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    client = SoraClient(
        SecretStr(key),
        base_url=url,
        poll_interval=0.05,
        sleep=lambda _: None,
        reconcile_delays=(0.05, 0.05, 0.05),
    )
    _OPEN.append(client)
    return client


def _request(tmp_path: Path, prompt: str = "a red fox runs through snow", **kw: Any) -> JobRequest:
    spec = ShotSpec(provider=ProviderName.SORA, model="sora-2", seconds=4, size="1280x720")
    return JobRequest(
        scene_id="s1",
        index=0,
        spec=spec,
        prompt=prompt,
        settings=SoraSettings(),
        project_dir=tmp_path,
        **kw,
    )


def _image_info(path: Path) -> tuple[str | None, tuple[int, int]]:
    with Image.open(path) as img:
        return img.format, img.size


def _wait_done(client: SoraClient, job_id: str) -> None:
    deadline = time.monotonic() + 10
    while client.poll(job_id).state is not PollState.COMPLETED:
        assert time.monotonic() < deadline
        time.sleep(0.05)


def test_render_through_job_loop_downloads_clip_thumbnail_and_spritesheet(fake, tmp_path) -> None:
    client = _client(fake)
    events = list(run_job(_request(tmp_path), client, threading.Event()))
    done = events[-1]
    assert isinstance(done, Done)
    result = done.result
    assert result.clip_path == tmp_path / "clips" / "s1.mp4"
    assert result.clip_path.read_bytes()[4:8] == b"ftyp"
    assert result.thumbnail_path == tmp_path / "thumbs" / "s1.webp"
    assert _image_info(result.thumbnail_path)[0] == "WEBP"
    assert (tmp_path / "thumbs" / "s1-sprites.jpg").is_file()
    assert result.billed_usd == pytest.approx(0.40)
    assert not list((tmp_path / "clips").glob("*.part"))
    assert fake.state.stats["creates_billed"] == 1


def test_start_bills_from_price_table(fake, tmp_path) -> None:
    job = _client(fake).start(_request(tmp_path))
    assert job.job_id.startswith("video_")
    assert job.billed_usd == pytest.approx(4 * 0.10)


def test_poll_reads_progress_and_poll_after_header(fake, tmp_path) -> None:
    fake.state.config.generation_seconds = 2.0
    fake.state.config.poll_after_ms = 1500
    client = _client(fake)
    job = client.start(_request(tmp_path))
    time.sleep(0.6)
    status = client.poll(job.job_id)
    assert status.state is PollState.RUNNING
    assert 0.2 <= status.fraction < 1.0
    assert status.poll_after == pytest.approx(1.5)


def test_poll_without_header_leaves_backoff_to_the_loop(fake, tmp_path) -> None:
    fake.state.config.poll_after_ms = None
    client = _client(fake)
    status = client.poll(client.start(_request(tmp_path)).job_id)
    assert status.poll_after is None
    assert status.state is PollState.QUEUED
    assert status.fraction == -1.0


def test_moderation_blocked_video_fails_with_content_policy(fake, tmp_path) -> None:
    client = _client(fake)
    job = client.start(_request(tmp_path, prompt="a forbidden scene"))
    status = client.poll(job.job_id)
    assert status.state is PollState.FAILED
    assert isinstance(status.error, ContentPolicyError)
    assert status.error.final
    assert "moderation" in status.error.user_message


@pytest.mark.parametrize(
    ("size", "fmt"), [((640, 480), "PNG"), ((3000, 2000), "JPEG"), ((500, 900), "WEBP")]
)
@pytest.mark.parametrize("fit", [FitMode.CROP, FitMode.PAD])
def test_reference_of_any_size_and_format_is_fitted_exactly(fake, tmp_path, size, fmt, fit) -> None:
    source = tmp_path / f"ref.{fmt.lower()}"
    Image.new("RGB", size, (10, 120, 200)).save(source, format=fmt)
    client = _client(fake)
    # The fake answers 400 "Inpaint image must match..." unless the upload is exactly 1280x720.
    job = client.start(_request(tmp_path, reference_image=source, fit=fit))
    assert fake.state.jobs[job.job_id].params["has_reference"]
    (fitted,) = (tmp_path / "refs").iterdir()
    assert _image_info(fitted) == ("PNG", (1280, 720))


def test_unfitted_reference_is_what_the_api_refuses(fake, tmp_path) -> None:
    # Guards the test above: the fake really checks the size of what it receives.
    import openai

    client = openai.OpenAI(
        api_key=KEY, base_url=f"http://127.0.0.1:{fake.server_address[1]}/v1", max_retries=0
    )
    image = tmp_path / "ref.png"
    Image.new("RGB", (640, 480)).save(image)
    with pytest.raises(openai.BadRequestError, match="Inpaint image must match"):
        client.videos.create(
            prompt="x",
            size="1280x720",
            input_reference=("ref.png", image.read_bytes(), "image/png"),
        )


def _until_created(client: SoraClient, request: JobRequest, ledger: Ledger) -> StartedJob:
    """Run the job as a render does until its create is settled (adopted or answered)."""
    for event in run_job(request, client, threading.Event(), journal=ledger):
        if isinstance(event, Created):
            return StartedJob(job_id=event.job_id, billed_usd=event.billed_usd)
    raise AssertionError("no Created event")


def test_dropped_create_adopts_the_video_and_bills_once(fake, tmp_path) -> None:
    fake.state.config.drop_after_create_rate = 1.0
    client = _client(fake)
    job = _until_created(client, _request(tmp_path), Ledger(tmp_path / LEDGER_NAME))
    assert fake.state.stats["dropped_after_create"] == 1
    assert fake.state.stats["creates_billed"] == 1
    assert job.job_id in fake.state.jobs
    assert job.billed_usd == pytest.approx(0.40)


def test_create_billed_then_answered_500_is_adopted_not_sent_again(fake, tmp_path) -> None:
    fake.state.config.fail_first_creates = 1
    job = _until_created(_client(fake), _request(tmp_path), Ledger(tmp_path / LEDGER_NAME))
    assert fake.state.stats["failed_after_create"] == 1
    assert fake.state.stats["creates_billed"] == 1
    assert job.job_id in fake.state.jobs


def test_dropped_create_is_found_in_a_list_that_lags_behind(fake, tmp_path) -> None:
    fake.state.config.drop_first_creates = 1
    fake.state.config.list_lag_seconds = 0.5
    client = _client(fake)
    client.reconcile_delays = (0.2,) * 6  # looks over 1.2 s, longer than the lag
    job = _until_created(client, _request(tmp_path), Ledger(tmp_path / LEDGER_NAME))
    assert fake.state.stats["creates_billed"] == 1
    assert job.job_id in fake.state.jobs


def test_dropped_create_is_found_when_the_server_clock_is_behind(fake, tmp_path) -> None:
    fake.state.config.drop_first_creates = 1
    fake.state.config.clock_skew_seconds = -120
    job = _until_created(_client(fake), _request(tmp_path), Ledger(tmp_path / LEDGER_NAME))
    assert fake.state.stats["creates_billed"] == 1
    assert job.job_id in fake.state.jobs


def test_identical_scenes_never_adopt_the_same_video(fake, tmp_path) -> None:
    fake.state.config.drop_after_create_rate = 1.0
    client = _client(fake)
    ledger = Ledger(tmp_path / LEDGER_NAME)
    first = _until_created(client, _request(tmp_path), ledger)
    second_scene = _request(tmp_path).model_copy(update={"scene_id": "s2", "index": 2})
    second = _until_created(client, second_scene, ledger)
    assert first.job_id != second.job_id
    assert fake.state.stats["creates_billed"] == 2


def test_faulty_server_renders_each_scene_with_exactly_one_create(fake, tmp_path) -> None:
    fake.state.config.fault_rate = 0.2
    fake.state.config.drop_after_create_rate = 0.3
    fake.state.config.generation_seconds = 0.1
    fake.state.config.clip_bytes = 0
    fake.state.random.seed(7)
    client = _client(fake)
    ledger = Ledger(tmp_path / LEDGER_NAME)
    unknown = 0
    for index in range(6):
        request = _request(tmp_path, prompt=f"scene {index}").model_copy(
            update={"scene_id": f"s{index}", "index": index}
        )
        for _attempt in range(5):
            try:
                # Told "outcome unknown", the user renders the scene again: their word.
                current = recover_lost_create(request, client, ledger)
                events = list(run_job(current, client, threading.Event(), journal=ledger))
            except OutcomeUnknownError:
                unknown += 1
                continue
            except ProviderError:
                continue  # a poll or download fault: the job is kept and resumed
            assert isinstance(events[-1], Done)
            break
        else:
            raise AssertionError(f"scene {index} never finished")
    # An injected 5xx on a create created nothing; a dropped one was found in the list.
    assert fake.state.stats["creates_billed"] == 6
    assert fake.state.stats["dropped_after_create"] >= 1
    assert sum(v for k, v in fake.state.stats.items() if k.startswith("fault_")) >= 3


def test_interrupted_download_resumes_with_range(fake, tmp_path) -> None:
    fake.state.config.clip_bytes = 300_000
    fake.state.config.cut_download_after = 100_000
    client = _client(fake)
    request = _request(tmp_path)
    job = client.start(request)
    _wait_done(client, job.job_id)
    result = client.download(job.job_id, request, threading.Event())
    assert fake.state.stats["downloads_cut"] == 1
    assert result.clip_path.stat().st_size == 300_000


def test_resume_at_the_wrong_offset_starts_over(fake, tmp_path) -> None:
    fake.state.config.clip_bytes = 300_000
    fake.state.config.cut_download_after = 100_000
    fake.state.config.wrong_range_start = True
    client = _client(fake)
    request = _request(tmp_path)
    job = client.start(request)
    _wait_done(client, job.job_id)
    result = client.download(job.job_id, request, threading.Event())
    assert result.clip_path.read_bytes() == fake.state.clip()


def test_list_is_newest_first_across_pages(fake, tmp_path) -> None:
    client = _client(fake)
    ids = [client.start(_request(tmp_path, prompt=f"p{i}")).job_id for i in range(5)]
    fake.state.config.generation_seconds = 0.0
    listed = client.list_videos(limit=4)
    assert [v.id for v in listed] == ids[::-1][:4]
    assert listed[0].prompt == "p4"
    assert listed[0].seconds == 4


def test_list_pages_follow_after_cursor(fake, tmp_path) -> None:
    import openai

    client = _client(fake)
    ids = [client.start(_request(tmp_path, prompt=f"p{i}")).job_id for i in range(3)]
    sdk = openai.OpenAI(api_key=KEY, base_url=f"http://127.0.0.1:{fake.server_address[1]}/v1")
    page = sdk.videos.list(limit=2)
    assert [v.id for v in page.data] == ids[::-1][:2]
    assert page.has_more
    assert [v.id for v in page.get_next_page().data] == [ids[0]]


def test_delete_removes_the_video_and_cancel_is_local(fake, tmp_path) -> None:
    client = _client(fake)
    job = client.start(_request(tmp_path))
    client.cancel(job.job_id)
    assert job.job_id in fake.state.jobs
    assert fake.state.stats["requests"] == 1
    client.delete_video(job.job_id)
    assert job.job_id not in fake.state.jobs
    with pytest.raises(NotFoundError, match=job.job_id):
        client.poll(job.job_id)


def test_remix_keeps_source_and_bills(fake, tmp_path) -> None:
    client = _client(fake)
    source = client.start(_request(tmp_path))
    _wait_done(client, source.job_id)
    remix = client.remix(source.job_id, "the same fox, at night")
    video = client.get_video(remix.job_id)
    assert video.remixed_from_video_id == source.job_id
    assert video.prompt == "the same fox, at night"
    assert remix.billed_usd == pytest.approx(0.40)


def test_dropped_remix_is_adopted_not_sent_again(fake, tmp_path) -> None:
    client = _client(fake)
    source = client.start(_request(tmp_path))
    _wait_done(client, source.job_id)
    fake.state.config.drop_after_create_rate = 1.0
    remix = client.remix(source.job_id, "at dawn")
    assert fake.state.stats["creates_billed"] == 2
    assert client.get_video(remix.job_id).remixed_from_video_id == source.job_id


def test_dropped_remix_never_adopts_a_remix_the_ledger_already_has(fake, tmp_path) -> None:
    client = _client(fake)
    source = client.start(_request(tmp_path))
    _wait_done(client, source.job_id)
    earlier = client.remix(source.job_id, "at dawn")  # a take recorded by an earlier run
    fake.state.config.drop_after_create_rate = 1.0
    fake.state.config.list_lag_seconds = 0.3  # the new remix is not listed at the first look
    later = _client(fake)  # a new process: only the ledger knows the earlier take
    later.reconcile_delays = (0.2,) * 5
    remix = later.remix(source.job_id, "at dawn", exclude=frozenset({earlier.job_id}))
    assert remix.job_id != earlier.job_id
    assert fake.state.stats["creates_billed"] == 3


def test_batch_remix_starts_one_take_per_prompt(fake, tmp_path) -> None:
    client = _client(fake)
    source = client.start(_request(tmp_path))
    _wait_done(client, source.job_id)
    outcomes = client.remix_batch(source.job_id, ["at dawn", "", "in rain"])
    assert [o.ok for o in outcomes] == [True, False, True]
    assert outcomes[1].error is not None
    assert outcomes[1].error.kind == "invalid_request"
    started = [o.job.job_id for o in outcomes if o.job]
    assert {client.get_video(i).remixed_from_video_id for i in started} == {source.job_id}


def test_remix_of_unfinished_video_is_invalid(fake, tmp_path) -> None:
    fake.state.config.generation_seconds = 30
    client = _client(fake)
    source = client.start(_request(tmp_path))
    with pytest.raises(InvalidRequestError, match="Only completed videos"):
        client.remix(source.job_id, "again")


def test_endpoint_that_stopped_serving_says_so_and_offers_the_move(fake, tmp_path) -> None:
    fake.state.config.sora_retired = True
    client = _client(fake)
    with pytest.raises(NotFoundError) as caught:
        client.start(_request(tmp_path))
    assert caught.value.user_message == RETIRED_MESSAGE
    assert "2026-09-24" in RETIRED_MESSAGE
    assert "Gemini Omni" in RETIRED_MESSAGE
    assert fake.state.stats.get("creates_billed", 0) == 0


@pytest.mark.parametrize(
    ("key", "retired", "status"),
    [
        (KEY, False, KeyStatus.OK),
        ("sk-wrong", False, KeyStatus.BAD_KEY),
        ("sk-no-video", False, KeyStatus.NO_VIDEO_ACCESS),
        (KEY, True, KeyStatus.ENDPOINT_GONE),
    ],
)
def test_check_key(fake, key, retired, status) -> None:
    fake.state.config.sora_retired = retired
    assert _client(fake, key).check_key().status is status


def test_check_key_reports_network_problem() -> None:
    client = SoraClient(SecretStr(KEY), base_url="http://127.0.0.1:9/v1")
    check = client.check_key()
    assert check.status is KeyStatus.NETWORK
    assert KEY not in check.message


def test_cancelled_download_leaves_no_partial_clip(fake, tmp_path) -> None:
    client = _client(fake)
    request = _request(tmp_path)
    job = client.start(request)
    _wait_done(client, job.job_id)
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(JobCancelledError):
        client.download(job.job_id, request, cancel)
    assert list((tmp_path / "clips").iterdir()) == []


def test_find_existing_recovers_a_create_sent_before_a_crash(fake, tmp_path) -> None:
    sent = _client(fake).start(_request(tmp_path))
    # A new process (fresh client) resuming the pending intent finds the video, bills nothing.
    found = _client(fake).find_existing(_request(tmp_path))
    assert found is not None
    assert found.job_id == sent.job_id
    assert found.billed_usd == 0.0
    assert _client(fake).find_existing(_request(tmp_path, prompt="other")) is None
    assert _client(fake).find_existing(_request(tmp_path), frozenset({sent.job_id})) is None
