"""The /v1/videos adapter hands the endpoint's ``openai-poll-after-ms`` to the next create, so
its first poll waits for the hint instead of asking at once."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tests.unit.providers.openai.test_sora_client import _client, _request, fake  # noqa: F401

if TYPE_CHECKING:
    from pathlib import Path


def test_a_create_carries_the_latest_poll_hint(fake: Any, tmp_path: Path) -> None:  # noqa: F811
    fake.state.config.poll_after_ms = 750
    client = _client(fake)
    first = client.start(_request(tmp_path))
    assert first.poll_after is None  # no answer has said a hint yet
    client.poll(first.job_id)
    second = client.start(_request(tmp_path, prompt="a grey wolf in snow"))
    assert second.poll_after == 0.75
