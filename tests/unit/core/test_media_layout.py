"""`mp4_layout` reads any bytes a server sends without failing, and never calls a cut file whole."""

from __future__ import annotations

import struct
import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from imageai.core.media import Mp4Layout, mp4_layout
from tests.fakes.clips import mp4_clip


def _layout(data: bytes) -> Mp4Layout:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "x.mp4"
        path.write_bytes(data)
        return mp4_layout(path)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300))
def test_any_bytes_give_a_layout_never_an_error(data: bytes) -> None:
    layout = _layout(data)
    assert not (layout.whole and layout.truncated)


@settings(max_examples=100, deadline=None)
@given(st.integers(min_value=1, max_value=len(mp4_clip(4)) - 1))
def test_a_real_clip_cut_anywhere_is_never_whole(cut: int) -> None:
    layout = _layout(mp4_clip(4)[:cut])
    # A cut at a box boundary (after ftyp+free, or after mdat) leaves boxes that add up, but
    # never both the movie header and the media: the layout check refuses it either way.
    assert not (layout.whole and {"moov", "mdat"} <= set(layout.boxes))


def test_a_cut_at_a_box_boundary_adds_up_but_lacks_moov_or_mdat() -> None:
    clip = mp4_clip(4)
    full = _layout(clip)
    assert full.whole and {"moov", "mdat"} <= set(full.boxes)
    offset, ends = 0, []
    while offset < len(clip):
        offset += int.from_bytes(clip[offset : offset + 4], "big")
        ends.append(offset)
    for end in ends[:-1]:
        layout = _layout(clip[:end])
        assert layout.whole and not {"moov", "mdat"} <= set(layout.boxes)


@given(
    st.lists(
        st.tuples(st.sampled_from([b"ftyp", b"moov", b"mdat", b"free"]), st.binary(max_size=40))
    )
)
def test_boxes_that_add_up_are_whole_and_listed_in_order(boxes: list[tuple[bytes, bytes]]) -> None:
    data = b"".join(struct.pack(">I", 8 + len(p)) + kind + p for kind, p in boxes)
    layout = _layout(data)
    assert layout.whole or not boxes
    assert layout.boxes == tuple(kind.decode() for kind, _ in boxes)


def test_zeros_are_not_a_box() -> None:
    layout = _layout(bytes(4096))
    assert not layout.whole and not layout.truncated
