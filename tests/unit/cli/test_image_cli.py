"""`imageai image generate/models`: exit codes, key rules and JSON, over respx-mocked APIs."""

from __future__ import annotations

import base64
import io
import json
from typing import TYPE_CHECKING, Any

import httpx
import pytest
import respx
from PIL import Image

from imageai.cli.exit_codes import ExitCode
from imageai.cli.main import main

if TYPE_CHECKING:
    from pathlib import Path

OPENAI_URL = "https://api.openai.com/v1/images/generations"
GEMINI_URL = (
    "https://generativelanguage.googleapis.com/v1/models/gemini-2.5-flash-image:generateContent"
)


def png_b64(color: tuple[int, int, int] = (1, 2, 3)) -> str:
    buf = io.BytesIO()
    Image.new("RGB", (12, 8), color).save(buf, format="PNG")
    return base64.b64encode(buf.getvalue()).decode()


def openai_ok(n: int) -> httpx.Response:
    return httpx.Response(200, json={"created": 1, "data": [{"b64_json": png_b64()}] * n})


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def generate_args(tmp_path: Path, *extra: str) -> list[str]:
    return [
        "image",
        "generate",
        "--provider",
        "openai",
        "--model",
        "gpt-image-1.5",
        "--prompt",
        "a paper boat",
        "--size",
        "1024x1024",
        "--quality",
        "low",
        "-o",
        str(tmp_path / "out"),
        *extra,
    ]


def test_generate_json_lists_saved_images_and_cost(
    httpx2_mock: respx.Router,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-env-key-123")
    route = httpx2_mock.post(OPENAI_URL).mock(return_value=openai_ok(2))
    code, out, _ = run(capsys, *generate_args(tmp_path, "--n", "2", "--json"))
    assert code == ExitCode.OK
    summary = json.loads(out)
    assert summary["model"] == "gpt-image-1.5"
    assert summary["estimate_usd"] == pytest.approx(0.018)
    assert summary["billed_usd"] == pytest.approx(0.018)
    assert len(summary["images"]) == 2
    for image in summary["images"]:
        assert (image["width"], image["height"]) == (12, 8)
        assert (tmp_path / "out").samefile(image["path"].rsplit("/", 1)[0])
    assert route.calls.last.request.headers["authorization"] == "Bearer sk-env-key-123"
    assert "sk-env-key-123" not in out


def test_generate_plain_prints_one_path_per_line(
    httpx2_mock: respx.Router,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-env-key-123")
    httpx2_mock.post(OPENAI_URL).mock(return_value=openai_ok(1))
    code, out, err = run(capsys, *generate_args(tmp_path))
    assert code == ExitCode.OK
    lines = out.splitlines()
    assert len(lines) == 1
    assert lines[0].endswith(".png")
    assert "estimated $0.009" in err


def test_missing_key_exits_3_before_any_call(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with respx.mock(using="httpcore2", assert_all_called=False) as router:
        route = router.post(OPENAI_URL).mock(return_value=openai_ok(1))
        code, _, err = run(capsys, *generate_args(tmp_path))
    assert code == ExitCode.KEY_PROBLEM
    assert "OPENAI_API_KEY" in err
    assert route.call_count == 0


def test_rejected_key_exits_3(
    httpx2_mock: respx.Router,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-bad-key-123")
    body = {"error": {"message": "Incorrect API key", "type": "x", "code": "invalid_api_key"}}
    httpx2_mock.post(OPENAI_URL).mock(return_value=httpx.Response(401, json=body))
    code, _, err = run(capsys, *generate_args(tmp_path))
    assert code == ExitCode.KEY_PROBLEM
    assert "sk-bad-key-123" not in err


@pytest.mark.parametrize(
    "change",
    [["--model", "dall-e-3"], ["--size", "999x999"], ["--n", "0"], ["--quality", "ultra"]],
)
def test_invalid_input_exits_2_without_a_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], change: list[str]
) -> None:
    code, _, err = run(capsys, *generate_args(tmp_path), *change)
    assert code == ExitCode.INVALID_INPUT
    assert "imageai: error:" in err


def test_content_filter_exits_1_with_the_error_kind_in_json(
    httpx2_mock: respx.Router,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-env-key-123")
    body = {"error": {"message": "blocked", "type": "x", "code": "moderation_blocked"}}
    httpx2_mock.post(OPENAI_URL).mock(return_value=httpx.Response(400, json=body))
    code, out, _ = run(capsys, *generate_args(tmp_path, "--json"))
    assert code == ExitCode.SCENE_FAILED
    summary = json.loads(out)
    assert summary["error"]["kind"] == "content_policy"
    assert summary["images"] == []


def test_google_uses_gemini_api_key_and_one_call_per_image(
    httpx2_mock: respx.Router,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("GOOGLE_API_KEY", "AIza-google-fallback")
    monkeypatch.setenv("GEMINI_API_KEY", "AIza-gemini-first")
    part: dict[str, Any] = {"inlineData": {"mimeType": "image/png", "data": png_b64()}}
    route = httpx2_mock.post(GEMINI_URL).mock(
        return_value=httpx.Response(200, json={"candidates": [{"content": {"parts": [part]}}]})
    )
    code, out, _ = run(
        capsys,
        "image",
        "generate",
        "--provider",
        "google",
        "--model",
        "gemini-2.5-flash-image",
        "--prompt",
        "a tea cup",
        "--size",
        "16:9",
        "--n",
        "2",
        "-o",
        str(tmp_path),
        "--json",
    )
    assert code == ExitCode.OK
    assert route.call_count == 2
    assert route.calls.last.request.headers["x-goog-api-key"] == "AIza-gemini-first"
    assert len(json.loads(out)["images"]) == 2


def test_models_json_hides_shut_down_models_unless_all(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "image", "models", "--json")
    assert code == ExitCode.OK
    ids = {m["id"] for m in json.loads(out)}
    assert "gpt-image-2" in ids
    assert "gpt-image-1" not in ids
    assert "dall-e-3" not in ids
    _, out, _ = run(capsys, "image", "models", "--all", "--json")
    assert {"gpt-image-1", "dall-e-2", "dall-e-3"} <= {m["id"] for m in json.loads(out)}
