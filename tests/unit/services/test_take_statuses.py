"""`TakeStatuses`: one cache of take statuses, refreshed by whatever a scene's request reads."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from imageai.core import take_state
from imageai.core.catalog import default_catalog
from imageai.core.models import (
    AnimaticSettings,
    Project,
    ProviderName,
    Scene,
    SoraSettings,
    VeoSettings,
)
from imageai.core.render_plan import build_request
from imageai.services import take_statuses
from imageai.services.project_document import ProjectDocument
from imageai.services.storyboard_commands import StoryboardEditor
from imageai.services.storyboard_model import StoryboardModel
from imageai.services.take_statuses import TakeStatuses
from tests.unit.services.current_take import with_current_take

if TYPE_CHECKING:
    from pathlib import Path

    import pytest
    from PySide6.QtWidgets import QApplication

    from imageai.core.catalog import Catalog
    from imageai.core.jobs import JobRequest
    from imageai.core.take_state import TakeStatus

CATALOG = default_catalog()


def _rendered(tmp_path: Path) -> ProjectDocument:
    """Two animatic scenes, the second rendered from what it asks for now (its take current)."""
    first = Scene(id="s1", prompt="A lighthouse at dusk.")
    second = Scene(id="s2", prompt="The beam sweeps the sea.")
    project = Project(provider=ProviderName.ANIMATIC, scenes=(first, second))
    return ProjectDocument(with_current_take(project, "s2", tmp_path, "job-1"), folder=tmp_path)


def test_chaining_the_scenes_changes_the_prompt_so_the_take_changed(
    qapp: QApplication, tmp_path: Path
) -> None:
    document = _rendered(tmp_path)
    editor = StoryboardEditor(document)
    model = StoryboardModel(document, editor, CATALOG)
    assert not model.take_status(document.project.scene("s2")).changed
    # Chained, scene 2's prompt continues from scene 1's: the request is another one.
    editor.set_project_fields("Chain scenes", chain_scenes=True)
    assert model.take_status(document.project.scene("s2")).changed
    assert set(TakeStatuses.of(document, CATALOG).changed()) == {"s2"}


def test_the_scene_before_changing_its_prompt_refreshes_a_chained_scene(
    qapp: QApplication, tmp_path: Path
) -> None:
    document = _rendered(tmp_path)
    document.set_project(document.project.model_copy(update={"chain_scenes": True}))
    statuses = TakeStatuses.of(document, CATALOG)
    assert statuses.changed() != {}  # rendered unchained: chaining changed its prompt
    editor = StoryboardEditor(document)
    editor.set_project_fields("Chain scenes", chain_scenes=False)
    assert statuses.changed() == {}
    editor.edit_scene("s1", prompt="A lighthouse in fog.")  # not chained: no effect on s2
    assert statuses.changed() == {}


def test_the_storyboard_and_the_costs_share_one_cache(qapp: QApplication, tmp_path: Path) -> None:
    document = _rendered(tmp_path)
    assert TakeStatuses.of(document, CATALOG) is TakeStatuses.of(document, CATALOG)
    model = StoryboardModel(document, StoryboardEditor(document), CATALOG)
    assert model.take_statuses is TakeStatuses.of(document, CATALOG)


def test_another_providers_settings_leave_the_cached_statuses_alone(
    qapp: QApplication, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    document = _rendered(tmp_path)
    statuses = TakeStatuses.of(document, CATALOG)
    assert statuses.changed() == {}
    computed: list[str] = []

    def counted(*args: Any) -> TakeStatus:
        computed.append(args[2].id)  # (catalog, project, scene, ...)
        return take_state.take_status(*args)

    monkeypatch.setattr(take_statuses, "take_status", counted)
    editor = StoryboardEditor(document)
    editor.set_provider_settings(ProviderName.VEO, VeoSettings(seconds=4))
    assert statuses.changed() == {}
    assert computed == []  # the same request fingerprint: its status is not worked out again
    editor.set_provider_settings(ProviderName.ANIMATIC, AnimaticSettings(seconds=3))
    assert set(statuses.changed()) == {"s2"}
    assert computed == ["s2"]


def test_a_request_is_built_again_only_when_what_it_is_built_from_changed(
    qapp: QApplication, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The cards ask per paint and the cost line after the storyboard: asking again about the
    same project renders no template and hashes nothing, only stats the files the request
    sends; a scene added after a rendered one leaves its request alone, and so do a new title
    and budget (no fingerprint reads them); a new style does not (every prompt reads it)."""
    document = _rendered(tmp_path)
    statuses = TakeStatuses.of(document, CATALOG)
    built: list[str] = []

    def counted(catalog: Catalog, project: Project, scene: Scene, folder: Path) -> JobRequest:
        built.append(scene.id)
        return build_request(catalog, project, scene, folder)

    monkeypatch.setattr(take_statuses, "build_request", counted)
    scenes = document.project.scenes
    assert statuses.changed() == {}
    assert built == ["s2"]  # s1 is not rendered: it has no take to compare
    assert statuses.changed() == {}
    assert not statuses.status(document.project.scene("s2")).changed
    assert built == ["s2"]
    added = Scene(id="s3", prompt="Night falls.")
    document.set_project(document.project.model_copy(update={"scenes": (*scenes, added)}))
    assert statuses.changed() == {}
    assert built == ["s2"]
    StoryboardEditor(document).set_project_fields("Title", title="Lights", budget_usd=5.0)
    assert statuses.changed() == {}
    assert built == ["s2"]
    StoryboardEditor(document).set_project_fields("Style", style="Film noir.")
    assert set(statuses.changed()) == {"s2"}
    assert built == ["s2", "s2"]


def test_the_fields_the_status_cache_ignores_reach_no_render_fingerprint(tmp_path: Path) -> None:
    """`UNRENDERED_FIELDS` is a promise about the fingerprint: each field in it, changed, leaves
    every provider's request fingerprint as it was."""
    scene = Scene(id="s1", prompt="A lighthouse at dusk.")
    changed = {"title": "Another film", "budget_usd": 12.5}
    assert set(changed) == set(take_statuses.UNRENDERED_FIELDS)
    # Settings each provider can render with: a compatible endpoint (OpenAI's own Sora API is
    # gone) and a Cloud project for Veo on Vertex AI.
    usable = {
        "sora": SoraSettings(base_url="https://videos-gateway.test/v1"),
        "veo": VeoSettings(vertex_project="film-123"),
    }
    for provider in ProviderName:
        project = Project(provider=provider, scenes=(scene,))
        project = project.model_copy(
            update={"settings": project.settings.model_copy(update=usable)}
        )
        before = build_request(CATALOG, project, scene, tmp_path).fingerprint()
        for field, value in changed.items():
            other = project.model_copy(update={field: value})
            assert build_request(CATALOG, other, scene, tmp_path).fingerprint() == before
