"""AnimaticProvider renders real clips with ffmpeg: size, duration, progress, cancel, run_job."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from PIL import Image, ImageFont

from imageai.core.background_process import BACKGROUND_NICENESS
from imageai.core.errors import JobCancelledError, NotFoundError, ValidationError
from imageai.core.job_loop import run_job
from imageai.core.jobs import (
    Created,
    Done,
    Downloading,
    JobRequest,
    PollState,
    PollStatus,
    Progress,
    Queued,
    StartedJob,
)
from imageai.core.media import probe, read_progress
from imageai.core.models import AnimaticSettings, FitMode, ProviderName, SoraSettings
from imageai.core.shot import ShotSpec
from imageai.core.title_card import draw_title_card, wrap
from imageai.providers.animatic.provider import AnimaticProvider

if TYPE_CHECKING:
    import subprocess

SMALL = "320x180"


def make_request(
    project_dir: Path,
    *,
    size: str = SMALL,
    seconds: int = 1,
    fps: int = 12,
    reference: Path | None = None,
    fit: FitMode = FitMode.CROP,
    scene_id: str = "s1",
) -> JobRequest:
    return JobRequest(
        scene_id=scene_id,
        index=2,
        title="Lighthouse",
        spec=ShotSpec(provider=ProviderName.ANIMATIC, model="animatic", seconds=seconds, size=size),
        prompt="A keeper climbs the spiral stairs at dusk, lantern swinging.",
        settings=AnimaticSettings(size=size, seconds=seconds, fps=fps),
        project_dir=project_dir,
        reference_image=reference,
        fit=fit,
    )


def wait_done(provider: AnimaticProvider, job_id: str, timeout: float = 60) -> list[PollStatus]:
    statuses: list[PollStatus] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = provider.poll(job_id)
        statuses.append(status)
        if status.state is not PollState.RUNNING:
            return statuses
        time.sleep(0.02)
    raise AssertionError("render did not finish")


def render(provider: AnimaticProvider, request: JobRequest) -> Path:
    job = provider.start(request)
    assert job.job_id.startswith(f"animatic-{request.scene_id}-")
    assert job.billed_usd == 0.0
    assert wait_done(provider, job.job_id)[-1].state is PollState.COMPLETED
    result = provider.download(job.job_id, request, threading.Event())
    assert result.billed_usd == 0.0
    assert result.thumbnail_path is not None
    assert result.thumbnail_path == request.thumbs_dir / f"{request.scene_id}.jpg"
    with Image.open(result.thumbnail_path) as thumb:
        assert thumb.format == "JPEG"
    return result.clip_path


def test_title_card_clip_has_requested_size_duration_and_silent_stereo(
    provider: AnimaticProvider, tmp_path: Path
) -> None:
    clip = render(provider, make_request(tmp_path, seconds=2))

    assert clip == tmp_path / "clips" / "s1.mp4"
    info = probe(clip)
    assert (info.width, info.height) == (320, 180)
    assert info.duration == pytest.approx(2.0, abs=0.05)
    assert info.fps == 12
    assert info.video_codec == "h264"
    assert info.pix_fmt == "yuv420p"
    assert (info.audio_codec, info.audio_rate, info.audio_layout) == ("aac", 48000, "stereo")
    assert [p.name for p in (tmp_path / "clips").iterdir()] == ["s1.mp4"]


@pytest.mark.parametrize("fit", [FitMode.CROP, FitMode.PAD])
def test_reference_image_clip_has_frame_size_and_duration(
    provider: AnimaticProvider, tmp_path: Path, fit: FitMode
) -> None:
    reference = tmp_path / "door.png"
    Image.new("RGB", (400, 600), (200, 80, 40)).save(reference)

    clip = render(provider, make_request(tmp_path, size="1280x720", reference=reference, fit=fit))

    info = probe(clip)
    assert (info.width, info.height) == (1280, 720)
    assert info.duration == pytest.approx(1.0, abs=0.05)


def test_progress_fractions_rise_to_completion(provider: AnimaticProvider, tmp_path: Path) -> None:
    job = provider.start(make_request(tmp_path, size="1280x720", seconds=3, fps=24))
    statuses = wait_done(provider, job.job_id)

    fractions = [s.fraction for s in statuses]
    assert statuses[0].state is PollState.RUNNING
    assert statuses[-1].state is PollState.COMPLETED
    assert fractions[-1] == 1.0
    assert fractions == sorted(fractions)
    assert all(0.0 <= f <= 1.0 for f in fractions)


def _long_render(
    provider: AnimaticProvider, tmp_path: Path
) -> tuple[StartedJob, subprocess.Popen[bytes]]:
    """A 30 s render of a detailed reference, started: time enough to look at its ffmpeg."""
    reference = tmp_path / "ref.png"
    Image.effect_noise((1280, 720), 80).convert("RGB").save(reference)
    request = make_request(tmp_path, size="1280x720", seconds=30, fps=24, reference=reference)
    job = provider.start(request)
    return job, provider._renders[job.job_id].process


def test_cancel_kills_ffmpeg_and_leaves_no_partial_file(
    provider: AnimaticProvider, tmp_path: Path
) -> None:
    job, process = _long_render(provider, tmp_path)
    assert provider.poll(job.job_id).state is PollState.RUNNING

    provider.cancel(job.job_id)

    assert process.poll() is not None
    assert list((tmp_path / "clips").iterdir()) == []
    assert provider.poll(job.job_id).state is PollState.FAILED


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="Linux threads")
def test_every_thread_of_ffmpeg_runs_nicer_than_the_app(
    provider: AnimaticProvider, tmp_path: Path
) -> None:
    job, process = _long_render(provider, tmp_path)
    try:
        while read_progress(provider._renders[job.job_id].progress_file)[0] == 0:
            assert process.poll() is None
            time.sleep(0.02)  # until it encodes: every thread it needs is running
        niceness = {
            int(stat.read_text().rsplit(")", 1)[1].split()[16])
            for stat in Path(f"/proc/{process.pid}/task").glob("*/stat")
        }
    finally:
        provider.cancel(job.job_id)

    own = os.getpriority(os.PRIO_PROCESS, 0)
    assert niceness == {min(19, own + BACKGROUND_NICENESS)}


def test_unknown_job_after_restart_fails_with_clear_message(provider: AnimaticProvider) -> None:
    status = provider.poll("animatic-s1-deadbeef")

    assert status.state is PollState.FAILED
    assert isinstance(status.error, NotFoundError)
    assert "render the scene again" in status.error.user_message


def test_ffmpeg_failure_is_reported_with_its_stderr(
    provider: AnimaticProvider, tmp_path: Path
) -> None:
    # libx264 cannot encode yuv420p at an odd width: a real ffmpeg failure.
    job = provider.start(make_request(tmp_path, size="181x320"))

    status = wait_done(provider, job.job_id)[-1]

    assert status.state is PollState.FAILED
    assert status.error is not None
    assert "ffmpeg failed" in status.error.user_message
    assert status.error.detail.strip()
    assert list((tmp_path / "clips").iterdir()) == []


def test_validate_rejects_wrong_settings_size_and_missing_image(
    provider: AnimaticProvider, tmp_path: Path
) -> None:
    good = make_request(tmp_path)
    provider.validate(good)
    with pytest.raises(ValidationError, match="size"):
        provider.validate(make_request(tmp_path, size="999x999"))
    with pytest.raises(ValidationError, match="reference_image"):
        provider.validate(make_request(tmp_path, reference=tmp_path / "nope.png"))
    with pytest.raises(ValidationError, match="settings"):
        provider.validate(good.model_copy(update={"settings": SoraSettings()}))
    assert provider.estimate(good) == 0.0
    assert [m.id for m in provider.capabilities()] == ["animatic"]


def test_run_job_yields_events_in_order(tmp_path: Path) -> None:
    # The packaged catalog: the same path the CLI takes.
    provider = AnimaticProvider(poll_interval=0.02)
    request = make_request(tmp_path, size="1280x720", seconds=1)

    events = list(run_job(request, provider, threading.Event()))

    kinds = [type(e) for e in events]
    assert kinds[:2] == [Queued, Created]
    assert kinds[-2:] == [Downloading, Done]
    assert set(kinds[2:-2]) <= {Progress}
    done = events[-1]
    assert isinstance(done, Done)
    assert done.result.clip_path == tmp_path / "clips" / "s1.mp4"
    assert probe(done.result.clip_path).duration == pytest.approx(1.0, abs=0.05)


def test_run_job_cancel_mid_render_removes_partial_clip(
    provider: AnimaticProvider, tmp_path: Path
) -> None:
    request = make_request(tmp_path, size="1280x720", seconds=30, fps=24)
    cancel = threading.Event()
    seen: list[type] = []

    def drive() -> None:
        for event in run_job(request, provider, cancel):
            seen.append(type(event))
            if isinstance(event, Progress):
                cancel.set()

    with pytest.raises(JobCancelledError):
        drive()

    assert seen[:3] == [Queued, Created, Progress]
    assert Done not in seen
    assert list((tmp_path / "clips").iterdir()) == []
    assert provider._renders == {}


def test_title_card_wraps_long_prompts_inside_the_frame() -> None:
    card = draw_title_card("Film · Scene 1 · 4 s\n\n" + "word " * 400, (320, 180))
    font = ImageFont.load_default(size=12)
    font_lines = wrap("a " * 200 + "x" * 80, font, 100)

    assert card.size == (320, 180)
    assert len(font_lines) > 5
    assert all(font.getlength(line) <= 100 for line in font_lines)
    # Something was drawn in the body area, and the bottom margin stayed clear.
    assert card.crop((0, 60, 320, 150)).getextrema() != card.crop((0, 0, 1, 1)).getextrema()
    assert card.crop((0, 176, 320, 180)).getcolors() == [(320 * 4, (18, 20, 28))]


def test_a_title_card_for_ffmpeg_is_written_with_the_fastest_compression(
    provider: AnimaticProvider, tmp_path: Path
) -> None:
    # A temp file ffmpeg reads once: compressing it harder only takes CPU from the app.
    job = provider.start(make_request(tmp_path, size="1280x720"))
    render_ = provider._get(job.job_id)
    assert render_ is not None
    data = (render_.workdir / "source.png").read_bytes()
    idat = data.index(b"IDAT")
    zlib_header = data[idat + 4 : idat + 6]
    assert zlib_header == b"\x78\x01"  # FLEVEL 0: the fastest level
    provider.cancel(job.job_id)
