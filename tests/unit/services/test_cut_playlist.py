"""The cut's playlist (chosen takes in storyboard order, scenes without one skipped) and the
timeline's block geometry."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from imageai.core.models import AnimaticSettings, Project, ProviderSettings, RenderState, Scene
from imageai.services.cut_playlist import (
    Block,
    CutPlaylist,
    block_layout,
    chosen_clip,
    cut_entries,
    playhead_x,
    row_at,
    total_width,
    visible_rows,
)

FOLDER = Path("/projects/lighthouse")


def _done(sid: str, seconds: int, take: str = "") -> Scene:
    return Scene(
        id=sid,
        duration=seconds,
        state=RenderState.DONE,
        job_id=f"job-{sid}",
        clip_path=f"clips/{sid}{take}.mp4",
        thumbnail_path=f"thumbs/{sid}{take}.jpg",
    )


def _project() -> Project:
    return Project(
        settings=ProviderSettings(animatic=AnimaticSettings(seconds=4)),
        scenes=(
            _done("a", 2, "-take2"),
            Scene(id="b", reference_image="refs/b.png"),
            _done("c", 6),
            Scene(id="d", state=RenderState.FAILED, duration=3),
        ),
    )


def test_entries_are_the_chosen_takes_in_storyboard_order() -> None:
    entries = cut_entries(_project(), FOLDER)
    assert [e.scene_id for e in entries] == ["a", "b", "c", "d"]
    assert [e.clip for e in entries] == [
        FOLDER / "clips/a-take2.mp4",
        None,
        FOLDER / "clips/c.mp4",
        None,
    ]
    # A scene without its own duration shows the project's; a thumbnail, else its reference.
    assert [e.seconds for e in entries] == [2.0, 4.0, 6.0, 3.0]
    assert entries[0].thumbnail == FOLDER / "thumbs/a-take2.jpg"
    assert entries[1].thumbnail == FOLDER / "refs/b.png"
    assert entries[3].thumbnail is None


def test_an_unsaved_project_has_nothing_to_play() -> None:
    assert [e.clip for e in cut_entries(_project(), None)] == [None] * 4
    assert chosen_clip(_project().scenes[0], None) is None


def test_playlist_skips_scenes_without_a_take_and_names_them() -> None:
    playlist = CutPlaylist(cut_entries(_project(), FOLDER))
    assert playlist.playable() == 2
    first = playlist.start()
    assert first is not None and first.scene_id == "a"
    second = playlist.advance()
    assert second is not None and second.scene_id == "c"
    assert [e.scene_id for e in playlist.skipped] == ["b"]
    assert playlist.advance() is None
    assert playlist.current is None
    assert [e.scene_id for e in playlist.skipped] == ["b", "d"]
    assert playlist.advance() is None


def test_playlist_starts_at_a_chosen_row() -> None:
    playlist = CutPlaylist(cut_entries(_project(), FOLDER))
    entry = playlist.start(1)
    assert entry is not None and (entry.row, entry.scene_id) == (2, "c")
    assert playlist.start(3) is None


def test_blocks_are_proportional_to_duration_with_a_minimum() -> None:
    blocks = block_layout([2, 4, 0.5], 30, gap=4, min_width=40)
    assert blocks == [Block(4, 60), Block(68, 120), Block(192, 40)]
    assert total_width(blocks) == 236
    assert total_width([]) == 0


def test_visible_rows_hit_test_and_playhead() -> None:
    blocks = block_layout([2, 4, 2], 30, gap=4, min_width=40)  # 4-64, 68-188, 192-252
    assert visible_rows(blocks, 0, 66) == range(0, 1)
    assert visible_rows(blocks, 64, 70) == range(1, 2)
    assert visible_rows(blocks, 100, 500) == range(1, 3)
    assert visible_rows(blocks, 260, 400) == range(3, 3)
    assert row_at(blocks, 70) == 1
    assert row_at(blocks, 66) is None  # the gap between blocks
    assert playhead_x(blocks, 1, 0.5) == 128
    assert playhead_x(blocks, 1, 2.0) == 188


@given(
    st.lists(st.floats(0, 60), max_size=60),
    st.integers(-100, 5000),
    st.integers(0, 2000),
)
def test_visible_rows_are_exactly_the_blocks_that_overlap(
    seconds: list[float], left: int, width: int
) -> None:
    blocks = block_layout(seconds, 24)
    right = left + width
    expected = [i for i, b in enumerate(blocks) if b.x < right and b.x + b.width > left]
    expected = expected if width > 0 else []
    assert list(visible_rows(blocks, left, right)) == expected


def test_a_failed_render_again_keeps_the_chosen_take_in_the_cut(tmp_path: Path) -> None:
    from imageai.core.catalog import default_catalog
    from imageai.core.errors import JobError
    from imageai.core.jobs import Queued
    from imageai.core.render_plan import apply_event, apply_failure, build_request
    from imageai.core.takes import first_render
    from imageai.services.export_service import clips_in_order

    done = _done("a", 2)
    take = first_render(done)
    assert take is not None
    scene = done.model_copy(update={"takes": (take,), "prompt": "A lighthouse."})
    project = Project(
        settings=ProviderSettings(animatic=AnimaticSettings(seconds=4)), scenes=(scene,)
    )
    request = build_request(default_catalog(), project, scene, tmp_path)
    # Render again: queued (the earlier job id is dropped), then the new create fails.
    rendering = apply_event(project, Queued(scene_id="a"), request)
    failed = apply_failure(rendering, "a", JobError(kind="network", user_message="offline"))
    for state in (rendering, failed):
        assert chosen_clip(state.scenes[0], tmp_path) == tmp_path / "clips/a.mp4"
    assert clips_in_order(failed, tmp_path) == [tmp_path / "clips/a.mp4"]
    # A first render that failed has no take, so nothing to play.
    first = Scene(id="b", state=RenderState.FAILED, clip_path=None)
    assert chosen_clip(first, tmp_path) is None
