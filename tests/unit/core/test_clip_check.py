"""A clip is done only when it is a whole MP4 whose video decodes, of the length that was asked."""

from __future__ import annotations

import struct
import subprocess
from typing import TYPE_CHECKING

import pytest

from imageai.core.clip_check import ClipCheckError, ExpectedClip, check_clip, expected_clip
from imageai.core.downloads import finalize_clip
from imageai.core.jobs import JobRequest, SourceClip, SourceMode
from imageai.core.media import ffmpeg_exe, mp4_layout
from imageai.core.models import AnimaticSettings, OmniSettings, ProviderName, SoraSettings
from imageai.core.shot import ShotSpec
from tests.fakes.clips import damaged, mp4_clip, without_box

if TYPE_CHECKING:
    from pathlib import Path

FOUR_S = ExpectedClip.around(4)


def _file(tmp_path: Path, data: bytes, name: str = "clip.part") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _zero_payloads(clip: bytes) -> bytes:
    """Every top-level box kept (sizes and types), every byte inside it zeroed."""
    out, offset = b"", 0
    while offset < len(clip):
        size = struct.unpack(">I", clip[offset : offset + 4])[0]
        keep = 16 if clip[offset + 4 : offset + 8] == b"ftyp" else 8
        out += clip[offset : offset + keep] + bytes(size - keep)
        offset += size
    return out


def test_a_whole_clip_of_the_asked_length_passes(tmp_path: Path) -> None:
    check_clip(_file(tmp_path, mp4_clip(4)), FOUR_S)
    check_clip(_file(tmp_path, mp4_clip(4.4)), FOUR_S)  # within half a second
    check_clip(_file(tmp_path, mp4_clip(4, audio=False)), FOUR_S)


def test_a_zero_filled_body_of_the_right_length_fails(tmp_path: Path) -> None:
    clip = mp4_clip(4)
    with pytest.raises(ClipCheckError, match="not an MP4") as info:
        finalize_clip(
            _file(tmp_path, bytes(len(clip))), tmp_path / "s1.mp4", len(clip), expect=FOUR_S
        )
    assert not info.value.resumable  # garbage: the next fetch starts from byte 0
    assert not (tmp_path / "s1.mp4").exists()


def test_boxes_whose_contents_are_zeros_fail(tmp_path: Path) -> None:
    # A server that kept the box headers and zeroed the rest: sizes add up, moov and mdat are
    # there, and still nothing plays.
    bad = _zero_payloads(mp4_clip(4))
    layout = mp4_layout(_file(tmp_path, bad))
    assert layout.whole and {"moov", "mdat"} <= set(layout.boxes)
    with pytest.raises(ClipCheckError, match="does not decode"):
        finalize_clip(_file(tmp_path, bad), tmp_path / "s1.mp4", len(bad), expect=FOUR_S)
    assert not (tmp_path / "s1.mp4").exists()


def test_a_valid_mp4_of_the_wrong_duration_fails(tmp_path: Path) -> None:
    with pytest.raises(ClipCheckError, match=r"7\.00 s long, not the 4 s asked for"):
        check_clip(_file(tmp_path, mp4_clip(7)), FOUR_S)
    with pytest.raises(ClipCheckError, match="not the 4 s"):
        check_clip(_file(tmp_path, mp4_clip(3)), FOUR_S)


def test_a_file_with_mdat_but_no_moov_fails(tmp_path: Path) -> None:
    bad = without_box(mp4_clip(4), b"moov")
    assert mp4_layout(_file(tmp_path, bad)).whole  # the box sizes alone cannot tell
    with pytest.raises(ClipCheckError, match="no moov box"):
        check_clip(_file(tmp_path, bad), FOUR_S)
    with pytest.raises(ClipCheckError, match="no mdat box"):
        check_clip(_file(tmp_path, without_box(mp4_clip(4), b"mdat")), FOUR_S)


def test_a_body_whose_video_track_does_not_decode_fails(tmp_path: Path) -> None:
    bad = damaged(mp4_clip(4))
    assert mp4_layout(_file(tmp_path, bad)).whole
    with pytest.raises(ClipCheckError, match="does not decode") as info:
        check_clip(_file(tmp_path, bad), FOUR_S)
    assert info.value.detail  # ffmpeg's own words, for the log


def test_a_clip_without_a_video_track_fails(tmp_path: Path) -> None:
    clip = mp4_clip(4)
    # Audio only: the same boxes, but no video stream to decode.
    src, out = _file(tmp_path, clip, "in.mp4"), tmp_path / "audio.mp4"
    subprocess.run(
        [ffmpeg_exe(), "-v", "error", "-i", str(src), "-vn", "-c", "copy", str(out)], check=True
    )
    with pytest.raises(ClipCheckError, match="does not decode"):
        check_clip(out, FOUR_S)


def test_a_cut_inside_the_last_box_is_resumable(tmp_path: Path) -> None:
    clip = mp4_clip(4)
    with pytest.raises(ClipCheckError, match="cut short") as info:
        check_clip(_file(tmp_path, clip[: len(clip) // 2]), FOUR_S)
    assert info.value.resumable  # the bytes so far are good: continue with Range


# ---- what each provider promises ----------------------------------------------------------


def _request(
    tmp_path: Path, provider: ProviderName, seconds: int, source: SourceClip | None = None
) -> JobRequest:
    settings = {
        ProviderName.ANIMATIC: AnimaticSettings(),
        ProviderName.SORA: SoraSettings(),
        ProviderName.OMNI: OmniSettings(),
    }[provider]
    spec = ShotSpec(provider=provider, model="m", seconds=seconds, size="1280x720")
    return JobRequest(
        scene_id="s1",
        index=0,
        spec=spec,
        prompt="p",
        settings=settings,
        project_dir=tmp_path,
        source=source,
    )


@pytest.mark.parametrize("provider", [ProviderName.ANIMATIC, ProviderName.SORA, ProviderName.OMNI])
def test_a_new_clip_is_promised_at_the_asked_length(tmp_path: Path, provider: ProviderName) -> None:
    expect = expected_clip(_request(tmp_path, provider, 8), job_id="job-1")
    assert expect.accepts(8.0) and expect.accepts(7.6) and expect.accepts(8.5)
    assert not expect.accepts(7.4) and not expect.accepts(9.0)
    assert expect.job_id == "job-1"


def test_an_omni_extend_may_return_the_source_with_the_new_seconds_joined(tmp_path: Path) -> None:
    source = _file(tmp_path, mp4_clip(5), "prev.mp4")
    request = _request(
        tmp_path, ProviderName.OMNI, 4, SourceClip(mode=SourceMode.EXTEND, clip_path=source)
    )
    expect = expected_clip(request)
    assert expect.accepts(9.0)  # 5 s input + 4 s extension, as Google documents
    assert expect.accepts(4.0)  # or the extension alone
    assert not expect.accepts(6.5)
    # Known only by its job id: any input length up to 30 s fits, nothing shorter than asked.
    by_id = _request(
        tmp_path, ProviderName.OMNI, 4, SourceClip(mode=SourceMode.EXTEND, job_id="i1")
    )
    assert expected_clip(by_id).accepts(20.0) and not expected_clip(by_id).accepts(2.0)


def test_an_omni_edit_keeps_the_source_length(tmp_path: Path) -> None:
    source = _file(tmp_path, mp4_clip(5), "prev.mp4")
    request = _request(
        tmp_path, ProviderName.OMNI, 8, SourceClip(mode=SourceMode.EDIT, clip_path=source)
    )
    expect = expected_clip(request)
    assert expect.accepts(5.0) and expect.accepts(8.0) and not expect.accepts(6.5)
