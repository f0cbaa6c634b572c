"""`JobKey`: the job id text round-trips, and no string makes `parse` raise or lie."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from imageai.services.job_keys import JobKey, JobKind, kind_of, render_scene

scene_ids = st.text(min_size=1)
serials = st.integers(min_value=0, max_value=10**17)
keys = st.one_of(
    st.builds(JobKey.render, scene_ids),
    st.builds(JobKey.remix, scene_ids, serials),
    st.builds(JobKey.image, serials),
    st.just(JobKey.export()),
    st.just(JobKey.save_as()),
)


@given(keys)
def test_every_key_round_trips_through_its_text(key: JobKey) -> None:
    assert JobKey.parse(str(key)) == key


@given(st.text())
def test_parse_never_raises_and_a_parsed_key_writes_the_same_text(text: str) -> None:
    key = JobKey.parse(text)
    assert key is None or str(key) == text


def test_the_ids_stay_those_written_in_ledgers_and_reservations() -> None:
    assert str(JobKey.render("a1b2")) == "render-a1b2"
    assert str(JobKey.remix("a1b2", 3)) == "remix-a1b2-3"
    assert str(JobKey.image(7)) == "image-7"
    assert str(JobKey.export()) == "export-cut"
    assert str(JobKey.save_as()) == "save-as"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "render-",
        "render",
        "remix-",
        "remix-abc",  # no serial
        "remix--3",  # no scene
        "remix-abc-03",  # a leading zero would not write back the same
        "remix-abc-٣",  # a non-ASCII digit
        "image-",
        "image--1",
        "image-1.0",
        "image-" + "9" * 5000,  # longer than int() takes
        "export",
        "export-cut2",
        "key-openai",
        "job-3",
        "Render-abc",
    ],
)
def test_hostile_or_foreign_ids_are_no_key(text: str) -> None:
    assert JobKey.parse(text) is None
    assert kind_of(text) is None


def test_a_scene_id_with_dashes_or_path_text_stays_whole() -> None:
    assert JobKey.parse("remix-a-b-12") == JobKey.remix("a-b", 12)
    assert render_scene("render-../../etc") == "../../etc"
    assert render_scene("remix-a-1") is None
    assert kind_of("render-remix-a-1") is JobKind.RENDER


@pytest.mark.parametrize(
    ("kind", "scene_id", "serial"),
    [
        (JobKind.RENDER, None, None),
        (JobKind.RENDER, "", None),
        (JobKind.RENDER, "a", 1),
        (JobKind.REMIX, "a", None),
        (JobKind.REMIX, "a", -1),
        (JobKind.IMAGE, "a", 1),
        (JobKind.EXPORT, "a", None),
        (JobKind.SAVE_AS, None, 0),
    ],
)
def test_a_key_missing_or_carrying_the_wrong_parts_is_refused(
    kind: JobKind, scene_id: str | None, serial: int | None
) -> None:
    with pytest.raises(ValueError, match="job key"):
        JobKey(kind, scene_id, serial)
