"""A hostile or broken server: endless bodies are cut at a cap, odd JSON is a clear error."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from imageai.cli.main import main
from imageai.core import project_store
from imageai.core.models import Project, ProviderName, SoraSettings
from imageai.core.response_limits import MIN_CLIP_BYTES, clip_byte_limit
from tests.fakes.fake_server import FakeConfig, serve

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from tests.fakes.fake_server import _Server

KEY = "sk-hostile-test-key"


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[_Server]:
    server = serve(0, FakeConfig(generation_seconds=0.0, poll_after_ms=10))
    url = f"http://127.0.0.1:{server.server_address[1]}"
    monkeypatch.setenv("OPENAI_BASE_URL", f"{url}/v1")
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    monkeypatch.setenv("GEMINI_API_KEY", KEY)
    monkeypatch.setenv("GOOGLE_GEMINI_BASE_URL", url)
    yield server
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize(
    "argv", [["video", "remote-list"], ["keys", "check", "openai"], ["keys", "check", "google"]]
)
def test_an_endless_json_body_is_cut_at_the_cap(
    fake: _Server, capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    fake.state.config.hostile_json = "endless"
    code = main(argv)
    out, err = capsys.readouterr()
    assert code != 0
    assert "far more than it can need" in out + err
    assert "Traceback" not in err


def test_an_endless_clip_stops_at_its_bound_and_nothing_is_kept(
    fake: _Server, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    params = {"prompt": "x", "model": "sora-2", "size": "1280x720", "seconds": "4"}
    video = fake.state.new_job("sora", params, prefix="video_")
    video.created_at -= 60
    folder = tmp_path / "film"
    folder.mkdir()
    settings = Project().settings.model_copy(update={"sora": SoraSettings(seconds=4)})
    project_store.save(
        Project(provider=ProviderName.SORA, settings=settings, scenes=()).model_copy(), folder
    )
    from imageai.core.models import Scene

    project_store.save(
        Project(provider=ProviderName.SORA, settings=settings, scenes=(Scene(prompt="p"),)),
        folder,
    )
    fake.state.config.endless_clip = True
    code = main(["video", "adopt", str(folder), "--scene", "1", "--video-id", video.id])
    err = capsys.readouterr().err
    assert code != 0
    assert "far more than it can need" in err
    leftovers = [p for p in folder.rglob("*") if p.is_file() and p.stat().st_size > MIN_CLIP_BYTES]
    assert leftovers == []


def test_the_clip_bound_grows_with_seconds_and_size() -> None:
    small = clip_byte_limit(4, (1280, 720))
    assert small >= MIN_CLIP_BYTES
    assert clip_byte_limit(8, (1280, 720)) > small
    assert clip_byte_limit(8, (3840, 2160)) > clip_byte_limit(8, (1280, 720))
    # Generous: a real 8 s 720p clip is ~10 MB.
    assert clip_byte_limit(8, (1280, 720)) > 50 * (1 << 20)


@pytest.mark.parametrize("delivery", ["uri"])
def test_an_endless_omni_clip_stops_at_its_bound(
    fake: _Server, tmp_path: Path, capsys: pytest.CaptureFixture[str], delivery: str
) -> None:
    script = tmp_path / "script.txt"
    script.write_text("A lighthouse at dusk. [4s]\n")
    folder = tmp_path / "omni"
    assert main(["video", "init", str(folder), "--provider", "omni", "--script", str(script)]) == 0
    fake.state.config.omni_delivery = delivery
    fake.state.config.endless_clip = True
    code = main(["video", "render", str(folder), "--budget", "5"])
    out, err = capsys.readouterr()
    assert code != 0
    assert "MB for the clip, far more than it can need" in out + err
    big = [p for p in folder.rglob("*") if p.is_file() and p.stat().st_size > MIN_CLIP_BYTES]
    assert big == []


def test_an_endless_omni_answer_is_cut_at_its_cap(
    fake: _Server, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    script = tmp_path / "script.txt"
    script.write_text("A lighthouse at dusk. [4s]\n")
    folder = tmp_path / "omni"
    assert main(["video", "init", str(folder), "--provider", "omni", "--script", str(script)]) == 0
    fake.state.config.hostile_json = "endless"
    code = main(["video", "render", str(folder), "--budget", "5"])
    out, err = capsys.readouterr()
    assert code != 0
    assert "Traceback" not in err
    # A create whose answer never ended may have been billed: said so, never created again.
    assert "ResponseTooLargeError" in out + err
    assert "may or may not have been created" in out + err
