"""Veo validation per model and backend, image fitting, and the predictLongRunning body."""

from __future__ import annotations

import base64
import io
from typing import TYPE_CHECKING, Any

import pytest
from PIL import Image

from imageai.core.catalog import default_catalog
from imageai.core.errors import ModelGoneError, ModelRetiredError, ValidationError
from imageai.core.jobs import JobRequest
from imageai.core.key_check import KeyStatus
from imageai.core.models import FitMode, ProviderName, VeoBackend, VeoSettings
from imageai.core.shot import ShotSpec
from imageai.providers.google.veo_client import VeoClient
from imageai.providers.google.veo_payload import ImagePart, VeoPayload, build_payload, fit_size

if TYPE_CHECKING:
    from pathlib import Path

FAST = "veo-3.1-fast-generate-001"
STD = "veo-3.1-generate-001"
LITE = "veo-3.1-lite-generate-001"


def make_image(path: Path, size: tuple[int, int], color: str = "red") -> Path:
    """A real image file of ``size`` (PNG or JPEG by suffix)."""
    Image.new("RGB", size, color).save(path)
    return path


def veo_request(
    tmp_path: Path,
    *,
    model: str = FAST,
    seconds: int = 8,
    aspect: str = "16:9",
    resolution: str = "720p",
    audio: bool = True,
    prompt: str = "a lighthouse at dusk",
    scene_id: str = "s1",
    settings: VeoSettings | None = None,
    **kw: Any,
) -> JobRequest:
    spec = ShotSpec(
        provider=ProviderName.VEO,
        model=model,
        seconds=seconds,
        aspect=aspect,
        resolution=resolution,
        audio=audio,
    )
    return JobRequest(
        scene_id=scene_id,
        index=0,
        spec=spec,
        prompt=prompt,
        settings=settings or VeoSettings(model=model, vertex_project="proj"),
        project_dir=tmp_path,
        **kw,
    )


def decoded_size(part: dict[str, str]) -> tuple[int, int]:
    """The size of an image as the SDK sends it (``bytesBase64Encoded``)."""
    with Image.open(io.BytesIO(base64.b64decode(part["bytesBase64Encoded"]))) as img:
        return img.size


def _client(backend: VeoBackend = VeoBackend.VERTEX) -> VeoClient:
    return VeoClient(VeoSettings(backend=backend, vertex_project="proj"))


def part_size(part: ImagePart | None) -> tuple[int, int]:
    assert part is not None
    with Image.open(io.BytesIO(part.data)) as img:
        return img.size


def _payload(request: JobRequest, model: str = FAST) -> VeoPayload:
    info = default_catalog().get(ProviderName.VEO, model)
    assert info is not None
    return build_payload(request, info, VeoBackend.VERTEX)


def test_text_to_video_payload_sets_only_what_was_asked(tmp_path: Path) -> None:
    payload = _payload(veo_request(tmp_path, seconds=6))
    assert (payload.model, payload.aspect, payload.resolution, payload.seconds) == (
        FAST,
        "16:9",
        "720p",
        6,
    )
    assert (payload.image, payload.last_frame, payload.reference_images) == (None, None, ())
    assert (payload.negative_prompt, payload.person_generation, payload.seed) == (None, None, None)
    assert payload.enhance_prompt is None
    # Fast toggles audio, so the choice is sent; Lite always makes audio, so nothing is.
    assert payload.generate_audio is True
    assert _payload(veo_request(tmp_path, model=LITE), LITE).generate_audio is None


def test_optional_parameters_are_sent_when_set(tmp_path: Path) -> None:
    settings = VeoSettings(
        model=FAST, negative_prompt=" rain ", person_generation="allow_adult", seed=42
    )
    payload = _payload(veo_request(tmp_path, settings=settings, audio=False))
    assert payload.negative_prompt == "rain"
    assert payload.person_generation == "allow_adult"
    assert payload.seed == 42
    assert payload.generate_audio is False


@pytest.mark.parametrize(
    ("fit", "aspect", "source", "expected"),
    [
        (FitMode.CROP, "16:9", (800, 800), (1280, 720)),
        (FitMode.PAD, "16:9", (600, 900), (1280, 720)),
        (FitMode.CROP, "9:16", (1920, 1080), (720, 1280)),
        (FitMode.PAD, "9:16", (300, 200), (720, 1280)),
    ],
)
def test_frames_and_references_are_fitted_to_the_frame(
    tmp_path: Path,
    fit: FitMode,
    aspect: str,
    source: tuple[int, int],
    expected: tuple[int, int],
) -> None:
    first = make_image(tmp_path / "first.jpg", source)
    last = make_image(tmp_path / "last.png", (source[1], source[0]), "blue")
    request = veo_request(
        tmp_path, aspect=aspect, reference_image=first, last_frame_image=last, fit=fit
    )
    payload = _payload(request)
    assert payload.image is not None
    assert payload.image.mime_type == "image/png"
    assert part_size(payload.image) == expected
    assert part_size(payload.last_frame) == expected


def test_padding_keeps_the_whole_image_and_cropping_fills_the_frame(tmp_path: Path) -> None:
    square = make_image(tmp_path / "sq.png", (500, 500), "white")
    for fit, corner in ((FitMode.PAD, (0, 0, 0)), (FitMode.CROP, (255, 255, 255))):
        part = _payload(veo_request(tmp_path, reference_image=square, fit=fit)).image
        assert part is not None
        with Image.open(io.BytesIO(part.data)) as img:
            assert img.convert("RGB").getpixel((0, 0)) == corner


@pytest.mark.parametrize("model", [STD, FAST])
def test_reference_images_are_fitted(tmp_path: Path, model: str) -> None:
    # Vertex's "generate videos from references" page lists Veo 3.1 Fast as well as Veo 3.1.
    refs = tuple(make_image(tmp_path / f"r{i}.png", (400 + i * 300, 700)) for i in range(3))
    request = veo_request(tmp_path, model=model, extra_reference_images=refs)
    _client().validate(request)
    payload = _payload(request, model)
    assert {part_size(r) for r in payload.reference_images} == {(1280, 720)}
    assert len(payload.reference_images) == 3


def test_4k_frames_are_fitted_at_1080p_to_keep_the_request_small() -> None:
    assert fit_size("16:9", "4k") == (1920, 1080)
    assert fit_size("9:16", "1080p") == (1080, 1920)


@pytest.mark.parametrize(
    ("changes", "settings", "field"),
    [
        ({"seconds": 5}, {}, "seconds"),
        ({"resolution": "1080p", "seconds": 4}, {}, "seconds"),
        ({"aspect": "1:1"}, {}, "aspect"),
        ({"model": "veo-3.0-generate-001"}, {}, "model"),
        ({"model": "veo-3.1-generate-preview"}, {}, "model"),
        ({"model": LITE, "audio": False}, {}, "generate_audio"),
        ({}, {"person_generation": "allow_all"}, "person_generation"),
        ({}, {"person_generation": "everyone"}, "person_generation"),
        ({}, {"seed": -1}, "seed"),
        ({"prompt": "  "}, {}, "prompt"),
    ],
)
def test_validate_names_the_field_before_any_call(
    tmp_path: Path, changes: dict[str, Any], settings: dict[str, Any], field: str
) -> None:
    model = changes.get("model", FAST)
    settings = {"vertex_project": "proj", **settings}
    request = veo_request(tmp_path, settings=VeoSettings(model=model, **settings), **changes)
    with pytest.raises(ValidationError) as caught:
        _client().validate(request)
    assert caught.value.field == field


def test_validate_lists_allowed_values(tmp_path: Path) -> None:
    with pytest.raises(ValidationError) as caught:
        _client().validate(veo_request(tmp_path, resolution="1080p", seconds=6))
    assert caught.value.allowed == ("8",)
    settings = VeoSettings(model=FAST, person_generation="allow_all", vertex_project="proj")
    with pytest.raises(ValidationError) as caught:
        _client().validate(veo_request(tmp_path, settings=settings))
    assert caught.value.allowed == ("allow_adult", "dont_allow")


def test_image_rules(tmp_path: Path) -> None:
    image = make_image(tmp_path / "i.png", (100, 100))
    refs = tuple(make_image(tmp_path / f"r{i}.png", (100, 100)) for i in range(4))
    std = STD
    lite = LITE
    cases = [
        (veo_request(tmp_path, model=std, extra_reference_images=refs), "reference_images"),
        (veo_request(tmp_path, model=lite, extra_reference_images=refs[:1]), "reference_images"),
        (
            veo_request(
                tmp_path, model=std, reference_image=image, extra_reference_images=refs[:1]
            ),
            "reference_images",
        ),
        (veo_request(tmp_path, model=std, seconds=6, extra_reference_images=refs[:1]), "seconds"),
        (veo_request(tmp_path, last_frame_image=image), "last_frame_image"),
        (veo_request(tmp_path, model=FAST, extra_reference_images=refs), "reference_images"),
        (veo_request(tmp_path, reference_image=tmp_path / "missing.png"), "reference_image"),
    ]
    for request, field in cases:
        with pytest.raises(ValidationError) as caught:
            _client().validate(request)
        assert caught.value.field == field, request


def test_vertex_accepts_audio_toggle_and_enhance_prompt(tmp_path: Path) -> None:
    model = "veo-3.1-generate-001"
    settings = VeoSettings(
        backend=VeoBackend.VERTEX,
        model=model,
        enhance_prompt=False,
        person_generation="dont_allow",
        vertex_project="film-proj",
    )
    request = veo_request(tmp_path, model=model, audio=False, settings=settings)
    _client(VeoBackend.VERTEX).validate(request)
    info = default_catalog().get(ProviderName.VEO, model)
    assert info is not None
    payload = build_payload(request, info, VeoBackend.VERTEX)
    assert payload.generate_audio is False
    assert payload.enhance_prompt is False


def test_estimate_uses_the_price_table(tmp_path: Path) -> None:
    assert _client().estimate(veo_request(tmp_path, seconds=8)) == pytest.approx(1.20)
    assert _client().estimate(veo_request(tmp_path, audio=False)) == pytest.approx(0.80)
    silent = veo_request(tmp_path, model=STD, audio=False, seconds=4)
    assert _client().estimate(silent) == pytest.approx(0.80)
    assert _client().estimate(veo_request(tmp_path, model=STD, seconds=4)) == pytest.approx(1.60)
    hd = veo_request(tmp_path, model=LITE, resolution="1080p")
    assert _client().estimate(hd) == pytest.approx(0.64)


def test_a_project_left_on_the_gemini_api_is_told_veo_moved_not_sent(tmp_path: Path) -> None:
    settings = VeoSettings(backend=VeoBackend.GEMINI, model="veo-3.1-generate-preview")
    client = VeoClient(settings)
    request = veo_request(tmp_path, model=settings.model, settings=settings)
    with pytest.raises(ModelRetiredError) as caught:
        client.start(request)
    assert caught.value.successor == ("omni", "gemini-omni-1.1-flash")
    assert "2026-10-22" in caught.value.message
    check = client.check_key()
    assert check.status is KeyStatus.NO_VIDEO_ACCESS
    assert "Vertex AI" in check.message
    with pytest.raises(ModelGoneError) as gone:
        client.backend()
    assert gone.value.successor == "gemini-omni-1.1-flash"


@pytest.mark.parametrize(
    ("update", "field"),
    [
        ({"vertex_project": None}, "vertex_project"),
        ({"vertex_project": "  "}, "vertex_project"),
        ({"vertex_project": "p", "vertex_location": ""}, "vertex_location"),
    ],
)
def test_vertex_without_a_cloud_project_or_location_is_refused_naming_the_field(
    tmp_path: Path, update: dict[str, object], field: str
) -> None:
    model = "veo-3.1-generate-001"
    settings = VeoSettings(backend=VeoBackend.VERTEX, model=model).model_copy(update=update)
    request = veo_request(tmp_path, model=model, settings=settings)
    with pytest.raises(ValidationError) as caught:
        _client(VeoBackend.VERTEX).validate(request)
    assert caught.value.field == field
    assert "Veo settings" in caught.value.message
