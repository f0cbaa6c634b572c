"""A paid Gemini Omni clip is never lost: failed, cut, corrupt or foreign-host downloads."""

from __future__ import annotations

import base64
import struct
import threading
from typing import TYPE_CHECKING, Any

import httpx
import pytest
from pydantic import SecretStr

from imageai.core.clip_check import REJECTED_DIR, BadClipError
from imageai.core.errors import (
    ContentPolicyError,
    JobCancelledError,
    NetworkError,
    ProviderError,
)
from imageai.core.job_loop import run_job
from imageai.core.jobs import Done, PollState
from imageai.core.ledger import Ledger
from imageai.core.models import OmniSettings
from imageai.providers.google.omni_client import OmniClient
from tests.fakes.clips import mp4_clip
from tests.unit.providers.google.test_omni_gemini import (
    CREATE,
    FILE,
    GET,
    KEY,
    finished,
    interaction,
)
from tests.unit.providers.google.test_omni_payload import omni_request

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    import respx


def _box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", 8 + len(payload)) + kind + payload


#: A real, playable MP4 of `omni_request`'s 6 s: passes the clip check.
CLIP = mp4_clip(6)


@pytest.fixture
def client() -> Iterator[OmniClient]:
    omni = OmniClient(OmniSettings(), api_key=SecretStr(KEY), sleep=lambda _s: None)
    yield omni
    omni.close()


def _no_temp_files(clips: Path) -> bool:
    # clips/.rejected/ keeps a paid clip that failed its check; no other dot file may stay.
    hidden = [p for p in clips.iterdir() if p.name.startswith(".")] if clips.exists() else []
    return all(p.name == REJECTED_DIR for p in hidden)


def test_a_download_that_keeps_failing_keeps_the_job_and_a_later_try_needs_no_new_create(
    httpx2_mock: respx.Router, client: OmniClient, tmp_path: Path
) -> None:
    create = httpx2_mock.post(CREATE).mock(return_value=interaction())
    httpx2_mock.get(GET).mock(return_value=finished(uri=FILE))
    files = httpx2_mock.get(FILE).mock(side_effect=httpx.ReadError("cut"))
    ledger = Ledger(tmp_path / "ledger.jsonl")
    request = omni_request(tmp_path)
    with pytest.raises(NetworkError):
        list(run_job(request, client, threading.Event(), journal=ledger))
    assert files.call_count == 5
    assert _no_temp_files(tmp_path / "clips")
    # The ledger still names the paid job: the next render resumes it, no second create.
    assert [e.event for e in ledger.entries()][-1] == "completed"
    files.mock(return_value=httpx.Response(200, content=CLIP))
    resumed = request.model_copy(update={"resume_job_id": "int-1"})
    events = list(run_job(resumed, client, threading.Event(), journal=ledger))
    assert isinstance(events[-1], Done)
    assert events[-1].result.clip_path.read_bytes() == CLIP
    assert create.call_count == 1


def test_a_redirect_to_another_host_drops_the_key(
    httpx2_mock: respx.Router, client: OmniClient, tmp_path: Path
) -> None:
    cdn = "https://cdn.example.com/v.mp4"
    httpx2_mock.get(GET).mock(return_value=finished(uri=FILE))
    first = httpx2_mock.get(FILE).mock(return_value=httpx.Response(302, headers={"location": cdn}))
    other = httpx2_mock.get(cdn).mock(return_value=httpx.Response(200, content=CLIP))
    client.download("int-1", omni_request(tmp_path), threading.Event())
    assert first.calls[0].request.headers["x-goog-api-key"] == KEY
    assert "x-goog-api-key" not in other.calls[0].request.headers


def test_a_clip_cut_short_on_every_try_is_never_saved(
    httpx2_mock: respx.Router, client: OmniClient, tmp_path: Path
) -> None:
    httpx2_mock.get(GET).mock(return_value=finished(uri=FILE))
    httpx2_mock.get(FILE).mock(
        side_effect=lambda _r: httpx.Response(200, stream=httpx.ByteStream(CLIP[:700]))
    )
    # A close-delimited body (no Content-Length) that stops early looks like a clean end.
    with pytest.raises(BadClipError, match="cut short"):
        client.download("int-1", omni_request(tmp_path), threading.Event())
    assert not (tmp_path / "clips" / "s1.mp4").exists()
    assert _no_temp_files(tmp_path / "clips")
    assert (tmp_path / "clips" / REJECTED_DIR / "s1.mp4").read_bytes() == CLIP[:700]


@pytest.mark.parametrize(
    "data",
    [
        "not base64 at all!",
        base64.b64encode(CLIP[:700]).decode(),  # valid base64, cut-short video
        base64.b64encode(b"<html>error</html>").decode(),
    ],
)
def test_corrupt_inline_video_is_a_clear_error_and_no_clip(
    httpx2_mock: respx.Router, client: OmniClient, tmp_path: Path, data: str
) -> None:
    httpx2_mock.get(GET).mock(return_value=finished(data=data))
    with pytest.raises(ProviderError):
        client.download("int-1", omni_request(tmp_path), threading.Event())
    assert not (tmp_path / "clips" / "s1.mp4").exists()
    assert _no_temp_files(tmp_path / "clips")


@pytest.mark.parametrize(
    "encode",
    [
        lambda b: base64.b64encode(b).decode(),
        lambda b: base64.urlsafe_b64encode(b).decode().rstrip("="),
        lambda b: base64.encodebytes(b).decode(),  # wrapped at 76 columns
    ],
    ids=["standard", "urlsafe-unpadded", "line-wrapped"],
)
def test_inline_video_in_any_base64_dialect_lands_in_clips(
    httpx2_mock: respx.Router, client: OmniClient, tmp_path: Path, encode: Any
) -> None:
    body = CLIP
    httpx2_mock.get(GET).mock(return_value=finished(data=encode(body)))
    result = client.download("int-1", omni_request(tmp_path), threading.Event())
    assert result.clip_path.read_bytes() == body


def test_a_completed_interaction_without_video_fails_clearly_and_keeps_the_job(
    httpx2_mock: respx.Router, client: OmniClient, tmp_path: Path
) -> None:
    httpx2_mock.post(CREATE).mock(return_value=interaction())
    httpx2_mock.get(GET).mock(return_value=interaction("completed"))
    ledger = Ledger(tmp_path / "ledger.jsonl")
    with pytest.raises(ContentPolicyError, match="without a video"):
        list(run_job(omni_request(tmp_path), client, threading.Event(), journal=ledger))
    failed = [e for e in ledger.entries() if e.event == "failed"]
    assert failed[-1].job_id == "int-1"


def test_cancel_during_the_download_leaves_no_temp_file(
    httpx2_mock: respx.Router, client: OmniClient, tmp_path: Path
) -> None:
    cancel = threading.Event()

    def chunks() -> Iterator[bytes]:
        yield CLIP[:512]
        cancel.set()
        yield CLIP[512:]

    httpx2_mock.get(GET).mock(return_value=finished(uri=FILE))
    httpx2_mock.get(FILE).mock(
        return_value=httpx.Response(
            200, content=chunks(), headers={"content-length": str(len(CLIP))}
        )
    )
    assert client.poll("int-1").state is PollState.COMPLETED
    with pytest.raises(JobCancelledError):
        client.download("int-1", omni_request(tmp_path), cancel)
    assert not any((tmp_path / "clips").iterdir())


def test_a_poll_waits_30_s_at_most_per_read_so_a_cancel_is_not_held_for_minutes(
    httpx2_mock: respx.Router, client: OmniClient
) -> None:
    route = httpx2_mock.get(GET).mock(return_value=interaction())
    client.poll("int-1")  # asks for the event stream; answered JSON, so it polls from now on
    client.poll("int-1")
    plain = [c.request for c in route.calls if c.request.url.params.get("stream") != "true"]
    timeout = plain[0].extensions["timeout"]
    assert timeout["read"] == 30.0
    assert timeout["connect"] == 30.0
