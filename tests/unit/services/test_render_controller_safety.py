"""RenderController: the budget rule (ledger spend + new creates) and chained scenes in order."""

from __future__ import annotations

import subprocess
import threading
from typing import TYPE_CHECKING

import pytest
from PIL import Image, ImageChops, ImageStat

from imageai.core import project_store
from imageai.core.budget import reservations_for
from imageai.core.catalog import default_catalog
from imageai.core.errors import BudgetExceededError, QuotaError, ValidationError
from imageai.core.ledger import LEDGER_NAME, Ledger
from imageai.core.media import ffmpeg_exe
from imageai.core.models import (
    AnimaticSettings,
    Project,
    ProviderName,
    ProviderSettings,
    RenderState,
    Scene,
    SoraSettings,
)
from imageai.core.project_lock import ProjectLock, ProjectLockedError
from imageai.core.secrets import InMemorySecretStore
from imageai.providers.factory import provider_factory
from imageai.providers.router import ProviderRouter
from imageai.services.job_runner import JobRunner, live_threads
from imageai.services.project_document import ProjectDocument
from imageai.services.remix_service import RemixService
from imageai.services.render_controller import RenderController
from imageai.video.frames import extract_last_frame
from tests.fakes.fake_provider import FakeProvider

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from pytestqt.qtbot import QtBot

    from imageai.core.jobs import VideoProvider
    from imageai.core.models import ProviderSettingsT


@pytest.fixture
def runner(qtbot: QtBot) -> Iterator[JobRunner]:
    runner = JobRunner(max_concurrency=3)
    yield runner
    assert runner.shutdown(10_000)
    qtbot.wait_until(lambda: not live_threads(), timeout=10_000)


def _controller(
    project: Project, folder: Path, runner: JobRunner, provider: VideoProvider | None = None
) -> RenderController:
    project_store.save(project, folder)
    doc = ProjectDocument.open(folder)
    if provider is None:
        router = ProviderRouter(
            provider_factory(InMemorySecretStore(), default_catalog(), environ={})
        )
    else:

        def factory(name: ProviderName, settings: ProviderSettingsT) -> VideoProvider:
            return provider

        router = ProviderRouter(factory)
    return RenderController(doc, runner, router, default_catalog())


# ---- budget --------------------------------------------------------------------------------


def _sora_project(count: int, budget: float | None = None) -> Project:
    scenes = tuple(Scene(id=f"scene{i}", prompt=f"shot {i}") for i in range(1, count + 1))
    # OpenAI retired Sora 2; a compatible endpoint serves it at the table's price.
    settings = ProviderSettings(sora=SoraSettings(base_url="https://videos-gateway.test/v1"))
    return Project(provider=ProviderName.SORA, settings=settings, scenes=scenes, budget_usd=budget)


def _paid_for(folder: Path, controller: RenderController, scene_index: int, usd: float) -> str:
    """Record scene ``scene_index`` (0-based) as created and billed, as a killed render leaves it."""
    request = controller.plan([scene_index])[0]
    ledger = Ledger(folder / LEDGER_NAME)
    ledger.intent(request)
    ledger.created(request, f"job-{request.scene_id}", usd)
    return f"job-{request.scene_id}"


def test_budget_counts_ledger_spend_plus_new_creates(qtbot: QtBot, runner, tmp_path) -> None:
    # 3 sora-2 scenes of 4 s: $0.40 each. An earlier take of scene 1 was billed, then blocked:
    # its $0.40 stays spent, and scene 1 must be created again.
    controller = _controller(_sora_project(3, budget=1.5), tmp_path, runner, FakeProvider())
    ledger = Ledger(tmp_path / LEDGER_NAME)
    request = controller.plan([0])[0]
    ledger.created(request, "an-earlier-take", 0.4)
    ledger.failed(request, "an-earlier-take", "content_policy", "blocked")

    with pytest.raises(BudgetExceededError) as over:
        controller.check_budget(controller.plan(), 1.5)
    assert over.value.spent_usd == pytest.approx(0.4)
    assert over.value.estimate_usd == pytest.approx(1.2)
    assert over.value.over_usd == pytest.approx(0.1)
    assert "by $0.10" in str(over.value)
    assert runner.is_idle() and not controller.is_rendering()  # nothing was submitted

    # --budget overrides the project's budget.
    assert controller.check_budget(controller.plan(), 1.6) == pytest.approx(1.2)


def test_resumed_jobs_cost_nothing_new(qtbot: QtBot, runner, tmp_path) -> None:
    provider = FakeProvider(("done",))
    controller = _controller(_sora_project(3, budget=1.2), tmp_path, runner, provider)
    # A killed render had created scenes 1 and 2 ($0.80 spent). Resuming them is free, so only
    # scene 3 is new: 0.80 + 0.40 fits the $1.20 budget exactly.
    _paid_for(tmp_path, controller, 0, 0.4)
    _paid_for(tmp_path, controller, 1, 0.4)
    requests = controller.plan()
    assert [r.resume_job_id is not None for r in requests] == [True, True, False]
    assert controller.check_budget(requests, 1.2) == pytest.approx(0.4)
    with pytest.raises(BudgetExceededError):
        controller.check_budget(requests, 1.19)

    with qtbot.wait_signal(controller.batch_finished, timeout=10_000) as finished:
        controller.render()
    assert finished.args == [3, 0, 0]
    assert len(provider.started) == 1
    assert Ledger(tmp_path / LEDGER_NAME).total_spent() == pytest.approx(1.2)


def test_no_budget_means_no_limit(qtbot: QtBot, runner, tmp_path) -> None:
    controller = _controller(_sora_project(2), tmp_path, runner, FakeProvider())
    _paid_for(tmp_path, controller, 0, 100.0)
    assert controller.check_budget(controller.plan(), None) == pytest.approx(0.4)


def test_queued_renders_hold_their_cost_against_the_budget(qtbot: QtBot, runner, tmp_path) -> None:
    # $0.40 a scene, $1.20 budget. Scenes 1-2 are queued and not all created yet: rendering
    # scenes 3-4 as well would be four creates ($1.60), so only scene 3 fits; scene 4 is left out.
    gate = threading.Event()
    provider = FakeProvider(("done",), gate=gate)
    controller = _controller(_sora_project(4, budget=1.2), tmp_path, runner, provider)
    controller.render([0, 1])
    assert controller.render([2, 3]) == ["render-scene3"]
    assert [r.scene_id for r in controller.over_budget] == ["scene4"]
    with pytest.raises(BudgetExceededError) as over:
        controller.render([3])  # nothing fits and nothing to resume: refused before any call
    assert over.value.spent_usd >= 1.2 - 1e-9
    with pytest.raises(ProjectLockedError):  # another process may not render it meanwhile
        ProjectLock(tmp_path).acquire()
    with qtbot.wait_signal(controller.batch_finished, timeout=10_000):
        gate.set()
    assert reservations_for(tmp_path).total() == 0.0  # created: the ledger counts it now
    lock = ProjectLock(tmp_path)
    lock.acquire()  # the batch ended: the project is free again
    lock.release()
    with pytest.raises(BudgetExceededError):
        controller.render([3])  # $1.20 spent: no room left
    assert len(provider.started) == 3
    assert Ledger(tmp_path / LEDGER_NAME).total_spent() == pytest.approx(1.2)


def test_a_failed_create_gives_its_reservation_back(qtbot: QtBot, runner, tmp_path) -> None:
    provider = FakeProvider(start_error=QuotaError("no quota"))
    controller = _controller(_sora_project(2, budget=0.8), tmp_path, runner, provider)
    with qtbot.wait_signal(controller.batch_finished, timeout=10_000) as finished:
        controller.render()
    assert finished.args == [0, 2, 0]
    assert reservations_for(tmp_path).total() == 0.0
    assert controller.check_budget(controller.plan(), 0.8) == pytest.approx(0.8)


def test_a_remix_counts_renders_queued_in_the_same_project(qtbot: QtBot, runner, tmp_path) -> None:
    rendered = Scene(
        id="scene1",
        prompt="shot 1",
        state=RenderState.DONE,
        job_id="video_src",
        job_provider=ProviderName.SORA,
        clip_path="clips/scene1.mp4",
    )
    project = _sora_project(3, budget=1.2)
    project = project.model_copy(update={"scenes": (rendered, *project.scenes[1:])})
    gate = threading.Event()
    controller = _controller(project, tmp_path, runner, FakeProvider(("done",), gate=gate))
    remixer = RemixService(
        controller._doc, runner, controller._router, default_catalog()
    )  # same document
    remixer.plan("scene1", ["at dawn", "in rain"])  # $0.80 of $1.20: fits alone
    controller.render([1, 2])  # $0.80 queued
    with pytest.raises(BudgetExceededError):
        remixer.plan("scene1", ["at dawn", "in rain"])
    with qtbot.wait_signal(controller.batch_finished, timeout=10_000):
        gate.set()


# ---- continuity ----------------------------------------------------------------------------


def _animatic_project(count: int, chain: bool = True) -> Project:
    settings = ProviderSettings(animatic=AnimaticSettings(size="640x360", seconds=1, fps=12))
    prompts = ["A red sunrise over the sea", "The boat sails on", "Night falls", "Stars"]
    scenes = tuple(Scene(id=f"scene{i + 1}", prompt=prompts[i]) for i in range(count))
    return Project(settings=settings, scenes=scenes, chain_scenes=chain)


def _first_frame(clip: Path, out: Path) -> Image.Image:
    subprocess.run(
        [ffmpeg_exe(), "-v", "error", "-y", "-i", str(clip), "-frames:v", "1", str(out)],
        check=True,
        timeout=60,
    )
    with Image.open(out) as img:
        return img.convert("RGB")


def _difference(a: Image.Image, b: Image.Image) -> float:
    return sum(ImageStat.Stat(ImageChops.difference(a, b)).mean) / 3


def test_chained_scenes_render_in_order_from_the_last_frame(qtbot: QtBot, runner, tmp_path) -> None:
    controller = _controller(_animatic_project(3), tmp_path, runner)
    with qtbot.wait_signal(controller.batch_finished, timeout=60_000) as finished:
        controller.render()  # 3 workers available, yet each scene waits for the one before

    assert finished.args == [3, 0, 0]
    # The ledger shows each scene's whole job before the next one's intent.
    steps = [(e.scene_id, e.event) for e in Ledger(tmp_path / LEDGER_NAME).entries()]
    events = ("intent", "created", "completed", "downloaded")
    assert steps == [(f"scene{i}", event) for i in (1, 2, 3) for event in events]
    project = project_store.load(tmp_path)
    assert all(s.state is RenderState.DONE for s in project.scenes)
    # Scene 2 starts from the frame scene 1 ended on (the push-in starts unzoomed).
    seed = tmp_path / "refs" / "scene2-chained-from-previous.png"
    with Image.open(seed) as img:
        assert img.size == (640, 360)
        seed_rgb = img.convert("RGB")
    last1 = extract_last_frame(tmp_path / "clips" / "scene1.mp4", tmp_path / "last1.png")
    with Image.open(last1) as img:
        assert _difference(img.convert("RGB"), seed_rgb) < 1
    first2 = _first_frame(tmp_path / "clips" / "scene2.mp4", tmp_path / "first2.png")
    assert _difference(first2, seed_rgb) < 6


def test_chain_seeds_from_a_scene_rendered_earlier(qtbot: QtBot, runner, tmp_path) -> None:
    controller = _controller(_animatic_project(2), tmp_path, runner)
    with qtbot.wait_signal(controller.batch_finished, timeout=60_000):
        controller.render([0])
    with qtbot.wait_signal(controller.batch_finished, timeout=60_000) as finished:
        controller.render([1])
    assert finished.args == [1, 0, 0]
    assert (tmp_path / "refs" / "scene2-chained-from-previous.png").is_file()


def test_chain_refuses_a_scene_whose_predecessor_has_no_clip(qtbot, runner, tmp_path) -> None:
    controller = _controller(_animatic_project(3), tmp_path, runner)
    with pytest.raises(ValidationError, match="scene 3 continues scene 2"):
        controller.render([2])
    assert runner.is_idle()


def test_failed_scene_stops_the_chain_after_it(qtbot: QtBot, runner, tmp_path) -> None:
    provider = FakeProvider(("failed",))
    controller = _controller(_animatic_project(3), tmp_path, runner, provider)
    failed: list[str] = []
    controller.scene_failed.connect(lambda scene_id, _e: failed.append(scene_id))
    with qtbot.wait_signal(controller.batch_finished, timeout=10_000) as finished:
        controller.render()
    assert finished.args == [0, 3, 0]
    assert failed == ["scene1", "scene2", "scene3"]
    assert len(provider.started) == 1  # scenes 2 and 3 never created a job
    project = project_store.load(tmp_path)
    assert project.scenes[2].error is not None
    assert "chained after scene 1, which failed" in project.scenes[2].error.user_message


def test_cancel_all_cancels_waiting_scenes(qtbot: QtBot, runner, tmp_path) -> None:
    provider = FakeProvider([0.5] * 10_000, poll_interval=0.02)
    controller = _controller(_animatic_project(3), tmp_path, runner, provider)
    with qtbot.wait_signal(controller.scene_progress, timeout=10_000):
        controller.render()
    with qtbot.wait_signal(controller.batch_finished, timeout=10_000) as finished:
        controller.cancel_all()
    assert finished.args == [0, 0, 3]
    assert [s.state for s in project_store.load(tmp_path).scenes] == [RenderState.CANCELLED] * 3


def test_unchained_project_renders_scenes_side_by_side(qtbot: QtBot, runner, tmp_path) -> None:
    provider = FakeProvider([0.5, 0.5, "done"], poll_interval=0.05)
    controller = _controller(_animatic_project(3, chain=False), tmp_path, runner, provider)
    with qtbot.wait_signal(controller.batch_finished, timeout=10_000):
        controller.render()
    assert provider.max_active == 3
    assert not (tmp_path / "refs").exists() or not list((tmp_path / "refs").iterdir())
