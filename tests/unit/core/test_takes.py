"""Takes of a scene: the first render kept as take 1, choosing a take, listing them."""

from __future__ import annotations

import pytest

from imageai.core.errors import ValidationError
from imageai.core.models import RenderState, Scene, Take
from imageai.core.takes import (
    add_take,
    choose_take,
    current_take,
    list_takes,
    next_take_number,
    take_stem,
)


def _rendered() -> Scene:
    return Scene(
        id="s1",
        prompt="A lighthouse.",
        state=RenderState.DONE,
        job_id="video_1",
        clip_path="clips/s1.mp4",
        thumbnail_path="thumbs/s1.webp",
        rendered_prompt="A lighthouse. Style: noir.",
        billed_usd=0.4,
    )


def _remix(job_id: str = "video_2", number: int = 2) -> Take:
    return Take(
        job_id=job_id,
        clip_path=f"clips/s1-take{number}.mp4",
        thumbnail_path=f"thumbs/s1-take{number}.webp",
        prompt="At dawn.",
        remixed_from_job_id="video_1",
        billed_usd=0.4,
    )


def test_unrendered_scene_has_no_takes() -> None:
    scene = Scene(id="s1")
    assert list_takes(scene) == ()
    assert current_take(scene) is None
    assert next_take_number(scene) == 1


def test_rendered_scene_lists_its_render_as_take_one() -> None:
    scene = _rendered()
    (first,) = list_takes(scene)
    assert first.job_id == "video_1"
    assert first.prompt == "A lighthouse. Style: noir."
    assert current_take(scene) == 1
    assert next_take_number(scene) == 2


def test_adding_a_remix_keeps_the_first_render_and_the_current_clip() -> None:
    scene = add_take(_rendered(), _remix())
    assert [t.job_id for t in scene.takes] == ["video_1", "video_2"]
    assert scene.takes[0].clip_path == "clips/s1.mp4"
    assert scene.takes[0].billed_usd == pytest.approx(0.4)
    assert scene.clip_path == "clips/s1.mp4"
    assert current_take(scene) == 1
    assert scene.billed_usd == pytest.approx(0.8)


def test_second_remix_appends_without_duplicating_take_one() -> None:
    scene = add_take(add_take(_rendered(), _remix()), _remix("video_3", 3))
    assert [t.job_id for t in scene.takes] == ["video_1", "video_2", "video_3"]
    assert next_take_number(scene) == 4


def test_add_with_choose_makes_the_take_current() -> None:
    scene = add_take(_rendered(), _remix(), choose=True)
    assert scene.job_id == "video_2"
    assert scene.clip_path == "clips/s1-take2.mp4"
    assert scene.thumbnail_path == "thumbs/s1-take2.webp"
    assert current_take(scene) == 2


def test_the_same_job_cannot_be_added_twice() -> None:
    scene = add_take(_rendered(), _remix())
    with pytest.raises(ValidationError, match="already a take"):
        add_take(scene, _remix())


def test_choose_switches_back_and_forth() -> None:
    scene = add_take(_rendered(), _remix())
    scene = choose_take(scene, 2)
    assert (scene.job_id, scene.clip_path) == ("video_2", "clips/s1-take2.mp4")
    assert scene.rendered_prompt == "At dawn."
    scene = choose_take(scene, 1)
    assert (scene.job_id, scene.clip_path) == ("video_1", "clips/s1.mp4")
    assert scene.thumbnail_path == "thumbs/s1.webp"
    assert scene.state is RenderState.DONE
    assert len(scene.takes) == 2


@pytest.mark.parametrize("number", [0, 3, -1])
def test_choose_out_of_range_names_the_range(number: int) -> None:
    scene = add_take(_rendered(), _remix())
    with pytest.raises(ValidationError, match="1-2"):
        choose_take(scene, number)


def test_choose_on_unrendered_scene_fails() -> None:
    with pytest.raises(ValidationError, match="no takes yet"):
        choose_take(Scene(id="s1"), 1)


def test_choose_take_one_of_a_single_render_records_it() -> None:
    scene = choose_take(_rendered(), 1)
    assert len(scene.takes) == 1
    assert scene.clip_path == "clips/s1.mp4"


def test_take_stem() -> None:
    assert take_stem("ab12", 3) == "ab12-take3"
