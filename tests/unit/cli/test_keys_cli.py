"""`imageai keys check` tells apart a good key, a bad key, no video access and no network."""

from __future__ import annotations

import socket
from typing import TYPE_CHECKING

import pytest

from imageai.cli.main import main
from tests.fakes.fake_server import FakeConfig, serve

if TYPE_CHECKING:
    from collections.abc import Iterator


@pytest.fixture(scope="module")
def fake_url() -> Iterator[str]:
    server = serve(0, FakeConfig(valid_keys=["good-key"], no_video_keys=["no-video-key"]))
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def closed_port_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}"


@pytest.mark.parametrize(
    ("key", "code", "status"),
    [("good-key", 0, "ok"), ("wrong", 3, "bad_key"), ("no-video-key", 3, "no_video_access")],
)
def test_openai_key_check(
    fake_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    key: str,
    code: int,
    status: str,
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", key)
    monkeypatch.setenv("OPENAI_BASE_URL", f"{fake_url}/v1")
    assert main(["keys", "check", "openai"]) == code
    out = capsys.readouterr().out
    assert out.startswith(f"openai: {status}:")
    assert key not in out


@pytest.mark.parametrize(
    ("key", "code", "status"),
    [("good-key", 0, "ok"), ("wrong", 3, "bad_key"), ("no-video-key", 3, "no_video_access")],
)
def test_google_key_check(
    fake_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    key: str,
    code: int,
    status: str,
) -> None:
    monkeypatch.setenv("GEMINI_API_KEY", key)
    monkeypatch.setenv("GOOGLE_GEMINI_BASE_URL", fake_url)
    assert main(["keys", "check", "google"]) == code
    assert capsys.readouterr().out.startswith(f"google: {status}:")


def test_network_problem_is_not_a_key_problem(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "good-key")
    monkeypatch.setenv("OPENAI_BASE_URL", f"{closed_port_url()}/v1")
    assert main(["keys", "check", "openai"]) == 1
    assert capsys.readouterr().out.startswith("openai: network:")


def test_missing_key_and_status(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert main(["keys", "check", "google"]) == 3
    assert "missing" in capsys.readouterr().out
    monkeypatch.setenv("GOOGLE_API_KEY", "x" * 20)
    assert main(["keys", "status"]) == 0
    out = capsys.readouterr().out
    assert "google: from GOOGLE_API_KEY" in out
    assert "openai: not set" in out
