"""A clip that fails its check is fetched again (resumed if only its end is missing), never
created again, and after a few tries is a `BadClipError` that keeps what arrived."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from imageai.core.clip_check import REJECTED_DIR, BadClipError, ExpectedClip
from imageai.core.downloads import fetch_checked_clip, http_opener, resumable_download
from imageai.core.errors import ErrorKind, JobError
from tests.fakes.clips import mp4_clip
from tests.fakes.fake_server import FakeConfig, serve

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

FOUR_S = ExpectedClip.around(4, job_id="video_123")


def _no_sleep(_: float) -> None:
    return None


@pytest.fixture
def fake() -> Iterator[Any]:
    server = serve(port=0, config=FakeConfig())
    yield server
    server.shutdown()
    server.server_close()


def _download(fake: Any, dest: Path, attempts: int = 4) -> Path:
    url = f"http://127.0.0.1:{fake.server_address[1]}/files/clip1.mp4"
    with httpx.Client(timeout=httpx.Timeout(10.0, connect=5.0)) as http:
        return resumable_download(
            http_opener(http, url),
            dest,
            threading.Event(),
            attempts=attempts,
            sleep=_no_sleep,
            expect=FOUR_S,
        )


def test_a_zero_filled_body_is_fetched_again_from_the_start(fake: Any, tmp_path: Path) -> None:
    fake.state.config.zero_filled_clips = 1
    dest = tmp_path / "clips" / "s1.mp4"

    _download(fake, dest)

    assert fake.state.stats["zero_filled_clips"] == 1
    assert fake.state.stats["file_downloads"] == 2
    assert "range_requests" not in fake.state.stats  # garbage is not continued, it is replaced
    assert dest.read_bytes() == mp4_clip(4)
    assert sorted(p.name for p in dest.parent.iterdir()) == ["s1.mp4"]


def test_a_clip_that_stays_wrong_is_a_bad_clip_error_that_keeps_it(
    fake: Any, tmp_path: Path
) -> None:
    fake.state.config.wrong_duration_clips = 99
    dest = tmp_path / "clips" / "s1.mp4"

    with pytest.raises(BadClipError) as info:
        _download(fake, dest, attempts=3)

    assert fake.state.stats["file_downloads"] == 3
    assert not dest.exists()
    kept = dest.parent / REJECTED_DIR / "s1.mp4"
    assert info.value.kept == kept
    assert kept.read_bytes() == mp4_clip(7)  # what arrived, for the user to look at
    assert not list(dest.parent.glob(".*.part"))
    error = JobError.from_exception(info.value)
    assert error.kind is ErrorKind.BAD_CLIP and error.final
    assert "7.00 s long, not the 4 s" in error.user_message
    assert "video_123 is kept" in error.user_message  # Retry downloads it, never pays again
    assert f"clips/{REJECTED_DIR}/s1.mp4" in error.user_message


def test_a_second_rejected_clip_does_not_replace_the_first(fake: Any, tmp_path: Path) -> None:
    fake.state.config.wrong_duration_clips = 99
    dest = tmp_path / "clips" / "s1.mp4"
    for _ in range(2):
        with pytest.raises(BadClipError):
            _download(fake, dest, attempts=1)
    assert sorted(p.name for p in (dest.parent / REJECTED_DIR).iterdir()) == [
        "s1.1.mp4",
        "s1.mp4",
    ]


def test_a_clip_cut_short_without_a_length_is_continued_not_restarted(tmp_path: Path) -> None:
    clip = mp4_clip(4)
    fetched: list[int] = []

    def fetch(tmp: Path) -> int | None:
        # A close-delimited body (no length): first cut short, then the rest from where it stopped.
        fetched.append(tmp.stat().st_size)
        with tmp.open("ab") as out:
            out.write(clip[tmp.stat().st_size : len(clip) // 2 if not fetched[1:] else None])
        return None

    dest = tmp_path / "s1.mp4"
    fetch_checked_clip(fetch, dest, threading.Event(), expect=FOUR_S, sleep=_no_sleep)

    assert fetched == [0, len(clip) // 2]  # the second fetch started where the first stopped
    assert dest.read_bytes() == clip


def test_garbage_is_dropped_before_the_next_fetch(tmp_path: Path) -> None:
    sizes: list[int] = []
    bodies = [bytes(5000), mp4_clip(4)]

    def fetch(tmp: Path) -> int | None:
        sizes.append(tmp.stat().st_size)
        body = bodies.pop(0)
        with tmp.open("ab") as out:
            out.write(body)
        return len(body)

    dest = tmp_path / "s1.mp4"
    fetch_checked_clip(fetch, dest, threading.Event(), expect=FOUR_S, sleep=_no_sleep)
    assert sizes == [0, 0]
    assert dest.read_bytes() == mp4_clip(4)
