"""run_image_job: validation, batches per call, progress, gallery writes, cost, cancel, errors."""

from __future__ import annotations

import io
import threading
from typing import TYPE_CHECKING

import pytest
from PIL import Image

from imageai.core.errors import (
    ContentPolicyError,
    JobCancelledError,
    ProviderError,
    ValidationError,
)
from imageai.core.gallery_store import GalleryStore
from imageai.core.image_catalog import ImageModelInfo, ImageProviderName, load_image_catalog
from imageai.core.image_jobs import (
    GeneratedImage,
    ImageRequest,
    ImagesDone,
    ImagesSaved,
    estimate_image_request,
    run_image_job,
    validate_image_request,
)
from imageai.core.jobs import Progress, Queued

if TYPE_CHECKING:
    from pathlib import Path

CATALOG = load_image_catalog()


def png(color: tuple[int, int, int] = (10, 20, 30), size: tuple[int, int] = (16, 9)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, color).save(buf, format="PNG")
    return buf.getvalue()


class FakeImageProvider:
    """Returns scripted batches; an exception in the script is raised instead."""

    def __init__(
        self, script: list[list[bytes] | Exception], on_call: threading.Event | None = None
    ):
        self.name = ImageProviderName.OPENAI
        self.script = list(script)
        self.calls: list[int] = []
        self.on_call = on_call

    def generate(
        self, request: ImageRequest, model: ImageModelInfo, count: int
    ) -> list[GeneratedImage]:
        self.calls.append(count)
        if self.on_call is not None:
            self.on_call.set()
        step = self.script.pop(0)
        if isinstance(step, Exception):
            raise step
        return [GeneratedImage(data=d) for d in step]


def request(tmp_path: Path, **kw: object) -> ImageRequest:
    base: dict[str, object] = {
        "provider": ImageProviderName.OPENAI,
        "model": "gpt-image-1.5",
        "prompt": "a lighthouse",
        "size": "1024x1024",
        "quality": "low",
        "count": 1,
        "out_dir": tmp_path / "gallery",
    }
    base.update(kw)
    return ImageRequest.model_validate(base)


def test_openai_batch_is_one_call_and_saves_every_image(tmp_path: Path) -> None:
    provider = FakeImageProvider([[png(), png((1, 2, 3))]])
    events = list(run_image_job(request(tmp_path, count=2), provider, threading.Event(), CATALOG))
    assert provider.calls == [2]
    assert isinstance(events[0], Queued)
    assert isinstance(events[-1], ImagesDone)
    result = events[-1].result
    assert len(result.paths) == 2
    assert result.billed_usd == pytest.approx(0.018)
    entries = GalleryStore(tmp_path / "gallery").entries()
    assert {e.path for e in entries} == set(result.paths)
    assert all(e.meta.prompt == "a lighthouse" and e.meta.width == 16 for e in entries)


def test_gemini_sends_one_call_per_image_with_progress(tmp_path: Path) -> None:
    provider = FakeImageProvider([[png()], [png()], [png()]])
    req = request(
        tmp_path,
        provider=ImageProviderName.GOOGLE,
        model="gemini-2.5-flash-image",
        size="16:9",
        quality=None,
        count=3,
    )
    events = list(run_image_job(req, provider, threading.Event(), CATALOG))
    assert provider.calls == [1, 1, 1]
    fractions = [e.fraction for e in events if isinstance(e, Progress)]
    assert fractions == [-1.0, pytest.approx(1 / 3), pytest.approx(2 / 3), 1.0]
    assert sum(len(e.paths) for e in events if isinstance(e, ImagesSaved)) == 3
    done = events[-1]
    assert isinstance(done, ImagesDone)
    assert done.result.billed_usd == pytest.approx(0.117)
    assert GalleryStore(tmp_path / "gallery").entries()[0].meta.size == "16:9"


def test_cancel_between_calls_keeps_the_paid_images(tmp_path: Path) -> None:
    cancel = threading.Event()
    provider = FakeImageProvider([[png()], [png()]], on_call=cancel)
    req = request(
        tmp_path,
        provider=ImageProviderName.GOOGLE,
        model="gemini-2.5-flash-image",
        size="1:1",
        quality=None,
        count=2,
    )
    events = list(run_image_job(req, provider, cancel, CATALOG))
    assert provider.calls == [1]
    done = events[-1]
    assert isinstance(done, ImagesDone)
    assert len(done.result.paths) == 1
    assert done.result.requested == 2


def test_cancel_before_any_call_raises_cancelled(tmp_path: Path) -> None:
    cancel = threading.Event()
    cancel.set()
    provider = FakeImageProvider([])
    with pytest.raises(JobCancelledError):
        list(run_image_job(request(tmp_path), provider, cancel, CATALOG))
    assert provider.calls == []


def test_provider_error_propagates_after_earlier_images_are_saved(tmp_path: Path) -> None:
    provider = FakeImageProvider([[png()], ContentPolicyError("blocked")])
    req = request(
        tmp_path,
        provider=ImageProviderName.GOOGLE,
        model="gemini-2.5-flash-image",
        size="1:1",
        quality=None,
        count=2,
    )
    with pytest.raises(ContentPolicyError):
        list(run_image_job(req, provider, threading.Event(), CATALOG))
    assert len(GalleryStore(tmp_path / "gallery").entries()) == 1


def test_non_image_bytes_are_an_error(tmp_path: Path) -> None:
    provider = FakeImageProvider([[b"not an image"]])
    with pytest.raises(ProviderError, match="not an image"):
        list(run_image_job(request(tmp_path), provider, threading.Event(), CATALOG))


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"model": "dall-e-3"}, "model"),
        ({"model": "gpt-image-1"}, "model"),
        ({"model": "nope"}, "model"),
        ({"prompt": "  "}, "prompt"),
        ({"size": "16:9"}, "size"),
        ({"quality": "ultra"}, "quality"),
        ({"count": 0}, "count"),
        ({"count": 11}, "count"),
    ],
)
def test_invalid_requests_fail_before_any_call(
    tmp_path: Path, change: dict[str, object], field: str
) -> None:
    provider = FakeImageProvider([])
    with pytest.raises(ValidationError) as info:
        list(run_image_job(request(tmp_path, **change), provider, threading.Event(), CATALOG))
    assert info.value.field == field
    assert provider.calls == []


def test_edit_needs_a_model_that_edits_and_a_readable_image(tmp_path: Path) -> None:
    source = tmp_path / "in.png"
    source.write_bytes(png())
    imagen = request(
        tmp_path,
        provider=ImageProviderName.GOOGLE,
        model="imagen-4.0-generate-001",
        size="1:1",
        quality=None,
        edit_image=source,
    )
    with pytest.raises(ValidationError, match="cannot edit"):
        validate_image_request(CATALOG, imagen)
    bad = tmp_path / "bad.png"
    bad.write_bytes(b"nope")
    with pytest.raises(ValidationError, match="not a readable image"):
        validate_image_request(CATALOG, request(tmp_path, edit_image=bad))
    gemini_mask = request(
        tmp_path,
        provider=ImageProviderName.GOOGLE,
        model="gemini-2.5-flash-image",
        size="1:1",
        quality=None,
        edit_image=source,
        mask_image=source,
    )
    with pytest.raises(ValidationError, match="no mask"):
        validate_image_request(CATALOG, gemini_mask)
    validate_image_request(CATALOG, request(tmp_path, edit_image=source, mask_image=source))
    small_mask = tmp_path / "mask.png"
    Image.new("RGBA", (8, 8)).save(small_mask)
    with pytest.raises(ValidationError, match="same size"):
        validate_image_request(CATALOG, request(tmp_path, edit_image=source, mask_image=small_mask))


def test_estimate_uses_the_default_quality_when_none_is_given(tmp_path: Path) -> None:
    req = request(tmp_path, quality=None, count=3)
    assert estimate_image_request(CATALOG, req) == pytest.approx(3 * 0.034)
