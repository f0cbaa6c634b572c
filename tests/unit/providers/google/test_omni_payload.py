"""Omni request checks per model and backend, the task chosen, and the interaction's error view."""

from __future__ import annotations

import base64
import io
from typing import TYPE_CHECKING, Any

import pytest
from PIL import Image

from imageai.core.catalog import default_catalog
from imageai.core.errors import (
    ContentPolicyError,
    InvalidRequestError,
    ModelGoneError,
    NotFoundError,
    ProviderError,
    ValidationError,
)
from imageai.core.jobs import JobRequest, PollState, SourceClip, SourceMode
from imageai.core.models import OmniSettings, ProviderName, VeoBackend
from imageai.core.shot import ShotSpec
from imageai.providers.google.errors import ErrorContext, gone_model, status_from_body
from imageai.providers.google.omni_client import OmniClient
from imageai.providers.google.omni_interaction import read_interaction
from imageai.providers.google.omni_payload import Task, build_create, check_request, task_for
from tests.fakes.clips import mp4_clip

if TYPE_CHECKING:
    from pathlib import Path

OMNI = "gemini-omni-1.1-flash"
OMNI_12 = "gemini-omni-1.2-flash"
#: A real, playable MP4 of `omni_request`'s 6 s: passes the clip check.
MP4 = mp4_clip(6)


def make_image(path: Path, size: tuple[int, int] = (640, 360), color: str = "red") -> Path:
    Image.new("RGB", size, color).save(path)
    return path


def image_of(part: dict[str, Any]) -> Image.Image:
    assert part["type"] == "image"
    assert part["mime_type"] == "image/png"
    return Image.open(io.BytesIO(base64.b64decode(part["data"])))


def omni_request(
    tmp_path: Path,
    *,
    model: str = OMNI,
    seconds: int = 6,
    aspect: str = "16:9",
    resolution: str = "720p",
    prompt: str = "a lighthouse at dusk",
    scene_id: str = "s1",
    settings: OmniSettings | None = None,
    **kw: Any,
) -> JobRequest:
    spec = ShotSpec(
        provider=ProviderName.OMNI,
        model=model,
        seconds=seconds,
        aspect=aspect,
        resolution=resolution,
        audio=True,
    )
    return JobRequest(
        scene_id=scene_id,
        index=1,
        spec=spec,
        prompt=prompt,
        settings=settings or OmniSettings(model=model),
        project_dir=tmp_path,
        **kw,
    )


def _info(model: str = OMNI) -> Any:
    info = default_catalog().get(ProviderName.OMNI, model)
    assert info is not None
    return info


def test_task_follows_the_inputs(tmp_path: Path) -> None:
    first = make_image(tmp_path / "a.png")
    clip = tmp_path / "c.mp4"
    clip.write_bytes(MP4)
    assert task_for(omni_request(tmp_path)) == Task.TEXT
    assert task_for(omni_request(tmp_path, reference_image=first)) == Task.IMAGE
    both = omni_request(tmp_path, reference_image=first, last_frame_image=first)
    assert task_for(both) == Task.IMAGE
    refs = omni_request(tmp_path, extra_reference_images=(first,))
    assert task_for(refs) == Task.REFERENCE
    edit = omni_request(tmp_path, source=SourceClip(mode=SourceMode.EDIT, job_id="int-1"))
    assert task_for(edit) == Task.EDIT
    extend = omni_request(tmp_path, source=SourceClip(mode=SourceMode.EXTEND, clip_path=clip))
    assert task_for(extend) == Task.EXTEND


def test_frames_are_fitted_to_the_output_frame_in_order(tmp_path: Path) -> None:
    first = make_image(tmp_path / "first.png", (600, 900), "red")
    last = make_image(tmp_path / "last.jpg", (800, 800), "blue")
    request = omni_request(tmp_path, reference_image=first, last_frame_image=last)
    parts = build_create(request, _info()).input
    assert parts[0] == {"type": "text", "text": "a lighthouse at dusk"}
    with image_of(parts[1]) as a, image_of(parts[2]) as b:
        assert a.size == b.size == (1280, 720)
        assert a.convert("RGB").getpixel((640, 360))[0] > 200  # red first
        assert b.convert("RGB").getpixel((640, 360))[2] > 200  # then blue


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"last_frame_image": "first"}, "last_frame_image"),
        ({"extra_reference_images": ("first",) * 6}, "reference_images"),
        ({"reference_image": "first", "extra_reference_images": ("first",)}, "reference_images"),
        ({"reference_image": "missing"}, "reference_image"),
    ],
)
def test_impossible_image_combinations_are_refused(
    tmp_path: Path, kw: dict[str, Any], field: str
) -> None:
    paths = {"first": make_image(tmp_path / "f.png"), "missing": tmp_path / "nope.png"}
    resolved = {
        k: tuple(paths[p] for p in v) if isinstance(v, tuple) else paths[v] for k, v in kw.items()
    }
    with pytest.raises(ValidationError) as err:
        check_request(omni_request(tmp_path, **resolved), _info())
    assert err.value.field == field


def test_omni_12_allows_15_s_but_10_s_with_first_and_last_frames(tmp_path: Path) -> None:
    frame = make_image(tmp_path / "f.png")
    check_request(omni_request(tmp_path, model=OMNI_12, seconds=15), _info(OMNI_12))
    request = omni_request(
        tmp_path, model=OMNI_12, seconds=12, reference_image=frame, last_frame_image=frame
    )
    with pytest.raises(ValidationError) as err:
        check_request(request, _info(OMNI_12))
    assert err.value.field == "seconds"
    assert "10" in err.value.allowed


def test_vertex_needs_a_project_and_a_gs_bucket(tmp_path: Path) -> None:
    settings = OmniSettings(backend=VeoBackend.VERTEX)
    with pytest.raises(ValidationError, match="project"):
        check_request(omni_request(tmp_path, settings=settings), _info())
    bad = OmniSettings(backend=VeoBackend.VERTEX, vertex_project="p", gcs_uri="https://x")
    with pytest.raises(ValidationError, match="gs://"):
        check_request(omni_request(tmp_path, settings=bad), _info())


def test_a_missing_source_clip_is_refused(tmp_path: Path) -> None:
    source = SourceClip(mode=SourceMode.EXTEND, clip_path=tmp_path / "gone.mp4")
    with pytest.raises(ValidationError, match="missing"):
        check_request(omni_request(tmp_path, source=source), _info())


def test_seed_out_of_range_is_refused(tmp_path: Path) -> None:
    request = omni_request(tmp_path, settings=OmniSettings(seed=-1))
    with pytest.raises(ValidationError) as err:
        check_request(request, _info())
    assert err.value.field == "seed"


@pytest.mark.parametrize(
    ("model", "resolution", "seconds", "usd"),
    [(OMNI, "720p", 6, 0.60), (OMNI, "4k", 10, 3.0), (OMNI_12, "1080p", 10, 1.05)],
)
def test_estimate_is_price_per_second_by_model_and_resolution(
    tmp_path: Path, model: str, resolution: str, seconds: int, usd: float
) -> None:
    request = omni_request(tmp_path, model=model, resolution=resolution, seconds=seconds)
    assert OmniClient(OmniSettings(model=model)).estimate(request) == pytest.approx(usd)


def test_gone_model_reads_model_and_successor() -> None:
    text = (
        "This model models/veo-3.1-generate-preview is no longer available. "
        "Please update your code to use models/gemini-omni-1.1-flash instead."
    )
    assert gone_model(text) == ("veo-3.1-generate-preview", "gemini-omni-1.1-flash")
    assert gone_model("This model models/x-1 is no longer available.") == ("x-1", None)
    assert gone_model("models/x is not found for API version v1") is None


def test_a_retired_model_404_is_a_typed_model_gone_error() -> None:
    from imageai.providers.google.errors import classify

    body = {"error": {"code": "not_found", "message": "This model models/a is no longer "
                      "available. Please update your code to use models/b"}}  # fmt: skip
    error = classify(status_from_body(404, body), ErrorContext(product="Gemini Omni"))
    assert isinstance(error, ModelGoneError)
    assert isinstance(error, NotFoundError)
    assert (error.model, error.successor) == ("a", "b")
    assert "gone" in error.user_message
    assert "b" in error.user_message


def test_interactions_string_codes_map_to_rpc_statuses() -> None:
    status = status_from_body(400, {"error": {"code": "failed_precondition", "message": "m"}})
    assert status.status == "FAILED_PRECONDITION"
    assert status_from_body(400, {"error": {"code": "weird", "message": "m"}}).status == (
        "INVALID_ARGUMENT"
    )


CTX = ErrorContext(action="poll", product="Gemini Omni")


def test_interaction_states_become_poll_states() -> None:
    video = {"type": "video", "mime_type": "video/mp4", "uri": "https://x/f"}
    done = read_interaction({"id": "i", "status": "completed", "output_video": video})
    assert done.poll_status(CTX).state is PollState.COMPLETED
    assert read_interaction({"id": "i", "status": "queued"}).poll_status(CTX).state is (
        PollState.QUEUED
    )
    running = read_interaction({"id": "i", "status": "in_progress"}).poll_status(CTX)
    assert running.state is PollState.RUNNING


@pytest.mark.parametrize(
    ("interaction", "error_type"),
    [
        ({"status": "completed"}, ContentPolicyError),
        ({"status": "failed", "errors": [{"code": "safety_blocked", "message": "m"}]}, ContentPolicyError),
        ({"status": "failed", "errors": [{"code": "invalid_argument", "message": "m"}]}, InvalidRequestError),
        ({"status": "failed", "errors": [{"code": "x", "message": "m"}]}, ProviderError),
        ({"status": "cancelled"}, ProviderError),
    ],
)  # fmt: skip
def test_ended_interactions_fail_with_a_typed_error(
    interaction: dict[str, Any], error_type: type[ProviderError]
) -> None:
    status = read_interaction({"id": "i", **interaction}).poll_status(CTX)
    assert status.state is PollState.FAILED
    assert isinstance(status.error, error_type)
