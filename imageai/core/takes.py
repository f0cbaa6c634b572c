"""A scene's takes (its first render and remixes of it): add one, choose one, list them (pure)."""

from __future__ import annotations

from imageai.core.errors import ValidationError
from imageai.core.models import RenderState, Scene, Take


def take_stem(scene_id: str, number: int) -> str:
    """The file stem of take ``number``'s clip and thumbnail, e.g. ``ab12-take2``."""
    return f"{scene_id}-take{number}"


def first_render(scene: Scene) -> Take | None:
    """The scene's own render as a take, or None if it has no finished clip."""
    if scene.state is not RenderState.DONE or not scene.job_id or not scene.clip_path:
        return None
    return Take(
        job_id=scene.job_id,
        clip_path=scene.clip_path,
        thumbnail_path=scene.thumbnail_path,
        prompt=scene.rendered_prompt or scene.prompt,
        billed_usd=scene.billed_usd,
    )


def list_takes(scene: Scene) -> tuple[Take, ...]:
    """The scene's takes; a rendered scene with none recorded has its render as take 1."""
    if scene.takes:
        return scene.takes
    first = first_render(scene)
    return (first,) if first is not None else ()


def next_take_number(scene: Scene) -> int:
    return len(list_takes(scene)) + 1


def current_take(scene: Scene) -> int | None:
    """The 1-based number of the take the scene shows now, or None."""
    for number, take in enumerate(list_takes(scene), 1):
        if take.job_id == scene.job_id and take.clip_path == scene.clip_path:
            return number
    return None


def add_take(scene: Scene, take: Take, *, choose: bool = False) -> Scene:
    """The scene with ``take`` appended and its cost added to the scene's.

    The first render becomes take 1 first, so adding a remix loses nothing. With ``choose`` the
    new take also becomes the scene's current clip.
    """
    existing = list_takes(scene)
    if any(t.job_id == take.job_id for t in existing):
        raise ValidationError("take", f"job {take.job_id} is already a take of this scene")
    takes = (*existing, take)
    updated = scene.model_copy(
        update={"takes": takes, "billed_usd": round(scene.billed_usd + take.billed_usd, 4)}
    )
    return choose_take(updated, len(takes)) if choose else updated


def choose_take(scene: Scene, number: int) -> Scene:
    """The scene showing take ``number`` (1-based): its clip, thumbnail and job id follow it.

    Raises:
        ValidationError: the scene has no take ``number``.
    """
    takes = list_takes(scene)
    if not takes:
        raise ValidationError("take", "the scene has no takes yet; render it first")
    if not 1 <= number <= len(takes):
        raise ValidationError(
            "take", f"take {number} does not exist (the scene has 1-{len(takes)})"
        )
    take = takes[number - 1]
    if take.clip_path is None:
        raise ValidationError("take", f"take {number} has no clip")
    return scene.model_copy(
        update={
            "takes": takes,
            "job_id": take.job_id,
            "clip_path": take.clip_path,
            "thumbnail_path": take.thumbnail_path,
            "rendered_prompt": take.prompt or scene.rendered_prompt,
            "state": RenderState.DONE,
            "error": None,
        }
    )
