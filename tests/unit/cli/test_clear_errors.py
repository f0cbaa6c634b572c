"""Hostile or careless input gets one clear line and exit 2, never a traceback (issue 13 item 8)."""

from __future__ import annotations

import json
import os
import stat
from typing import TYPE_CHECKING

import pytest

from imageai.cli.main import main
from imageai.core import project_store
from imageai.core.models import Project, ProviderName, Scene, SoraSettings
from tests.fakes.fake_server import FakeConfig, serve

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from tests.fakes.fake_server import _Server


def _sora_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "film"
    folder.mkdir()
    settings = Project().settings.model_copy(update={"sora": SoraSettings(seconds=4)})
    project = Project(provider=ProviderName.SORA, settings=settings, scenes=(Scene(prompt="p"),))
    project_store.save(project, folder)
    return folder


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[_Server]:
    server = serve(0, FakeConfig(generation_seconds=0.0))
    url = f"http://127.0.0.1:{server.server_address[1]}"
    monkeypatch.setenv("OPENAI_BASE_URL", f"{url}/v1")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-clear-errors-key")
    monkeypatch.setenv("GEMINI_API_KEY", "sk-clear-errors-key")
    monkeypatch.setenv("GOOGLE_GEMINI_BASE_URL", url)
    yield server
    server.shutdown()
    server.server_close()


def _clean(err: str) -> None:
    assert "Traceback" not in err
    assert err.startswith("imageai: error:")
    assert len(err.strip().splitlines()) <= 2


@pytest.mark.parametrize("video_id", ["", "v" * 100_000, "video_1/../../x", "video 1", "vid\n1"])
def test_adopt_and_remote_delete_refuse_a_malformed_id_before_any_call(
    fake: _Server, tmp_path: Path, capsys: pytest.CaptureFixture[str], video_id: str
) -> None:
    folder = _sora_folder(tmp_path)
    before = dict(fake.state.stats)
    adopt = ["video", "adopt", str(folder), "--scene", "1", "--video-id", video_id]
    assert main(adopt) == 2
    err = capsys.readouterr().err
    _clean(err)
    assert "video-id" in err and len(err) < 500
    delete = ["video", "remote-delete", "--video-id", video_id, "--yes"]
    assert main(delete) == 2
    _clean(capsys.readouterr().err)
    assert fake.state.stats.get("requests", 0) == before.get("requests", 0)


@pytest.mark.parametrize("kind", ["html", "wrong_types"])
@pytest.mark.parametrize(
    "argv",
    [
        ["video", "remote-list"],
        ["video", "adopt", "{dir}", "--scene", "1", "--video-id", "video_abc"],
        ["keys", "check", "openai"],
        ["keys", "check", "google"],
    ],
)
def test_html_or_wrong_typed_json_from_a_server_is_a_clear_error(
    fake: _Server,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    kind: str,
    argv: list[str],
) -> None:
    folder = _sora_folder(tmp_path)
    fake.state.config.hostile_json = kind
    code = main([a.replace("{dir}", str(folder)) for a in argv])
    out, err = capsys.readouterr()
    assert code != 0
    assert "Traceback" not in err
    assert "unexpected" not in (out + err).lower()


def test_a_listed_video_with_fractional_seconds_is_listed(
    fake: _Server, capsys: pytest.CaptureFixture[str]
) -> None:
    params = {"prompt": "x", "model": "sora-2", "size": "1280x720", "seconds": "4.5"}
    fake.state.new_job("sora", params, prefix="video_")
    assert main(["video", "remote-list", "--json"]) == 0
    videos = json.loads(capsys.readouterr().out)["videos"]
    assert videos[0]["seconds"] == 5  # rounded up: a clip is never shorter than listed


def test_init_on_a_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "notes.txt"
    target.write_text("mine")
    assert main(["video", "init", str(target), "--provider", "animatic"]) == 2
    _clean(capsys.readouterr().err)
    assert target.read_text() == "mine"


@pytest.mark.parametrize("name", ["project.json", "ledger.jsonl"])
def test_json_nested_100k_deep_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    folder = _sora_folder(tmp_path)
    (folder / name).write_text("[" * 100_000 + "]" * 100_000)
    code = main(["video", "status", str(folder)])
    err = capsys.readouterr().err
    assert code == 2
    _clean(err)


READ_ONLY_COMMANDS = [
    ["video", "render", "{dir}"],
    ["video", "retarget", "{dir}", "--provider", "animatic", "--yes"],
]


@pytest.mark.parametrize("argv", READ_ONLY_COMMANDS)
def test_a_folder_that_refuses_writes_exits_2(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
) -> None:
    """As a read-only folder answers (also when tests run as root, who may write anywhere)."""
    from imageai.core import project_files

    folder = _sora_folder(tmp_path)

    def refuse(path: Path, *args: object, **kwargs: object) -> object:
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(project_files, "open_update", refuse)
    code = main([a.replace("{dir}", str(folder)) for a in argv])
    err = capsys.readouterr().err
    assert code == 2
    _clean(err)
    assert "Permission denied" in err or "permission denied" in err


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
@pytest.mark.parametrize("argv", READ_ONLY_COMMANDS)
def test_a_read_only_project_folder_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    folder = _sora_folder(tmp_path)
    folder.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        code = main([a.replace("{dir}", str(folder)) for a in argv])
    finally:
        folder.chmod(stat.S_IRWXU)
    assert code == 2
    _clean(capsys.readouterr().err)
