"""A call's own ``budget_usd`` on generate_video / generate_batch / async, refused before a create."""

from __future__ import annotations

import asyncio
import math
from typing import TYPE_CHECKING

import pytest

from imageai.api import VideoConfig, VideoResult
from imageai.core.errors import ErrorKind, ValidationError

if TYPE_CHECKING:
    from collections.abc import Callable

    from imageai.api import VideoClient
    from tests.fakes.fake_provider import FakeProvider

#: Gemini Omni 1.1 Flash at 720p: 4 s x $0.10 = $0.40 each.
SHOTS = [VideoConfig(prompt=f"shot {i}", seconds=4) for i in range(3)]


def test_generate_video_budget_refuses_before_the_create(
    omni_fake: Callable[..., FakeProvider], omni_client: Callable[..., VideoClient]
) -> None:
    fake = omni_fake()
    client = omni_client()  # no budget of its own
    refused = client.generate_video(SHOTS[0], budget_usd=0.39)
    assert refused.error_kind is ErrorKind.BUDGET
    assert fake.started == []
    assert client.ledger().entries() == []  # not even an intent
    assert client.generate_video(SHOTS[0], budget_usd=0.4).success
    assert len(fake.started) == 1


def test_generate_batch_budget_replaces_the_clients_for_that_call_only(
    omni_fake: Callable[..., FakeProvider], omni_client: Callable[..., VideoClient]
) -> None:
    fake = omni_fake()
    client = omni_client(budget_usd=10.0)
    results = client.generate_batch(SHOTS, budget_usd=0.8)
    assert [r.error_kind for r in results] == [None, None, ErrorKind.BUDGET]
    assert len(fake.started) == 2
    # The next call without one has the client's $10 again: the third fits.
    assert client.generate_batch(SHOTS)[2].success
    assert len(fake.started) == 3


def test_a_call_budget_is_checked_against_the_folders_spend(
    omni_fake: Callable[..., FakeProvider], omni_client: Callable[..., VideoClient]
) -> None:
    fake = omni_fake()
    assert omni_client().generate_video(SHOTS[0]).success
    # $0.40 already spent here + $0.40 > $0.50, on a client with no budget of its own.
    assert omni_client().generate_video(SHOTS[1], budget_usd=0.5).error_kind is ErrorKind.BUDGET
    assert len(fake.started) == 1


def test_async_calls_take_a_budget_too(
    omni_fake: Callable[..., FakeProvider], omni_client: Callable[..., VideoClient]
) -> None:
    fake = omni_fake()
    client = omni_client()
    one = asyncio.run(client.generate_video_async(SHOTS[0], budget_usd=0.1))
    assert one.error_kind is ErrorKind.BUDGET
    batch = asyncio.run(client.generate_batch_async(SHOTS[:2], budget_usd=0.4))
    assert [r.error_kind for r in batch] == [None, ErrorKind.BUDGET]
    assert len(fake.started) == 1


@pytest.mark.parametrize("bad", [-0.01, math.nan, math.inf, -math.inf, True, "5"])
def test_a_bad_call_budget_raises_before_anything_is_sent(
    omni_fake: Callable[..., FakeProvider], omni_client: Callable[..., VideoClient], bad: object
) -> None:
    fake = omni_fake()
    client = omni_client()
    calls: list[Callable[[], object]] = [
        lambda: client.generate_video(SHOTS[0], budget_usd=bad),  # type: ignore[arg-type]
        lambda: client.generate_batch(SHOTS, budget_usd=bad),  # type: ignore[arg-type]
        lambda: asyncio.run(client.generate_video_async(SHOTS[0], budget_usd=bad)),
        lambda: client.remix_video(_done(), "at night", budget_usd=bad),  # type: ignore[arg-type]  # type: ignore[arg-type]
    ]
    for call in calls:
        with pytest.raises(ValidationError) as info:
            call()
        assert info.value.field == "budget_usd"
    assert fake.started == []
    assert not client.ledger().path.exists() or client.ledger().entries() == []


def _done() -> VideoResult:
    return VideoResult(success=True, config=SHOTS[0], provider="omni", key="api-x", job_id="j")


def test_the_budget_is_keyword_only(omni_client: Callable[..., VideoClient]) -> None:
    client = omni_client()
    with pytest.raises(TypeError):
        client.generate_batch(SHOTS, 2, None, None, False, 1.0)  # type: ignore[misc]
