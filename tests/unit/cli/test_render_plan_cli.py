"""`imageai video render` plans under the project lock, and a project it cannot save fails loudly."""

from __future__ import annotations

from typing import TYPE_CHECKING

from imageai.cli.main import main
from imageai.core import project_store
from imageai.core.catalog import default_catalog
from imageai.core.ledger import LEDGER_NAME, Ledger
from imageai.core.models import ProviderName, RenderState
from imageai.core.project_lock import ProjectLock
from imageai.core.render_plan import build_request
from tests.fakes.fake_provider import FakeProvider
from tests.unit.cli.test_render_budget_cli import _film, _use

if TYPE_CHECKING:
    from pathlib import Path

    import pytest


def _created(folder: Path) -> dict[str, int]:
    counts: dict[str, int] = {}
    for entry in Ledger(folder / LEDGER_NAME).entries():
        if entry.event == "created":
            counts[entry.scene_id] = counts.get(entry.scene_id, 0) + 1
    return counts


def test_a_render_that_waited_for_the_lock_plans_after_it(
    qapp: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two CLIs: this one read the project, then another finished rendering it while this one
    took the lock. The plan must come from what is on disk once the lock is held."""
    folder = tmp_path / "film"
    project = _film(folder, budget=10.0)
    provider = FakeProvider(("done",), name=ProviderName.SORA)
    _use(monkeypatch, provider)
    real_acquire = ProjectLock.acquire
    other_ran: list[bool] = []

    def slow_acquire(self: ProjectLock, what: str = "jobs") -> None:
        if not other_ran:  # the other process renders every scene, then lets go of the lock
            other_ran.append(True)
            for scene in project.scenes:
                request = build_request(default_catalog(), project, scene, folder)
                clip = folder / "clips" / f"{scene.id}.mp4"
                clip.parent.mkdir(exist_ok=True)
                clip.write_bytes(b"\x00\x00\x00\x18ftypisom" + b"\x00" * 64)
                ledger = Ledger(folder / LEDGER_NAME)
                ledger.intent(request)
                ledger.created(request, f"job-other-{scene.id}", 0.4)
                ledger.note(scene.id, "sora", f"job-other-{scene.id}", "downloaded", str(clip))
            done = project_store.load(folder)
            for scene in done.scenes:
                done = done.update_scene(
                    scene.id, state=RenderState.DONE, clip_path=f"clips/{scene.id}.mp4"
                )
            project_store.save(done, folder)
        real_acquire(self, what)

    monkeypatch.setattr(ProjectLock, "acquire", slow_acquire)
    assert main(["video", "render", str(folder)]) == 0
    assert provider.started == []  # nothing created (paid for) a second time
    assert _created(folder) == {s.id: 1 for s in project.scenes}


def test_a_project_it_cannot_save_exits_non_zero_and_the_next_run_resumes(
    qapp: object,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    folder = tmp_path / "film"
    _film(folder, budget=10.0)
    provider = FakeProvider(("done",), name=ProviderName.SORA)
    _use(monkeypatch, provider)
    real_save = project_store.save
    calls: list[int] = []

    def read_only_after_first(*args: object, **kw: object) -> None:
        calls.append(1)
        if len(calls) > 1:
            raise PermissionError(13, "Permission denied")
        real_save(*args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(project_store, "save", read_only_after_first)
    assert main(["video", "render", str(folder), "--scenes", "1-2", "--concurrency", "1"]) != 0
    err = capsys.readouterr().err
    assert "Cannot write the project file" in err and "Permission denied" in err
    assert len(provider.started) == 1  # the save failed on scene 1's create: scene 2 not sent

    # A project that cannot be saved at all: nothing is sent, and the CLI says why.
    def read_only(*_args: object, **_kw: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(project_store, "save", read_only)
    assert main(["video", "render", str(folder), "--scenes", "1-2"]) != 0
    assert "Cannot write the project file" in capsys.readouterr().err
    assert len(provider.started) == 1

    # Writable again: scene 1 comes from the ledger (done, not paid again); scene 2 renders.
    monkeypatch.setattr(project_store, "save", real_save)
    assert main(["video", "render", str(folder), "--scenes", "1-2"]) == 0
    assert len(provider.started) == 2
    assert _created(folder) == {"s1": 1, "s2": 1}
    states = [s.state for s in project_store.load(folder).scenes[:2]]
    assert states == [RenderState.DONE, RenderState.DONE]
