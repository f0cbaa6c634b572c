"""Resolve a scene against its project into the exact settings a render will use."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from imageai.core.models import (
    AnimaticSettings,
    OmniSettings,
    Project,
    ProviderName,
    ProviderSettingsT,
    Scene,
    SoraSettings,
    VeoSettings,
)
from imageai.core.videos_endpoint import endpoint_for

#: Google (Veo, Omni) output sizes by aspect and resolution, for fitting reference images.
VEO_FRAME_SIZES: dict[tuple[str, str], str] = {
    ("16:9", "360p"): "640x360",
    ("9:16", "360p"): "360x640",
    ("16:9", "720p"): "1280x720",
    ("9:16", "720p"): "720x1280",
    ("16:9", "1080p"): "1920x1080",
    ("9:16", "1080p"): "1080x1920",
    ("16:9", "4k"): "3840x2160",
    ("9:16", "4k"): "2160x3840",
}


class ShotSpec(BaseModel):
    """A scene's effective provider, model and output shape."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    provider: ProviderName
    model: str
    seconds: int
    size: str | None = None
    aspect: str | None = None
    resolution: str | None = None
    audio: bool = True
    #: `/v1/videos` only: the base URL in effect (None: OpenAI's own API); see `endpoint_for`.
    endpoint: str | None = None
    #: `/v1/videos` only: the user's price for a model the price table does not know.
    usd_per_second: float | None = None

    @property
    def frame_size(self) -> tuple[int, int]:
        """Output width and height in pixels."""
        size = self.size or VEO_FRAME_SIZES.get((self.aspect or "16:9", self.resolution or "720p"))
        return parse_size(size or "1280x720")

    def describe(self) -> str:
        shape = self.size or f"{self.aspect} {self.resolution}"
        return f"{self.provider.value} {self.model} {shape} {self.seconds}s"


def parse_size(size: str) -> tuple[int, int]:
    """``"1280x720"`` -> ``(1280, 720)``; raises ValueError on anything else."""
    width, sep, height = size.lower().partition("x")
    if not sep or not (width + height).isascii() or not width.isdigit() or not height.isdigit():
        raise ValueError(f"size must look like 1280x720, not {size!r}")
    return int(width), int(height)


def aspect_of(size: str) -> str:
    width, height = parse_size(size)
    return "9:16" if height > width else "16:9"


def resolve(project: Project, scene: Scene) -> ShotSpec:
    """The settings this scene renders with: its override and duration over the project's."""
    provider = project.provider_for(scene)
    return spec_for_settings(provider, project.settings_for(scene), scene.duration)


def spec_for_settings(
    provider: ProviderName, settings: ProviderSettingsT, seconds: int | None = None
) -> ShotSpec:
    """The shot a provider's settings describe, with ``seconds`` overriding their duration."""
    duration = seconds if seconds is not None else settings.seconds
    if isinstance(settings, OmniSettings):
        # Omni always generates audio; there is no switch to turn it off.
        return ShotSpec(
            provider=provider,
            model=settings.model,
            seconds=duration,
            aspect=settings.aspect,
            resolution=settings.resolution,
        )
    if isinstance(settings, VeoSettings):
        return ShotSpec(
            provider=provider,
            model=settings.model,
            seconds=duration,
            aspect=settings.aspect,
            resolution=settings.resolution,
            audio=settings.generate_audio,
        )
    if isinstance(settings, SoraSettings):
        return ShotSpec(
            provider=provider,
            model=settings.model,
            seconds=duration,
            size=settings.size,
            endpoint=endpoint_for(settings),
            usd_per_second=settings.usd_per_second,
        )
    assert isinstance(settings, AnimaticSettings)
    return ShotSpec(provider=provider, model=settings.model, seconds=duration, size=settings.size)
