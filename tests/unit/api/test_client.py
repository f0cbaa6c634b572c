"""`VideoClient` over a scripted provider: ledger first, resume, reuse, budget, concurrency."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

import pytest

from imageai.api import CancelToken, VideoConfig, VideoProgress
from imageai.core.errors import ErrorKind, ValidationError
from imageai.core.ledger import LEDGER_NAME, Ledger

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from imageai.api import VideoClient
    from tests.fakes.fake_provider import FakeProvider

FOX = VideoConfig(prompt="A red fox in snow", seconds=4)


def _events(folder: Path) -> list[str]:
    return [e.event for e in Ledger(folder / LEDGER_NAME).entries()]


def test_generate_journals_the_create_before_and_after_it_is_sent(
    omni_fake: Callable[..., FakeProvider], omni_client: Callable[..., VideoClient], tmp_path: Path
) -> None:
    fake = omni_fake()
    seen: list[VideoProgress] = []
    result = omni_client().generate_video(FOX, on_progress=seen.append)
    assert result.success, result.error
    assert result.video_path is not None and result.video_path.is_file()
    assert result.job_id == fake.started[0]
    assert result.cost_usd == pytest.approx(0.4)  # Omni 1.1 Flash 720p: 4 s x $0.10
    assert result.new_spend_usd == pytest.approx(0.4)
    assert _events(tmp_path / "out") == ["intent", "created", "completed", "downloaded"]
    assert [p.fraction for p in seen][:2] == [-1.0, 0.0]
    assert seen[-1].message == "downloading"


def test_second_run_reuses_the_video_and_sends_nothing(
    omni_fake: Callable[..., FakeProvider], omni_client: Callable[..., VideoClient]
) -> None:
    fake = omni_fake()
    first = omni_client().generate_video(FOX)
    again = omni_client().generate_video(FOX)
    assert len(fake.started) == 1
    assert again.success and again.reused
    assert (again.video_path, again.job_id, again.cost_usd) == (
        first.video_path,
        first.job_id,
        first.cost_usd,
    )
    assert again.new_spend_usd == 0.0
    assert omni_client().generate_video(FOX.model_copy(update={"variant": 1})).success
    assert len(fake.started) == 2  # another variant is another (paid) video


def test_a_job_created_before_a_crash_is_resumed_not_created_again(
    omni_fake: Callable[..., FakeProvider], omni_client: Callable[..., VideoClient]
) -> None:
    fake = omni_fake(gate=threading.Event())
    token = CancelToken()
    client = omni_client()
    worker = threading.Thread(target=lambda: client.generate_video(FOX, cancel=token))
    worker.start()
    assert _wait(lambda: bool(fake.started))
    token.cancel()
    fake.gate.set()
    worker.join(10)
    assert len(fake.started) == 1
    result = omni_client().generate_video(FOX)
    assert result.success and result.resumed
    assert result.job_id == fake.started[0]
    assert len(fake.started) == 1
    assert result.new_spend_usd == 0.0
    assert result.cost_usd == pytest.approx(0.4)


def test_cancel_returns_a_cancelled_result_keeping_the_job_id(
    omni_fake: Callable[..., FakeProvider], omni_client: Callable[..., VideoClient]
) -> None:
    gate = threading.Event()
    fake = omni_fake(gate=gate)
    client = omni_client()
    results = []
    worker = threading.Thread(target=lambda: results.append(client.generate_video(FOX)))
    worker.start()
    assert _wait(lambda: bool(fake.started))
    client.cancel()
    gate.set()
    worker.join(10)
    (result,) = results
    assert result.cancelled and not result.success
    assert result.job_id == fake.started[0]
    assert fake.cancelled == [fake.started[0]]  # the remote job was cancelled too


def test_budget_refuses_new_creates_before_any_is_sent(
    omni_fake: Callable[..., FakeProvider], omni_client: Callable[..., VideoClient]
) -> None:
    fake = omni_fake()
    configs = [VideoConfig(prompt=f"shot {i}", seconds=4) for i in range(3)]
    results = omni_client(budget_usd=0.9).generate_batch(configs)
    assert [r.success for r in results] == [True, True, False]
    assert results[2].error is not None and results[2].error.kind is ErrorKind.BUDGET
    assert len(fake.started) == 2


def test_budget_counts_creates_whose_answer_was_lost(
    omni_fake: Callable[..., FakeProvider], omni_client: Callable[..., VideoClient]
) -> None:
    fake = omni_fake(lose_answers=1)
    lost = VideoConfig(prompt="lost", seconds=4)
    first = omni_client().generate_video(lost)
    assert first.error is not None and first.error.kind is ErrorKind.OUTCOME_UNKNOWN
    # $0.40 possibly billed + $0.40 new > $0.50: refused before sending, as the app counts it.
    results = omni_client(budget_usd=0.5).generate_batch([lost, FOX])
    assert results[1].error is not None and results[1].error.kind is ErrorKind.BUDGET
    assert len(fake.started) == 1


def test_an_unknown_outcome_is_not_sent_again_unless_asked(
    omni_fake: Callable[..., FakeProvider], omni_client: Callable[..., VideoClient]
) -> None:
    fake = omni_fake(lose_answers=1)
    assert omni_client().generate_video(FOX).error_kind is ErrorKind.OUTCOME_UNKNOWN
    again = omni_client().generate_video(FOX)
    assert again.error_kind is ErrorKind.OUTCOME_UNKNOWN
    assert again.error is not None and "resend_unknown=True" in again.error.user_message
    assert len(fake.started) == 1
    resent = omni_client().generate_video(FOX, resend_unknown=True)
    assert resent.success
    assert len(fake.started) == 2


def test_batch_runs_at_most_concurrency_jobs_and_keeps_the_order(
    omni_fake: Callable[..., FakeProvider], omni_client: Callable[..., VideoClient]
) -> None:
    fake = omni_fake(script=(0.2, 0.5, 0.8, "done"))
    configs = [VideoConfig(prompt=f"shot {i}", seconds=4) for i in range(8)]
    results = omni_client().generate_batch(configs, concurrency=2)
    assert [r.config.prompt for r in results] == [c.prompt for c in configs]
    assert all(r.success for r in results)
    assert fake.max_active <= 2
    assert len(fake.started) == 8


def test_the_same_config_twice_in_a_batch_is_two_videos(
    omni_fake: Callable[..., FakeProvider], omni_client: Callable[..., VideoClient]
) -> None:
    fake = omni_fake()
    results = omni_client().generate_batch([FOX, FOX])
    assert len(fake.started) == 2
    assert results[0].video_path != results[1].video_path


def test_invalid_config_fails_in_its_result_and_validate_raises(
    omni_fake: Callable[..., FakeProvider], omni_client: Callable[..., VideoClient]
) -> None:
    fake = omni_fake()
    bad = VideoConfig(prompt="p", seconds=30)
    client = omni_client()
    with pytest.raises(ValidationError) as info:
        client.validate_config(bad)
    assert info.value.field == "seconds"
    results = client.generate_batch([bad, FOX])
    assert results[0].error_kind is ErrorKind.INVALID_REQUEST
    assert results[1].success
    assert len(fake.started) == 1
    with pytest.raises(ValidationError):
        client.generate_batch([FOX], concurrency=0)


def test_estimate_is_the_price_table_rate(omni_client: Callable[..., VideoClient]) -> None:
    cost = omni_client().estimate_cost(VideoConfig(prompt="p", seconds=6, resolution="1080p"))
    assert cost.usd == pytest.approx(0.9)  # Gemini Omni 1.1 Flash at 1080p: $0.15/s
    assert cost.usd_per_second == pytest.approx(0.15)
    assert not cost.price_verified


def test_missing_key_is_an_auth_error_and_nothing_is_sent(tmp_path: Path) -> None:
    from imageai.api import VideoClient

    result = VideoClient("omni", output_dir=tmp_path / "out").generate_video(FOX)
    assert result.error_kind is ErrorKind.AUTH
    assert "GEMINI_API_KEY" in (result.error.user_message if result.error else "")


def test_list_videos_is_refused_where_the_provider_cannot_list(
    omni_client: Callable[..., VideoClient],
) -> None:
    with pytest.raises(ValidationError, match="lists videos"):
        omni_client().list_videos()


def _wait(predicate: Callable[[], bool], timeout: float = 10.0) -> bool:
    done = threading.Event()
    for _ in range(int(timeout / 0.01)):
        if predicate():
            return True
        done.wait(0.01)
    return predicate()
