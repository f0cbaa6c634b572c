"""The Images tab and `imageai image generate` build and refuse requests the same way."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

import pytest

from imageai.cli.image_commands import add_parser, choices_from_args
from imageai.cli.main import main
from imageai.core.errors import ValidationError
from imageai.core.gallery_store import GalleryStore
from imageai.core.image_catalog import ImageProviderName, load_image_catalog
from imageai.gui.images.images_panel import ImagesPanel
from imageai.services import job_runner
from imageai.services.image_generation import build_image_request, prepare_image_job
from imageai.services.job_runner import JobRunner

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from pytestqt.qtbot import QtBot


def cli_args(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_parser(parser.add_subparsers())
    return parser.parse_args(["image", "generate", *argv])


@pytest.fixture
def panel(qtbot: QtBot, tmp_path: Path) -> Iterator[ImagesPanel]:
    runner = JobRunner(1)

    def no_provider(_name: ImageProviderName) -> object:
        raise AssertionError("an invalid request must not build a provider")

    widget = ImagesPanel(
        GalleryStore(tmp_path / "gallery"),
        load_image_catalog(),
        runner,
        no_provider,  # type: ignore[arg-type]
    )
    qtbot.add_widget(widget)
    yield widget
    runner.shutdown(5000)
    qtbot.wait_until(lambda: not job_runner.live_threads(), timeout=5000)


def test_form_and_command_line_build_identical_requests(panel: ImagesPanel, tmp_path: Path) -> None:
    form = panel.form
    form.select(ImageProviderName.GOOGLE, "gemini-3-pro-image")
    form.prompt.setPlainText("  two boats at dawn\n")
    form.size_box.setCurrentIndex(form.size_box.findData("16:9"))
    form.quality.setCurrentIndex(form.quality.findData("2K"))
    form.count.setValue(3)
    args = cli_args(
        "--provider", "google", "--model", "gemini-3-pro-image", "--prompt", "two boats at dawn",
        "--size", "16:9", "--quality", "2K", "--n", "3",
    )  # fmt: skip
    out = tmp_path / "gallery"
    assert build_image_request(form.choices(), out_dir=out, job_id="j") == build_image_request(
        choices_from_args(args), out_dir=out, job_id="j"
    )


def test_the_same_invalid_count_gives_the_same_error_in_both(
    panel: ImagesPanel, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    form = panel.form
    form.select(ImageProviderName.OPENAI, "gpt-image-1.5")
    form.prompt.setPlainText("a paper boat")
    # The spin box stops at the model's maximum; the CLI takes any number.
    args = cli_args(
        "--provider", "openai", "--model", "gpt-image-1.5", "--prompt", "a paper boat", "--n", "0",
    )  # fmt: skip
    with pytest.raises(ValidationError) as caught:
        prepare_image_job(
            load_image_catalog(),
            choices_from_args(args),
            lambda _n: None,  # type: ignore[arg-type,return-value]
            out_dir=tmp_path,
            job_id="x",
        )
    code = main(
        ["image", "generate", "--provider", "openai", "--model", "gpt-image-1.5",
         "--prompt", "a paper boat", "--n", "0", "-o", str(tmp_path / "o")]
    )  # fmt: skip
    assert code == 2
    assert str(caught.value) in capsys.readouterr().err


def test_empty_prompt_shows_the_error_the_cli_prints(
    panel: ImagesPanel, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    panel.form.select(ImageProviderName.OPENAI, "gpt-image-1.5")
    panel.form.prompt.setPlainText("   ")
    panel.form.generate.click()
    assert panel.status.property("error_kind") == "invalid_request"
    code = main(
        ["image", "generate", "--provider", "openai", "--model", "gpt-image-1.5",
         "--prompt", "   ", "-o", str(tmp_path / "o")]
    )  # fmt: skip
    err = capsys.readouterr().err
    assert code == 2
    assert "prompt: is empty" in err
    assert "prompt: is empty" in panel.status.text()
