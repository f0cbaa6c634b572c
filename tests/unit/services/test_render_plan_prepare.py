"""One plan per render: `prepare` reads the ledger once, `render(plan)` runs it or refuses it."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

import pytest

from imageai.core import project_store
from imageai.core import render_plan as core_plan
from imageai.core.errors import AuthError, ErrorKind
from imageai.core.ledger import LEDGER_NAME, Ledger
from imageai.core.models import RenderState
from imageai.core.project_lock import ProjectLock
from imageai.core.validation import validate_scene
from imageai.providers.router import ProviderRouter
from imageai.services.job_runner import JobRunner, live_threads
from imageai.services.project_document import ProjectDocument
from imageai.services.render_controller import RenderController
from imageai.services.render_plan import ProjectSaveError, StalePlanError, plan_lines
from tests.fakes.fake_provider import FakeProvider
from tests.unit.services.test_render_controller_safety import _controller, _sora_project

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from pytestqt.qtbot import QtBot

    from imageai.core.jobs import JobRequest


@pytest.fixture
def runner(qtbot: QtBot) -> Iterator[JobRunner]:
    runner = JobRunner(max_concurrency=3)
    yield runner
    assert runner.shutdown(10_000)
    qtbot.wait_until(lambda: not live_threads(), timeout=10_000)


def _created(folder: Path) -> dict[str, int]:
    counts: dict[str, int] = {}
    for entry in Ledger(folder / LEDGER_NAME).entries():
        if entry.event == "created":
            counts[entry.scene_id] = counts.get(entry.scene_id, 0) + 1
    return counts


def _finished_by_another_run(folder: Path, request: JobRequest, job_id: str) -> Path:
    """The ledger lines and clip a render in another process leaves for ``request``."""
    clip = folder / "clips" / f"{request.scene_id}.mp4"
    clip.parent.mkdir(exist_ok=True)
    clip.write_bytes(b"\x00\x00\x00\x18ftypisom" + b"\x00" * 64)
    ledger = Ledger(folder / LEDGER_NAME)
    ledger.intent(request)
    ledger.created(request, job_id, 0.4)
    ledger.note(request.scene_id, request.provider.value, job_id, "downloaded", str(clip))
    return clip


def test_prepare_reads_the_ledger_once_and_validates_each_scene_once(
    qtbot: QtBot, runner: JobRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    gate = threading.Event()
    controller = _controller(
        _sora_project(8, budget=10.0), tmp_path, runner, FakeProvider(("done",), gate=gate)
    )
    reads: list[str] = []
    validated: list[str] = []
    real_read, real_validate = Ledger.read, validate_scene

    def counting_read(self: Ledger) -> object:
        if threading.current_thread() is threading.main_thread():  # not the jobs' own reads
            reads.append(self.path.name)
        return real_read(self)

    def counting_validate(catalog: object, project: object, scene: object) -> object:
        validated.append(getattr(scene, "id", "?"))
        return real_validate(catalog, project, scene)  # type: ignore[arg-type]

    monkeypatch.setattr(Ledger, "read", counting_read)
    monkeypatch.setattr(core_plan, "validate_scene", counting_validate)
    plan = controller.prepare()
    job_ids = controller.render(plan)
    assert len(job_ids) == 8
    assert reads == [LEDGER_NAME]  # was 26 parses for 8 scenes
    assert sorted(validated) == sorted(f"scene{i}" for i in range(1, 9))  # was twice each
    with qtbot.wait_signal(controller.batch_finished, timeout=20_000):
        gate.set()


def test_a_scene_the_ledger_says_is_done_is_not_created_again(
    qtbot: QtBot, runner: JobRunner, tmp_path: Path
) -> None:
    # project.json still says "rendering" (its save failed, or another process rendered it):
    # the ledger's created + downloaded with the clip present means done.
    provider = FakeProvider(("done",))
    controller = _controller(_sora_project(2), tmp_path, runner, provider)
    request = controller.plan([0])[0]
    clip = _finished_by_another_run(tmp_path, request, "job-elsewhere")
    doc = controller._doc
    doc.replace_scene(
        doc.project.scenes[0].model_copy(
            update={"state": RenderState.RENDERING, "job_id": "job-elsewhere"}
        ),
        dirty=False,
    )
    plan = controller.prepare()
    assert [f.request.scene_id for f in plan.finished] == ["scene1"]
    assert [r.scene_id for r in plan.requests] == ["scene2"]
    assert any("already rendered by another run" in line for line in plan_lines(plan))
    with qtbot.wait_signal(controller.batch_finished, timeout=10_000):
        controller.render(plan)
    assert provider.started == ["fake-scene2-1"]
    scene = project_store.load(tmp_path).scenes[0]
    assert scene.state is RenderState.DONE and scene.clip_path == "clips/scene1.mp4"
    assert clip.is_file()
    assert _created(tmp_path) == {"scene1": 1, "scene2": 1}


def test_a_ledger_clip_outside_the_project_is_not_taken(runner: JobRunner, tmp_path: Path) -> None:
    folder = tmp_path / "film"
    folder.mkdir()
    controller = _controller(_sora_project(1), folder, runner, FakeProvider())
    request = controller.plan()[0]
    outside = tmp_path / "elsewhere.mp4"
    outside.write_bytes(b"x" * 64)
    ledger = Ledger(folder / LEDGER_NAME)
    ledger.created(request, "job-x", 0.4)
    ledger.note(request.scene_id, request.provider.value, "job-x", "downloaded", str(outside))
    assert core_plan.finished_in_ledger(ledger, request) is None
    plan = controller.prepare()
    assert not plan.finished  # a path the ledger names outside the folder is never adopted
    assert [r.scene_id for r in plan.requests] == ["scene1"]


def test_a_render_between_plan_and_lock_makes_the_plan_stale(
    runner: JobRunner, tmp_path: Path
) -> None:
    provider = FakeProvider(("done",))
    controller = _controller(_sora_project(2), tmp_path, runner, provider)
    plan = controller.prepare()
    assert len(plan.requests) == 2
    # Another process renders scene 1 while the GUI's confirm dialog is open.
    _finished_by_another_run(tmp_path, plan.requests[0], "job-other")
    with pytest.raises(StalePlanError):
        controller.render(plan)
    assert provider.started == []
    lock = ProjectLock(tmp_path)
    lock.acquire()  # refused plans leave the project unlocked
    lock.release()
    again = controller.prepare()
    assert [f.request.scene_id for f in again.finished] == ["scene1"]
    assert [r.scene_id for r in again.requests] == ["scene2"]


def test_a_missing_key_is_found_before_the_lock_and_the_budget(
    runner: JobRunner, tmp_path: Path
) -> None:
    def no_key(*_args: object) -> FakeProvider:
        raise AuthError("No Openai API key.")

    controller = _controller(_sora_project(2, budget=5.0), tmp_path, runner, FakeProvider())
    controller._planner._router = ProviderRouter(no_key)
    with pytest.raises(AuthError):
        controller.prepare()
    assert runner.is_idle()
    lock = ProjectLock(tmp_path)
    lock.acquire()
    lock.release()


def test_a_project_that_cannot_be_saved_starts_nothing(
    runner: JobRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    provider = FakeProvider(("done",))
    controller = _controller(_sora_project(2), tmp_path, runner, provider)
    plan = controller.prepare()

    def read_only(*_args: object, **_kw: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(project_store, "save", read_only)
    with pytest.raises(ProjectSaveError, match="Cannot write the project file"):
        controller.render(plan)
    assert provider.started == [] and runner.is_idle()
    lock = ProjectLock(tmp_path)
    lock.acquire()
    lock.release()


def test_a_failed_save_mid_render_stops_new_creates_and_the_next_run_resumes(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runner = JobRunner(max_concurrency=1)
    provider = FakeProvider(("done",))
    controller = _controller(_sora_project(3), tmp_path, runner, provider)
    real_save = project_store.save
    saves: list[int] = []

    def save_once(*args: object, **kw: object) -> None:
        saves.append(1)
        if len(saves) > 1:  # the save before the render works; the disk then refuses
            raise PermissionError(13, "Permission denied")
        real_save(*args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(project_store, "save", save_once)
    failures: list[object] = []
    controller.save_failed.connect(failures.append)
    with qtbot.wait_signal(controller.batch_finished, timeout=20_000) as finished:
        controller.render()
    runner.shutdown(5000)
    # Scene 1 was created and is downloaded (paid for: never dropped); 2 and 3 never sent.
    assert provider.started == ["fake-scene1-1"]
    assert finished.args == [1, 0, 2]
    assert len(failures) == 1 and failures[0].kind is ErrorKind.STORAGE  # type: ignore[attr-defined]
    assert "Cannot write the project" in failures[0].user_message  # type: ignore[attr-defined]
    assert controller.save_error is not None
    assert project_store.load(tmp_path).scenes[0].state is not RenderState.DONE

    # The next run, with the disk writable again, takes scene 1 from the ledger.
    monkeypatch.setattr(project_store, "save", real_save)
    runner2 = JobRunner(max_concurrency=1)
    again = RenderController(
        ProjectDocument.open(tmp_path), runner2, controller._router, controller._catalog
    )
    plan = again.prepare()
    assert [f.request.scene_id for f in plan.finished] == ["scene1"]
    with qtbot.wait_signal(again.batch_finished, timeout=20_000):
        again.render(plan)
    runner2.shutdown(5000)
    assert [job.rsplit("-", 1)[0] for job in provider.started] == [
        "fake-scene1",
        "fake-scene2",
        "fake-scene3",
    ]
    assert _created(tmp_path) == {"scene1": 1, "scene2": 1, "scene3": 1}
    assert all(s.state is RenderState.DONE for s in project_store.load(tmp_path).scenes)
