"""Downloads land whole and checked, resume with Range after a cut, and never leave half a clip."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from imageai.core.clip_check import ExpectedClip
from imageai.core.downloads import (
    finalize_clip,
    http_opener,
    resumable_download,
    temp_download,
    write_chunks,
)
from imageai.core.errors import JobCancelledError, NetworkError, NotFoundError
from tests.fakes.clips import mp4_clip
from tests.fakes.fake_server import FakeConfig, serve

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

SIZE = 3_000_000
#: The fake's plain file is a 4 s clip (padded to SIZE with a ``free`` box).
FOUR_S = ExpectedClip.around(4)


@pytest.fixture
def fake() -> Iterator[Any]:
    server = serve(port=0, config=FakeConfig(clip_bytes=SIZE))
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=httpx.Timeout(10.0, connect=5.0)) as client:
        yield client


def _url(server: Any, key: str = "clip1") -> str:
    return f"http://127.0.0.1:{server.server_address[1]}/files/{key}.mp4"


def _no_sleep(_: float) -> None:
    return None


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_interrupted_download_resumes_with_range(fake, http, tmp_path) -> None:
    fake.state.config.cut_download_after = 2_000_000
    dest = tmp_path / "clips" / "s1.mp4"

    resumable_download(
        http_opener(http, _url(fake)), dest, threading.Event(), sleep=_no_sleep, expect=FOUR_S
    )

    assert fake.state.stats["downloads_cut"] == 1
    assert fake.state.stats["range_requests"] == 1  # the second stream asked for the rest only
    assert dest.read_bytes() == fake.state.clip()
    assert _leftovers(dest.parent) == ["s1.mp4"]


def test_server_without_range_support_restarts_from_zero(fake, http, tmp_path) -> None:
    fake.state.config.cut_download_after = 2_000_000
    fake.state.config.ranges = False
    dest = tmp_path / "s1.mp4"
    resumable_download(
        http_opener(http, _url(fake)), dest, threading.Event(), sleep=_no_sleep, expect=FOUR_S
    )
    assert fake.state.stats["file_downloads"] == 2
    assert dest.read_bytes() == fake.state.clip()


def test_injected_faults_are_retried(fake, http, tmp_path) -> None:
    fake.state.config.fault_rate = 0.5
    fake.state.random.seed(3)
    dest = tmp_path / "s1.mp4"
    resumable_download(
        http_opener(http, _url(fake)),
        dest,
        threading.Event(),
        attempts=12,
        sleep=_no_sleep,
        expect=FOUR_S,
    )
    assert dest.stat().st_size == SIZE
    assert sum(v for k, v in fake.state.stats.items() if k.startswith("fault_")) >= 1


def test_download_that_keeps_failing_leaves_no_partial_clip(fake, http, tmp_path) -> None:
    fake.state.config.fault_rate = 1.0
    dest = tmp_path / "clips" / "s1.mp4"
    with pytest.raises(NetworkError):
        resumable_download(
            http_opener(http, _url(fake)),
            dest,
            threading.Event(),
            attempts=3,
            sleep=_no_sleep,
            expect=FOUR_S,
        )
    assert _leftovers(dest.parent) == []


def test_missing_file_is_final_not_retried(fake, http, tmp_path) -> None:
    url = f"http://127.0.0.1:{fake.server_address[1]}/files/nope/x.mp4"
    with pytest.raises(NotFoundError):
        resumable_download(
            http_opener(http, url), tmp_path / "s1.mp4", threading.Event(), expect=FOUR_S
        )
    assert fake.state.stats.get("unknown_route") == 1


def test_cancel_mid_stream_leaves_no_partial_clip(fake, http, tmp_path) -> None:
    cancel = threading.Event()
    opener = http_opener(http, _url(fake))
    dest = tmp_path / "clips" / "s1.mp4"

    def cancelling_opener(offset: int) -> Any:
        cancel.set()  # cancelled as soon as the stream starts
        return opener(offset)

    with pytest.raises(JobCancelledError):
        resumable_download(cancelling_opener, dest, cancel, sleep=_no_sleep, expect=FOUR_S)
    assert _leftovers(dest.parent) == []


def _land(dest: Path, data: bytes, expected_size: int | None = None) -> Path:
    with temp_download(dest) as tmp:
        write_chunks(tmp, [data])
        return finalize_clip(tmp, dest, expected_size, expect=FOUR_S)


def test_half_written_clip_never_stands_as_done(tmp_path) -> None:
    dest = tmp_path / "clips" / "s1.mp4"
    clip = mp4_clip(4)
    with pytest.raises(NetworkError, match="stopped early"):
        _land(dest, clip[:20], expected_size=len(clip))
    with pytest.raises(NetworkError, match="not an MP4"):
        _land(dest, b"<html>error page</html>")
    assert _leftovers(dest.parent) == []
    _land(dest, clip, expected_size=len(clip))
    assert _leftovers(dest.parent) == ["s1.mp4"]


@pytest.mark.parametrize("cut", [1, 9, 40, 5000])
def test_a_clip_cut_short_without_a_length_is_never_finalized(tmp_path: Path, cut: int) -> None:
    # Every provider's clip goes through finalize_clip: a close-delimited body cut short still
    # starts with ``ftyp``, so only the box sizes show it (Sora, Veo, Omni and the animatic).
    whole = mp4_clip(4)
    tmp, dest = tmp_path / "clip.part", tmp_path / "clip.mp4"
    tmp.write_bytes(whole[:-cut])
    with pytest.raises(NetworkError, match="cut short"):
        finalize_clip(tmp, dest, expect=FOUR_S)
    assert not dest.exists()
    tmp.write_bytes(whole)
    assert finalize_clip(tmp, dest, expect=FOUR_S) == dest
