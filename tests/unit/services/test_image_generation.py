"""services.image_generation: one request builder and validator for the Images tab and the CLI."""

from __future__ import annotations

import argparse
import threading
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from imageai.cli.image_commands import add_parser, choices_from_args
from imageai.core.errors import AuthError, ValidationError
from imageai.core.image_catalog import ImageProviderName, load_image_catalog
from imageai.core.image_jobs import GeneratedImage, ImagesDone
from imageai.services.image_generation import (
    ImageChoices,
    build_image_request,
    prepare_image_job,
    quote_image_choices,
)

if TYPE_CHECKING:
    from imageai.core.image_catalog import ImageModelInfo
    from imageai.core.image_jobs import ImageRequest

OPENAI = ImageProviderName.OPENAI
CATALOG = load_image_catalog()


class OnePixelImages:
    """A fake provider that returns ``count`` one-pixel PNGs and records its requests."""

    name = OPENAI

    def __init__(self) -> None:
        self.calls: list[ImageRequest] = []

    def generate(
        self, request: ImageRequest, model: ImageModelInfo, count: int
    ) -> list[GeneratedImage]:
        import io

        from PIL import Image

        self.calls.append(request)
        buf = io.BytesIO()
        Image.new("RGB", (1, 1)).save(buf, format="PNG")
        return [GeneratedImage(data=buf.getvalue()) for _ in range(count)]


def cli_args(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_parser(parser.add_subparsers())
    return parser.parse_args(["image", "generate", *argv])


def good_choices(**changes: object) -> ImageChoices:
    values: dict[str, object] = {
        "provider": OPENAI,
        "model": "gpt-image-1.5",
        "prompt": "a paper boat",
        "size": "1024x1024",
        "quality": "low",
        "count": 2,
    }
    values.update(changes)
    return ImageChoices(**values)  # type: ignore[arg-type]


def test_request_strips_the_prompt_and_makes_paths_absolute(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    request = build_image_request(
        good_choices(prompt="  a paper boat \n", edit_image=Path("in.png")),
        out_dir=Path("out"),
        job_id="image-1",
    )
    assert request.prompt == "a paper boat"
    assert request.edit_image == tmp_path / "in.png"
    assert request.out_dir == tmp_path / "out"
    assert request.job_id == "image-1"
    assert request.provider is OPENAI


def test_cli_arguments_build_the_same_request_as_the_same_form_values(tmp_path: Path) -> None:
    args = cli_args(
        "--provider", "openai", "--model", "gpt-image-1.5", "--prompt", "a paper boat ",
        "--size", "1024x1024", "--quality", "low", "--n", "2",
    )  # fmt: skip
    from_cli = build_image_request(choices_from_args(args), out_dir=tmp_path, job_id="x")
    from_form = build_image_request(
        good_choices(prompt="a paper boat"), out_dir=tmp_path, job_id="x"
    )
    assert from_cli == from_form


def test_invalid_choices_are_refused_before_the_provider_is_built(tmp_path: Path) -> None:
    built: list[ImageProviderName] = []

    def provider_for(name: ImageProviderName) -> OnePixelImages:
        built.append(name)
        return OnePixelImages()

    with pytest.raises(ValidationError) as caught:
        prepare_image_job(
            CATALOG, good_choices(size="999x999"), provider_for, out_dir=tmp_path, job_id="x"
        )
    assert caught.value.field == "size"
    assert built == []


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"prompt": "   "}, "prompt"),
        ({"model": "dall-e-3"}, "model"),
        ({"count": 0}, "count"),
        ({"quality": "ultra"}, "quality"),
    ],
)
def test_each_invalid_choice_names_its_field(
    tmp_path: Path, change: dict[str, object], field: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        prepare_image_job(
            CATALOG,
            good_choices(**change),
            lambda _n: OnePixelImages(),
            out_dir=tmp_path,
            job_id="x",
        )
    assert caught.value.field == field


def test_a_missing_key_surfaces_after_validation(tmp_path: Path) -> None:
    def no_key(_name: ImageProviderName) -> OnePixelImages:
        raise AuthError("No OpenAI API key.")

    with pytest.raises(AuthError):
        prepare_image_job(CATALOG, good_choices(), no_key, out_dir=tmp_path, job_id="x")


def test_prepared_job_estimates_and_runs_the_request(tmp_path: Path) -> None:
    fake = OnePixelImages()
    prepared = prepare_image_job(
        CATALOG, good_choices(), lambda _n: fake, out_dir=tmp_path, job_id="image-7"
    )
    quote = quote_image_choices(CATALOG, good_choices())
    assert quote is not None
    assert prepared.estimate_usd == pytest.approx(quote.total_usd)
    assert quote.count == 2
    events = list(prepared.job_fn()(threading.Event()))
    done = events[-1]
    assert isinstance(done, ImagesDone)
    assert done.result.job_id == "image-7"
    assert len(done.result.paths) == 2
    assert fake.calls[0] == prepared.request


def test_no_quote_for_an_unknown_model() -> None:
    assert quote_image_choices(CATALOG, good_choices(model="no-such-model")) is None
