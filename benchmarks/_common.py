"""Shared benchmark helpers: the fake server process, a Sora project folder, machine facts."""

from __future__ import annotations

import os
import platform
import tempfile
from pathlib import Path

from imageai.core import project_store
from imageai.core.models import Project, ProviderName, Scene, SoraSettings
from tests.fakes.server_process import FakeServerProcess

KEY = "sk-bench-fake"


def start_fake(workdir: Path, **config: object) -> FakeServerProcess:
    return FakeServerProcess(workdir, {"valid_keys": [KEY], **config})


def sora_project(folder: Path, count: int, base_url: str) -> Path:
    """A saved project of ``count`` 4 s sora-2 scenes rendering against ``base_url``."""
    settings = Project().settings.model_copy(
        update={"sora": SoraSettings(base_url=base_url, size="1280x720", seconds=4)}
    )
    scenes = tuple(Scene(id=f"scene{i:02d}", prompt=f"bench shot {i}") for i in range(count))
    project = Project(title="bench", provider=ProviderName.SORA, settings=settings, scenes=scenes)
    project_store.create_folder(folder)
    project_store.save(project, folder)
    return folder


def workdir() -> Path:
    return Path(tempfile.mkdtemp(prefix="imageai-bench-"))


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{platform.system()} {platform.release()}, {os.cpu_count()} CPUs ({cpu}), Python {platform.python_version()}"
