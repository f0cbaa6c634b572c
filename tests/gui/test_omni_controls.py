"""Gemini Omni in the GUI: the provider list, controls that follow the model, live price, scene rows."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from imageai.core.key_check import KeyCheck, KeyStatus
from imageai.core.models import OmniContinuity, OmniSettings, ProviderName, VeoBackend
from imageai.core.secrets import InMemorySecretStore, KeyName
from imageai.gui.video.omni_controls_widget import OmniControlsWidget
from imageai.gui.video.provider_selector import ProviderSelectorWidget
from imageai.gui.video.workspace_panel import VideoWorkspacePanel
from imageai.services.key_check_service import KeyCheckService
from tests.gui.conftest import wait_threads_done

if TYPE_CHECKING:
    from collections.abc import Callable

    from PySide6.QtWidgets import QComboBox
    from pytestqt.qtbot import QtBot

    from imageai.services.video_workspace import VideoWorkspace

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


def _omni_workspace(
    make: Callable[..., VideoWorkspace], scenes: int = 2, **settings: object
) -> VideoWorkspace:
    ws = make(scenes=scenes)
    ws.editor.set_provider(ProviderName.OMNI)
    if settings:
        ws.editor.set_provider_settings(ProviderName.OMNI, OmniSettings.model_validate(settings))
    return ws


def _panel(qtbot: QtBot, ws: VideoWorkspace) -> VideoWorkspacePanel:
    panel = VideoWorkspacePanel(ws)
    qtbot.add_widget(panel)
    return panel


def _items(combo: QComboBox) -> list[object]:
    return [combo.itemData(i) for i in range(combo.count())]


def _pick(combo: QComboBox, value: object) -> None:
    index = combo.findData(value)
    assert index >= 0, f"{value!r} not offered: {_items(combo)}"
    combo.setCurrentIndex(index)
    combo.activated.emit(index)


def test_selector_lists_the_four_providers_and_shows_omni_controls(
    qtbot: QtBot, make_workspace: Callable[..., VideoWorkspace]
) -> None:
    ws = make_workspace(scenes=1)
    panel = _panel(qtbot, ws)
    selector = panel.provider_selector
    combo = selector.combo
    labels = [combo.itemText(i) for i in range(combo.count())]
    assert labels == [
        "Animatic (free, offline)",
        "Gemini Omni",
        "Veo 3.1 (Vertex AI)",
        "OpenAI-compatible endpoint (/v1/videos)",
    ]
    assert _items(combo) == ["animatic", "omni", "veo", "sora"]
    combo.activated.emit(combo.findData("omni"))
    assert ws.document.project.provider is ProviderName.OMNI
    assert isinstance(selector.stack.currentWidget(), OmniControlsWidget)
    ws.editor.undo_stack.undo()
    assert ws.document.project.provider is ProviderName.ANIMATIC
    assert combo.currentData() == "animatic"


def test_durations_follow_the_model_and_a_shorter_model_clamps_with_a_note(
    qtbot: QtBot, make_workspace: Callable[..., VideoWorkspace]
) -> None:
    ws = _omni_workspace(make_workspace, model="gemini-omni-1.2-flash", seconds=12)
    controls = OmniControlsWidget(ws)
    qtbot.add_widget(controls)
    assert _items(controls.seconds_combo) == list(range(3, 16))
    assert controls.seconds_combo.currentData() == 12
    _pick(controls.model_combo, "gemini-omni-1.1-flash")
    omni = ws.document.project.settings.omni
    assert (omni.model, omni.seconds) == ("gemini-omni-1.1-flash", 10)
    assert _items(controls.seconds_combo) == list(range(3, 11))
    assert controls.seconds_combo.currentData() == 10
    assert not controls.notice.isHidden()
    assert "cannot do 12 s" in controls.notice.text()
    assert "10 s" in controls.notice.text()
    ws.editor.undo_stack.undo()
    assert ws.document.project.settings.omni.seconds == 12


def test_a_scene_with_first_and_last_frame_caps_omni_1_2_at_ten_seconds(
    qtbot: QtBot, make_workspace: Callable[..., VideoWorkspace]
) -> None:
    ws = _omni_workspace(make_workspace, model="gemini-omni-1.2-flash", seconds=8)
    scene_id = ws.document.project.scenes[0].id
    ws.editor.edit_scene(
        scene_id, reference_image="refs/a.png", last_frame_image="refs/b.png", duration=None
    )
    panel = _panel(qtbot, ws)
    controls = panel.provider_selector.controls[ProviderName.OMNI]
    assert isinstance(controls, OmniControlsWidget)
    assert 15 in _items(controls.seconds_combo)
    panel.storyboard_view.select_ids([scene_id])
    assert _items(controls.seconds_combo) == list(range(3, 11))
    assert "at most 10 s" in controls.seconds_hint.text()
    assert controls.form.isRowVisible(controls.seconds_hint)
    # The scene editor offers the same durations for that scene.
    editor_items = _items(panel.scene_editor.duration_combo)
    assert editor_items[1:] == list(range(3, 11))
    # While that scene is selected, a longer duration is clamped, with a note.
    notes = controls.apply(seconds=15)
    assert ws.document.project.settings.omni.seconds == 10
    assert any("at most 10 s with a first and a last frame" in n for n in notes)
    # A scene with only a first frame has the model's full range.
    panel.storyboard_view.select_ids([ws.document.project.scenes[1].id])
    assert _items(controls.seconds_combo) == list(range(3, 16))
    assert not controls.form.isRowVisible(controls.seconds_hint)


def test_cost_label_and_price_follow_resolution_with_unverified_marked(
    qtbot: QtBot, make_workspace: Callable[..., VideoWorkspace]
) -> None:
    ws = _omni_workspace(make_workspace, model="gemini-omni-1.1-flash", seconds=6)
    panel = _panel(qtbot, ws)
    controls = panel.provider_selector.controls[ProviderName.OMNI]
    assert isinstance(controls, OmniControlsWidget)
    # Scenes of the fixture have 1 s durations: not valid on Omni; use the project default.
    for scene in ws.document.project.scenes:
        ws.editor.edit_scene(scene.id, duration=None)
    before = panel.cost_label.text()
    assert "2 scenes, 12 s: $1.20" in before  # 720p: $0.10/s
    assert controls.price.text().startswith("Price: $0.10/s at 720p (unverified)")
    assert "one 6 s scene: $0.60" in controls.price.text()
    assert "2 Omni scenes to render, 12 s: $1.20" in controls.price.text()
    assert "third party" in controls.price.toolTip()
    _pick(controls.resolution_combo, "4k")
    assert "2 scenes, 12 s: $3.60" in panel.cost_label.text()  # 4k: $0.30/s
    assert controls.price.text().startswith("Price: $0.30/s at 4k (unverified)")
    _pick(controls.model_combo, "gemini-omni-1.2-flash")
    assert controls.price.text().startswith("Price: $0.21/s at 4k")
    _pick(controls.resolution_combo, "360p")
    assert controls.price.text().startswith("Price: $0.023/s at 360p")


def test_backend_shows_vertex_fields_only_for_vertex_and_saves_them(
    qtbot: QtBot, make_workspace: Callable[..., VideoWorkspace]
) -> None:
    ws = _omni_workspace(make_workspace)
    controls = OmniControlsWidget(ws)
    qtbot.add_widget(controls)
    vertex_rows = (controls.cloud_project_edit, controls.location_edit, controls.gcs_edit)
    assert not any(controls.form.isRowVisible(w) for w in vertex_rows)
    assert _items(controls.model_combo) == ["gemini-omni-1.1-flash", "gemini-omni-1.2-flash"]
    _pick(controls.backend_combo, VeoBackend.VERTEX)
    assert all(controls.form.isRowVisible(w) for w in vertex_rows)
    assert _items(controls.model_combo) == ["gemini-omni-1.1-flash", "gemini-omni-1.2-flash"]
    controls.cloud_project_edit.setText("my-project")
    controls.cloud_project_edit.editingFinished.emit()
    controls.gcs_edit.setText("not-a-bucket")
    controls.gcs_edit.editingFinished.emit()
    assert "gs://" in controls.notice.text()
    controls.gcs_edit.setText("gs://bucket/clips")
    controls.gcs_edit.editingFinished.emit()
    controls.seed_edit.setText("42")
    controls.seed_edit.editingFinished.emit()
    omni = ws.document.project.settings.omni
    assert omni.backend is VeoBackend.VERTEX
    assert (omni.vertex_project, omni.gcs_uri, omni.seed) == ("my-project", "gs://bucket/clips", 42)
    assert ws.document.project.settings.veo.vertex_project is None  # Veo's own fields untouched


def test_audio_direction_is_shown_for_omni_scenes_and_undoable(
    qtbot: QtBot, make_workspace: Callable[..., VideoWorkspace]
) -> None:
    ws = make_workspace(scenes=2)
    panel = _panel(qtbot, ws)
    editor = panel.scene_editor
    second = ws.document.project.scenes[1].id
    panel.storyboard_view.select_ids([second])
    assert not editor.form.isRowVisible(editor.audio_edit)
    ws.editor.set_provider(ProviderName.OMNI)
    assert editor.form.isRowVisible(editor.audio_edit)
    assert "no dialogue" in editor.audio_edit.placeholderText()
    editor.audio_edit.setText("  waves and wind; no music ")
    editor.audio_edit.editingFinished.emit()
    assert ws.document.project.scene(second).audio_direction == "waves and wind; no music"
    ws.editor.undo_stack.undo()
    assert ws.document.project.scene(second).audio_direction == ""
    assert editor.audio_edit.text() == ""
    ws.editor.undo_stack.redo()
    assert editor.audio_edit.text() == "waves and wind; no music"
    # A scene moved to another provider keeps the text but hides the row.
    ws.editor.edit_scene(second, provider=ProviderName.ANIMATIC)
    assert not editor.form.isRowVisible(editor.audio_edit)
    assert ws.document.project.scene(second).audio_direction == "waves and wind; no music"


def test_extend_checkbox_binds_continuity_and_not_on_the_first_scene(
    qtbot: QtBot, make_workspace: Callable[..., VideoWorkspace]
) -> None:
    ws = _omni_workspace(make_workspace)
    panel = _panel(qtbot, ws)
    editor = panel.scene_editor
    first, second = (s.id for s in ws.document.project.scenes)
    panel.storyboard_view.select_ids([first])
    assert editor.form.isRowVisible(editor.extend_check)
    assert not editor.extend_check.isEnabled()
    assert "first scene" in editor.extend_check.toolTip()
    panel.storyboard_view.select_ids([second])
    assert editor.extend_check.isEnabled()
    editor.extend_check.click()
    assert ws.document.project.scene(second).continuity is OmniContinuity.EXTEND
    ws.editor.undo_stack.undo()
    assert ws.document.project.scene(second).continuity is OmniContinuity.NONE
    assert not editor.extend_check.isChecked()


def test_images_widget_serves_omni_with_its_limits(
    qtbot: QtBot, make_workspace: Callable[..., VideoWorkspace]
) -> None:
    ws = _omni_workspace(make_workspace, model="gemini-omni-1.2-flash")
    panel = _panel(qtbot, ws)
    panel.storyboard_view.select_ids([ws.document.project.scenes[0].id])
    images = panel.scene_editor.veo_images
    assert not images.isHidden()
    assert images.form.isRowVisible(0)
    assert images.form.isRowVisible(1)
    assert images.refs_hint.text().startswith("0 of 5 · ")
    assert "first or last frame" in images.refs_hint.text()
    assert "Omni" in images.last_frame_label.toolTip()
    assert "at most 10 s" in images.last_frame_label.toolTip()


def test_omni_choice_is_saved_with_the_project_and_a_scene_override_still_works(
    qtbot: QtBot, make_workspace: Callable[..., VideoWorkspace]
) -> None:
    ws = make_workspace(scenes=2)
    panel = _panel(qtbot, ws)
    selector = panel.provider_selector
    selector.combo.activated.emit(selector.combo.findData("omni"))
    controls = selector.controls[ProviderName.OMNI]
    assert isinstance(controls, OmniControlsWidget)
    _pick(controls.resolution_combo, "1080p")
    folder = ws.save()
    ws.new_project()
    assert selector.current() is ProviderName.ANIMATIC
    ws.open_project(folder)
    assert selector.current() is ProviderName.OMNI
    assert isinstance(selector.stack.currentWidget(), OmniControlsWidget)
    assert ws.document.project.settings.omni.resolution == "1080p"
    # Back to the animatic for the project, with one scene kept on Omni by its override.
    selector.combo.activated.emit(selector.combo.findData("animatic"))
    first = ws.document.project.scenes[0].id
    panel.storyboard_view.select_ids([first])
    editor = panel.scene_editor
    assert not editor.form.isRowVisible(editor.audio_edit)
    combo = editor.provider_combo
    combo.activated.emit(combo.findData("omni"))
    assert ws.document.project.scene(first).provider is ProviderName.OMNI
    assert editor.form.isRowVisible(editor.audio_edit)
    assert not editor.veo_images.isHidden()


def test_a_rejected_gemini_key_warns_on_omni_but_not_on_vertex(
    qtbot: QtBot, make_workspace: Callable[..., VideoWorkspace]
) -> None:
    ws = _omni_workspace(make_workspace)
    rejected = KeyCheck(status=KeyStatus.BAD_KEY, message="The key was rejected (401).")
    keys = KeyCheckService(
        InMemorySecretStore({KeyName.GOOGLE: "bad-key"}), {KeyName.GOOGLE: lambda _k: rejected}, {}
    )
    selector = ProviderSelectorWidget(ws, keys)
    qtbot.add_widget(selector)
    with qtbot.wait_signal(keys.checked, timeout=5000):
        keys.check(KeyName.GOOGLE)
    keys.shutdown()
    wait_threads_done(qtbot)
    assert selector.key_status.isVisibleTo(selector)
    assert "(401)" in selector.key_status.text()
    controls = selector.controls[ProviderName.OMNI]
    assert isinstance(controls, OmniControlsWidget)
    _pick(controls.backend_combo, VeoBackend.VERTEX)  # application default credentials
    assert not selector.key_status.isVisibleTo(selector)
