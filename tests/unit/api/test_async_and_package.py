"""asyncio variants (the loop is never blocked), the keyless animatic, remix, and `imageai.__all__`."""

from __future__ import annotations

import asyncio
import importlib
import subprocess
import sys
import threading
from typing import TYPE_CHECKING

import pytest

import imageai
from imageai.api import VideoConfig, VideoProgress

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from imageai.api import VideoClient
    from tests.fakes.fake_provider import FakeProvider

FOX = VideoConfig(prompt="A red fox in snow", seconds=4)


def test_async_generation_leaves_the_loop_free_and_reports_on_it(
    omni_fake: Callable[..., FakeProvider], omni_client: Callable[..., VideoClient]
) -> None:
    gate = threading.Event()
    fake = omni_fake(gate=gate)
    client = omni_client()
    threads: set[int] = set()

    def on_progress(progress: VideoProgress) -> None:
        threads.add(threading.get_ident())

    async def main() -> bool:
        task = asyncio.create_task(client.generate_video_async(FOX, on_progress=on_progress))
        while not fake.started:  # created; its first poll holds until the gate opens
            await asyncio.sleep(0.01)
        running = not task.done()  # this coroutine ran while the job was still going
        gate.set()
        result = await task
        return running and result.success

    assert asyncio.run(main())
    assert threads == {threading.get_ident()}


def test_cancelling_the_task_cancels_the_job(
    omni_fake: Callable[..., FakeProvider], omni_client: Callable[..., VideoClient]
) -> None:
    gate = threading.Event()
    fake = omni_fake(gate=gate)
    client = omni_client()

    async def main() -> None:
        task = asyncio.create_task(client.generate_batch_async([FOX]))
        while not fake.started:
            await asyncio.sleep(0.01)
        task.cancel()
        await asyncio.sleep(0)  # the task takes the cancel and cancels the jobs' token
        gate.set()  # only then may the held poll return: the job must see the cancel
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(main())
    assert fake.cancelled == fake.started


def test_animatic_needs_no_key(tmp_path: Path) -> None:
    from imageai.api import VideoClient

    client = VideoClient("animatic", output_dir=tmp_path / "out")
    result = client.generate_video(VideoConfig(prompt="Title card", seconds=1))
    assert result.success, result.error
    assert result.video_path is not None and result.video_path.stat().st_size > 0
    assert result.cost_usd == 0.0


def test_omni_remix_edits_the_source_job_and_is_reused_on_a_rerun(
    omni_fake: Callable[..., FakeProvider], omni_client: Callable[..., VideoClient]
) -> None:
    fake = omni_fake()
    client = omni_client()
    source = client.generate_video(FOX)
    remixed = client.remix_video(source, "make it night")
    assert remixed.success, remixed.error
    request = fake.requests[-1]
    assert request.source is not None and request.source.job_id == source.job_id
    assert request.prompt == "make it night"
    assert remixed.video_path != source.video_path
    again = omni_client().edit(source, "make it night")
    assert again.reused
    assert len(fake.started) == 2


def test_public_names_are_listed_and_import_imageai_stays_light() -> None:
    for name in imageai.__all__:
        assert getattr(imageai, name) is not None
    assert "VideoClient" in imageai.__all__
    # The package's list is written out for type checkers; it must name exactly the API's.
    api = importlib.import_module("imageai.api")
    assert sorted(imageai.__all__) == sorted(api.__all__)
    code = (
        "import sys, imageai; "
        "print(any(m in sys.modules for m in ('imageai.api', 'openai', 'google.genai', 'PySide6')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert out.stdout.strip() == "False"


def test_ctrl_c_detaches_a_token_while_cancel_cancels_at_the_provider() -> None:
    from imageai.api.results import CancelToken
    from imageai.core.stop_token import detach, keeps_remote

    cancelled, interrupted = CancelToken(), CancelToken()
    cancelled.cancel()
    detach(interrupted.event)  # what a batch does on KeyboardInterrupt
    assert cancelled.cancelled and not keeps_remote(cancelled.event)
    assert interrupted.cancelled and keeps_remote(interrupted.event)
