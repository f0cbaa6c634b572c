"""Sora <-> Veo settings mapping: sizes to aspect + resolution, seconds to the nearest allowed."""

from __future__ import annotations

import pytest

from imageai.core.retarget import map_from_sora, map_to_sora, nearest


@pytest.mark.parametrize(
    ("size", "seconds", "expected"),
    [
        ("1280x720", 4, ("16:9", "720p", 4)),
        ("720x1280", 8, ("9:16", "720p", 8)),
        ("1280x720", 12, ("16:9", "720p", 8)),
        ("1792x1024", 12, ("16:9", "1080p", 8)),
        ("1024x1792", 8, ("9:16", "1080p", 8)),
        ("1024x1792", 4, ("9:16", "720p", 4)),
    ],
)
def test_map_from_sora(size: str, seconds: int, expected: tuple[str, str, int]) -> None:
    aspect, resolution, new_seconds, _note = map_from_sora(size, seconds)
    assert (aspect, resolution, new_seconds) == expected


def test_from_sora_note_says_what_changed() -> None:
    assert map_from_sora("1280x720", 8)[3] == ""
    note = map_from_sora("1792x1024", 12)[3]
    assert "12 s becomes 8 s" in note
    assert "1792x1024 becomes 16:9 1080p" in note
    assert "only at 8 s" in map_from_sora("1024x1792", 4)[3]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("16:9", "720p", 8, "sora-2"), ("1280x720", 8)),
        (("9:16", "720p", 4, "sora-2"), ("720x1280", 4)),
        (("16:9", "720p", 6, "sora-2"), ("1280x720", 8)),
        (("9:16", "1080p", 8, "sora-2"), ("720x1280", 8)),
        (("9:16", "1080p", 8, "sora-2-pro"), ("1024x1792", 8)),
        (("16:9", "4k", 8, "sora-2-pro"), ("1792x1024", 8)),
    ],
)
def test_map_to_sora(args: tuple[str, str, int, str], expected: tuple[str, int]) -> None:
    size, seconds, _note = map_to_sora(*args)
    assert (size, seconds) == expected


def test_to_sora_note_says_what_changed() -> None:
    assert map_to_sora("16:9", "720p", 4, "sora-2")[2] == ""
    note = map_to_sora("9:16", "1080p", 6, "sora-2")[2]
    assert "6 s becomes 8 s" in note
    assert "sora-2 has no 1080x1920" in note


def test_round_trip_keeps_a_plain_shot() -> None:
    aspect, resolution, seconds, _ = map_from_sora("720x1280", 8)
    assert map_to_sora(aspect, resolution, seconds)[:2] == ("720x1280", 8)


def test_nearest_prefers_the_longer_on_a_tie() -> None:
    assert nearest(6, (4, 8, 12)) == 8
    assert nearest(5, (4, 6, 8)) == 6
    assert nearest(30, (4, 6, 8)) == 8
