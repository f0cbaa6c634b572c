"""kill -9 during a create's round trip (billed, answer not yet back), then render again.

The /v1/videos endpoint can list its videos: the next render finds the paid one and follows it,
never paying again. Gemini Omni cannot list: the scene is "outcome unknown, possibly billed",
counted at its estimate, and not sent again by a plain render.
"""

from __future__ import annotations

import json
import signal
import time
from typing import TYPE_CHECKING

import pytest

from imageai.core.ledger import LEDGER_NAME, Ledger
from tests.e2e.test_render_safety import _assert_all_done, _sora_project

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from tests.e2e.conftest import ImageaiCli
    from tests.fakes.server_process import FakeServerProcess

pytestmark = pytest.mark.e2e


def _kill_while_the_create_is_held(
    cli: ImageaiCli, server: FakeServerProcess, folder: Path
) -> None:
    render = cli.spawn("video", "render", str(folder), "--json")
    deadline = time.monotonic() + 60
    while server.stats().get("creates_held", 0) < 1:
        assert time.monotonic() < deadline, "the create never reached the server"
        time.sleep(0.05)
    render.process.send_signal(signal.SIGKILL)
    assert render.process.wait(timeout=10) == -signal.SIGKILL
    assert server.stats()["creates_billed"] == 1
    events = [e.event for e in Ledger(folder / LEDGER_NAME).entries()]
    assert events == ["intent"]  # sent, billed, and its answer never recorded
    server.configure(create_answer_delay_seconds=0)


def test_a_videos_endpoint_create_killed_mid_round_trip_is_found_not_paid_again(
    fake_api: Callable[..., FakeServerProcess], imageai_cli: ImageaiCli, tmp_path: Path
) -> None:
    server = fake_api(create_answer_delay_seconds=30, generation_seconds=0.3)
    imageai_cli.server = server
    folder = tmp_path / "film"
    _sora_project(imageai_cli, folder, 1)
    _kill_while_the_create_is_held(imageai_cli, server, folder)

    again = imageai_cli.run("video", "render", str(folder), "--json")

    assert again.returncode == 0, again.stdout[-2000:] + again.stderr[-2000:]
    assert server.stats()["creates_billed"] == 1
    _assert_all_done(folder, 1)


def test_an_omni_create_killed_mid_round_trip_is_possibly_billed_and_not_sent_again(
    fake_api: Callable[..., FakeServerProcess], imageai_cli: ImageaiCli, tmp_path: Path
) -> None:
    server = fake_api(create_answer_delay_seconds=30, generation_seconds=0.3)
    imageai_cli.server = server
    folder = tmp_path / "omni"
    script = tmp_path / "omni.txt"
    script.write_text("A lighthouse at dusk.\n")
    init = imageai_cli.run(
        "video", "init", str(folder), "--provider", "omni", "--script", str(script)
    )
    assert init.returncode == 0, init.stderr
    estimate = json.loads(imageai_cli.run("video", "estimate", str(folder), "--json").stdout)
    _kill_while_the_create_is_held(imageai_cli, server, folder)

    again = imageai_cli.run("video", "render", str(folder), "--json")

    assert again.returncode != 0  # nothing finished: the scene's outcome is unknown
    assert server.stats()["creates_billed"] == 1  # and it was not sent again
    status = json.loads(imageai_cli.run("video", "status", str(folder), "--json").stdout)
    assert status["total_possibly_billed_usd"] == pytest.approx(estimate["total_usd"])
    assert status["scenes"][0]["state"] == "outcome_unknown"
