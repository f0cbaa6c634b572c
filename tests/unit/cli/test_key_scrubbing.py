"""Keys never reach the terminal or the log, even when a server echoes them; bad keys are refused."""

from __future__ import annotations

from typing import TYPE_CHECKING

# The test installs a failing backend, as a machine with no keyring has.
import keyring  # noqa: TID251
import keyring.backends.fail  # noqa: TID251
import pytest

from imageai.cli.main import main
from imageai.core import project_store
from imageai.core.models import Project, ProviderName, RenderState, Scene, SoraSettings
from imageai.core.paths import log_dir
from tests.fakes.fake_server import FakeConfig, serve

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

#: Not shaped like any vendor's key: only the scrubber's memory of keys it read can catch it.
PLAIN_KEY = "k3y-Echoed-Secret-987"
#: Shaped like an OpenAI key.
SHAPED_KEY = "sk-proj-AbCdEf0123456789xyz"


@pytest.fixture
def echo_url() -> Iterator[str]:
    """A server whose every API answer is a 400 error repeating the key it was sent."""
    server = serve(0, FakeConfig(echo_key_status=400))
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _sora_project(folder: Path) -> Path:
    settings = Project().settings.model_copy(update={"sora": SoraSettings(seconds=4)})
    project = Project(
        provider=ProviderName.SORA,
        settings=settings,
        scenes=(
            Scene(
                id="s1",
                prompt="A lighthouse.",
                state=RenderState.DONE,
                job_id="video_source1",
                job_provider=ProviderName.SORA,
                clip_path="clips/s1.mp4",
            ),
            Scene(id="s2", prompt="The keeper climbs."),
        ),
    )
    (folder / "clips").mkdir(parents=True)
    (folder / "clips" / "s1.mp4").write_bytes(b"clip")
    project_store.save(project, folder)
    return folder


COMMANDS = {
    "keys-check-openai": ["keys", "check", "openai"],
    "keys-check-google": ["keys", "check", "google"],
    "remote-list": ["video", "remote-list"],
    "remote-list-json": ["video", "remote-list", "--json"],
    "remote-delete": ["video", "remote-delete", "--video-id", "video_abc", "--yes"],
    "adopt": ["video", "adopt", "{dir}", "--scene", "2", "--video-id", "video_abc"],
    "remix": ["video", "remix", "{dir}", "--scene", "1", "--prompt", "At dawn."],
}


@pytest.mark.parametrize("key", [PLAIN_KEY, SHAPED_KEY])
@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_an_echoed_key_is_never_printed_or_logged(
    echo_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    command: str,
    key: str,
) -> None:
    folder = _sora_project(tmp_path / "film")
    monkeypatch.setenv("OPENAI_API_KEY", key)
    monkeypatch.setenv("OPENAI_BASE_URL", f"{echo_url}/v1")
    monkeypatch.setenv("GEMINI_API_KEY", key)
    monkeypatch.setenv("GOOGLE_GEMINI_BASE_URL", echo_url)
    argv = [a.replace("{dir}", str(folder)) for a in COMMANDS[command]]
    code = main(argv)
    out, err = capsys.readouterr()
    assert code != 0
    assert "***" in out + err  # the echo reached the user, scrubbed
    assert key not in out + err
    assert key not in (log_dir() / "imageai-cli.log").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("sk-abc123456\nsk-second", "a line break at position 13"),
        ("sk-abc\x07defghij", "a control character at position 7"),
        ("sk-abcdéfghijk", "a non-ASCII character at position 8"),
        ("sk-abc defghijk", "a space at position 7"),
    ],
)
def test_a_key_with_a_newline_or_odd_characters_is_refused_with_the_reason(
    echo_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    value: str,
    reason: str,
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", value)
    monkeypatch.setenv("OPENAI_BASE_URL", f"{echo_url}/v1")
    assert main(["keys", "check", "openai"]) == 2
    out, err = capsys.readouterr()
    assert f"OPENAI_API_KEY holds {reason}" in err
    assert "network" not in (out + err).lower()
    assert value not in out + err
    assert "Traceback" not in err


def test_keys_set_refuses_a_key_with_odd_characters(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO("sk-abc\x1bdefghijk\n"))
    assert main(["keys", "set", "openai", "--stdin"]) == 2
    assert "a control character at position 7" in capsys.readouterr().err


def test_keys_set_without_a_terminal_says_to_use_stdin(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert main(["keys", "set", "openai"]) == 2
    err = capsys.readouterr().err
    assert "--stdin" in err
    assert "Traceback" not in err


@pytest.fixture
def no_keyring_backend(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The OS has no keyring (a headless machine): every keyring call raises NoKeyringError."""
    monkeypatch.delenv("IMAGEAI_NO_KEYRING")
    previous = keyring.get_keyring()
    keyring.set_keyring(keyring.backends.fail.Keyring())
    yield
    keyring.set_keyring(previous)


@pytest.mark.parametrize(
    "argv", [["keys", "set", "openai", "--stdin"], ["keys", "delete", "google"]]
)
def test_keys_set_and_delete_without_a_keyring_backend_exit_2(
    no_keyring_backend: None,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
) -> None:
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO("sk-good-key-123456\n"))
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "keyring cannot be used" in err
    assert "in the environment instead" in err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["keys", "set", "openai", "--stdin"], "the openai key was not stored"),
        (["keys", "delete", "google"], "nothing was removed"),
    ],
)
def test_keys_set_and_delete_with_the_keyring_switched_off_say_so(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], argv: list[str], said: str
) -> None:
    import io

    monkeypatch.setenv("IMAGEAI_NO_KEYRING", "1")
    monkeypatch.setattr("sys.stdin", io.StringIO("sk-good-key-123456\n"))
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert "IMAGEAI_NO_KEYRING is set" in err and said in err
    assert "Stored" not in out and "Removed" not in out
