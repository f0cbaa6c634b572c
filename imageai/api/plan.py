"""Configs -> one-scene projects -> `JobRequest`s, with the ledger's resumes, reuses and spend."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from imageai.api.config import config_key, settings_for
from imageai.core.budget import possibly_billed
from imageai.core.models import Project, ProviderName, ProviderSettings, Scene
from imageai.core.pricing import SceneCost, estimate
from imageai.core.render_plan import build_request
from imageai.core.validation import validate_scene

if TYPE_CHECKING:
    from collections.abc import Collection, Sequence

    from imageai.api.config import VideoConfig
    from imageai.core.catalog import Catalog
    from imageai.core.jobs import JobRequest
    from imageai.core.ledger import Ledger


@dataclass(frozen=True)
class Finished:
    """A video an earlier run of the same config already downloaded."""

    job_id: str
    clip_path: Path
    billed_usd: float


def _absolute(path: Path | None) -> str | None:
    return None if path is None else str(path.expanduser().absolute())


def scene_for(config: VideoConfig, key: str) -> Scene:
    return Scene(
        id=key,
        prompt=config.prompt,
        reference_image=_absolute(config.reference_image),
        last_frame_image=_absolute(config.last_frame_image),
        extra_reference_images=tuple(
            str(p.expanduser().absolute()) for p in config.reference_images
        ),
        fit=config.fit,
        audio_direction=config.audio_direction,
    )


@dataclass(frozen=True)
class Planner:
    """Builds what the core needs for each config of one client (provider, options, folder)."""

    provider: ProviderName
    options: dict[str, Any]
    folder: Path
    catalog: Catalog

    def key(self, config: VideoConfig) -> str:
        return config_key(self.provider, config, self.options)

    def keys(self, configs: Sequence[VideoConfig]) -> list[str]:
        """One key per config; a config repeated in a batch gets ``-2``, ``-3`` ... after it, so
        each copy is its own video (and the same on every run of the script)."""
        seen: dict[str, int] = {}
        keys = []
        for config in configs:
            key = self.key(config)
            seen[key] = seen.get(key, 0) + 1
            keys.append(key if seen[key] == 1 else f"{key}-{seen[key]}")
        return keys

    def project(self, config: VideoConfig, key: str) -> Project:
        """A one-scene project holding exactly this config's settings.

        Raises:
            ValidationError: the provider does not take a field the config sets.
        """
        settings = settings_for(self.provider, config, self.options)
        return Project(
            title="ImageAI",
            provider=self.provider,
            settings=ProviderSettings().model_copy(update={self.provider.value: settings}),
            scenes=(scene_for(config, key),),
        )

    def validate(self, config: VideoConfig) -> None:
        """Raise `ValidationError` for a config the provider and model cannot render."""
        project = self.project(config, self.key(config))
        validate_scene(self.catalog, project, project.scenes[0])

    def request(self, project: Project, ledger: Ledger | None) -> JobRequest:
        """The scene's request, resuming the job the ledger has open for it (if any)."""
        return build_request(self.catalog, project, project.scenes[0], self.folder, ledger)

    def cost(self, project: Project) -> SceneCost:
        """The app's estimate of the project's one scene (an invalid one carries its error)."""
        return estimate(project, None, self.catalog).scenes[0]


def finished(ledger: Ledger, key: str, fingerprint: str) -> Finished | None:
    """The last clip the ledger has downloaded for this key and fingerprint, if still on disk."""
    billed: dict[str, float] = {}
    found: Finished | None = None
    for entry in ledger.entries():
        if entry.scene_id != key or entry.job_id is None:
            continue
        if entry.event == "created" and entry.fingerprint == fingerprint:
            billed[entry.job_id] = billed.get(entry.job_id, 0.0) + entry.usd
        elif entry.event == "downloaded" and entry.job_id in billed:
            clip = Path(entry.detail)
            if clip.is_file():
                found = Finished(entry.job_id, clip, round(billed[entry.job_id], 4))
    return found


def committed(
    ledger: Ledger, projects: Sequence[Project], catalog: Catalog, in_flight: Collection[str]
) -> float:
    """The ledger's spend plus creates of these configs whose outcome is unknown, each at its
    own price (as the app's budget counts them); ``in_flight`` keys hold a reservation already."""
    unknown = 0.0
    counted: set[str] = set()
    for project in projects:
        key = project.scenes[0].id
        if key in counted or key in in_flight:
            continue
        counted.add(key)
        unknown += possibly_billed(ledger, project, catalog).get(key, 0.0)
    return round(ledger.total_spent() + unknown, 4)
