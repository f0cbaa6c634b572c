"""Every command that writes project.json takes the project lock, or refuses while a render has it."""

from __future__ import annotations

import subprocess
import sys
from typing import TYPE_CHECKING

import pytest

from imageai.cli import context
from imageai.cli.main import main
from imageai.core import project_store
from imageai.core.models import (
    Project,
    ProviderName,
    ProviderSettings,
    RenderState,
    Scene,
    SoraSettings,
    Take,
)

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

HOLDER = """
import sys
from pathlib import Path
from imageai.core.project_lock import ProjectLock
lock = ProjectLock(Path(sys.argv[1]))
lock.acquire("render")
print("locked", flush=True)
sys.stdin.read()
lock.release()
"""

COMMANDS = {
    "retarget": ["video", "retarget", "{dir}", "--provider", "animatic", "--yes"],
    "take": ["video", "take", "{dir}", "--scene", "1", "--choose", "2"],
    "adopt": ["video", "adopt", "{dir}", "--scene", "2", "--video-id", "video_abc123"],
    "scene": ["video", "scene", "{dir}", "1", "--audio", "waves and wind"],
    "endpoint": ["video", "endpoint", "{dir}", "--model", "sora-2-pro"],
    "remix": ["video", "remix", "{dir}", "--scene", "1", "--prompt", "at night"],
}
#: The commands whose write the reload test can see land (adopt and remix need a server).
LOCAL = ("retarget", "take", "scene", "endpoint")


def _project(folder: Path) -> Project:
    takes = (
        Take(job_id="video_1", clip_path="clips/s1.mp4"),
        Take(job_id="video_2", clip_path="clips/s1-take2.mp4"),
    )
    done = Scene(
        id="s1",
        prompt="a fox",
        duration=4,
        state=RenderState.DONE,
        job_id="video_1",
        job_provider=ProviderName.SORA,
        clip_path="clips/s1.mp4",
        takes=takes,
    )
    settings = ProviderSettings(sora=SoraSettings(base_url="https://videos-gateway.test/v1"))
    project = Project(
        provider=ProviderName.SORA,
        settings=settings,
        scenes=(done, Scene(id="s2", prompt="a hen", duration=4)),
    )
    project_store.create_folder(folder)
    project_store.save(project, folder)
    return project


@pytest.fixture
def held(tmp_path: Path) -> Iterator[Path]:
    """A project folder whose lock another process (a render) holds."""
    folder = tmp_path / "film"
    _project(folder)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(folder)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "locked"
        yield folder
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait(timeout=30)
        if holder.stdout is not None:
            holder.stdout.close()


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_writing_command_refuses_while_another_process_renders(
    held: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    before = (held / "project.json").read_bytes()
    argv = [a.replace("{dir}", str(held)) for a in COMMANDS[name]]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "in use by another ImageAI process" in err
    assert "render" in err  # names what holds it
    assert (held / "project.json").read_bytes() == before
    assert not (held / "ledger.jsonl").exists()  # adopt wrote nothing either


@pytest.mark.parametrize("name", LOCAL)
def test_writing_command_reloads_the_project_after_taking_the_lock(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    folder = tmp_path / "film"
    _project(folder)
    real_acquire = context.acquire_project

    def render_saves_first(where: Path, what: str = "jobs") -> None:
        # A render that held the lock saved scene 2 done just before letting this command in.
        project = project_store.load(where)
        project = project.update_scene(
            "s2", state=RenderState.DONE, job_id="video_s2", clip_path="clips/s2.mp4"
        )
        project_store.save(project, where)
        real_acquire(where, what)

    monkeypatch.setattr(context, "acquire_project", render_saves_first)
    assert main([a.replace("{dir}", str(folder)) for a in COMMANDS[name]]) == 0
    scene = project_store.load(folder).scene("s2")
    assert scene.job_id == "video_s2"
    assert scene.clip_path == "clips/s2.mp4"


def test_show_only_commands_do_not_need_the_lock(
    held: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["video", "take", str(held), "--scene", "1"]) == 0
    assert main(["video", "scene", str(held), "1"]) == 0
    assert main(["video", "endpoint", str(held)]) == 0
    assert main(["video", "retarget", str(held), "--provider", "animatic"]) == 0
