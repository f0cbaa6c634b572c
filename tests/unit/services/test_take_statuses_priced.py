"""`TakeStatuses.priced`: one estimate for the cards and the cost line, redone per changed scene."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from imageai.core import pricing
from imageai.core.catalog import default_catalog
from imageai.core.models import AnimaticSettings, Project, ProviderName, Scene, SoraSettings
from imageai.core.pricing import estimate
from imageai.services.project_document import ProjectDocument
from imageai.services.take_statuses import TakeStatuses

if TYPE_CHECKING:
    import pytest

CATALOG = default_catalog()


def _document(scenes: int = 6) -> ProjectDocument:
    project = Project(
        provider=ProviderName.ANIMATIC,
        # The last scene takes the project's duration.
        scenes=tuple(
            Scene(id=f"s{i}", prompt=f"Shot {i}", duration=4 if i < scenes - 1 else None)
            for i in range(scenes)
        ),
    )
    return ProjectDocument(project, None)


def _counted(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls = [0]
    original = pricing.price_rule

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls[0] += 1
        return original(*args, **kwargs)

    monkeypatch.setattr(pricing, "price_rule", counted)
    return calls


def test_one_edited_scene_is_priced_again_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    doc = _document()
    statuses = TakeStatuses(doc, CATALOG)
    statuses.priced()
    calls = _counted(monkeypatch)
    assert statuses.priced() is statuses.priced()  # the same project: no pricing at all
    assert calls[0] == 0
    doc.set_project(
        doc.project.with_scene(doc.project.scenes[3].model_copy(update={"duration": 8}))
    )
    got = statuses.priced().estimate
    assert calls[0] == 1  # 6 before: every scene priced again
    calls[0] = 0
    assert got == estimate(doc.project, catalog=CATALOG)
    assert [row.seconds for row in got.scenes][:5] == [4, 4, 4, 8, 4]


def test_a_move_or_a_project_setting_prices_every_scene_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    doc = _document()
    statuses = TakeStatuses(doc, CATALOG)
    statuses.priced()
    calls = _counted(monkeypatch)
    moved = (doc.project.scenes[1], doc.project.scenes[0], *doc.project.scenes[2:])
    doc.set_project(doc.project.model_copy(update={"scenes": moved}))
    got = statuses.priced().estimate
    assert calls[0] == 6
    assert got == estimate(doc.project, catalog=CATALOG)
    assert [row.index for row in got.scenes] == [1, 2, 3, 4, 5, 6]
    calls[0] = 0
    settings = doc.project.settings.model_copy(
        update={"animatic": AnimaticSettings(seconds=6), "sora": SoraSettings()}
    )
    doc.set_project(doc.project.model_copy(update={"settings": settings}))
    got = statuses.priced().estimate
    assert calls[0] == 6
    assert got == estimate(doc.project, catalog=CATALOG)
    assert [row.seconds for row in got.scenes] == [4, 4, 4, 4, 4, 6]
