"""`VideoConfig`: one video to make, and how it maps onto a provider's saved settings."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from pydantic import ValidationError as PydanticValidationError

from imageai.core.errors import ValidationError
from imageai.core.models import FitMode, ProviderName, ProviderSettings, ProviderSettingsT

#: The names a script uses for each provider; ``openai-videos`` is the `/v1/videos` protocol
#: (saved projects and the ledger call it ``sora``, after the model it was built for).
PUBLIC_NAMES: dict[str, ProviderName] = {
    "omni": ProviderName.OMNI,
    "veo": ProviderName.VEO,
    "openai-videos": ProviderName.SORA,
    "animatic": ProviderName.ANIMATIC,
}
#: Accepted as well, for people who know the project files' names.
ALIASES: dict[str, ProviderName] = {"sora": ProviderName.SORA}

_GOOGLE = (ProviderName.OMNI, ProviderName.VEO)


def provider_name(name: str | ProviderName) -> ProviderName:
    """The `ProviderName` of a public name (``omni``, ``veo``, ``openai-videos``, ``animatic``).

    Raises:
        ValidationError: the name is none of them.
    """
    if isinstance(name, ProviderName):
        return name
    key = str(name).strip().lower()
    found = PUBLIC_NAMES.get(key) or ALIASES.get(key)
    if found is None:
        raise ValidationError("provider", f"unknown provider {name!r}", tuple(PUBLIC_NAMES))
    return found


def public_name(provider: ProviderName) -> str:
    return next(k for k, v in PUBLIC_NAMES.items() if v is provider)


class VideoConfig(BaseModel):
    """One video to generate; frozen, so it can be handed to any thread.

    Fields left as None take the provider's defaults (the same defaults a new project has).
    Image paths may be relative to the current directory; they are read when the job starts.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    prompt: str
    model: str | None = None
    seconds: int | None = Field(default=None, gt=0)
    #: ``WxH``, for ``openai-videos`` and ``animatic``.
    size: str | None = None
    #: ``16:9`` or ``9:16``, for ``omni`` and ``veo``.
    aspect: str | None = None
    #: ``360p`` (Omni), ``720p``, ``1080p`` or ``4k``, for ``omni`` and ``veo``.
    resolution: str | None = None
    #: The first frame (Omni, Veo) or the input reference (``openai-videos``, ``animatic``).
    reference_image: Path | None = None
    #: The last frame (Omni, Veo); needs ``reference_image`` as the first.
    last_frame_image: Path | None = None
    #: Omni/Veo reference images (subject or style), not used as frames.
    reference_images: tuple[Path, ...] = ()
    fit: FitMode = FitMode.CROP
    seed: int | None = None
    #: Veo: False renders without sound (cheaper). Omni always makes sound.
    audio: bool | None = None
    #: Omni: what the sound should be ("no dialogue", "waves and wind"), added to the prompt.
    audio_direction: str = ""
    #: Another number renders the same config again as a new, separately paid video; the same
    #: number in the same output folder is the same video (resumed or reused, never re-paid).
    variant: int = Field(default=0, ge=0)


def settings_for(
    provider: ProviderName, config: VideoConfig, options: dict[str, Any]
) -> ProviderSettingsT:
    """The provider's default settings, then the client's ``options``, then the config's fields.

    Raises:
        ValidationError: a field the provider does not take, or a value its settings refuse.
    """
    update: dict[str, Any] = {**options, **_shape(provider, config)}
    if config.model is not None:
        update["model"] = config.model
    if config.seconds is not None:
        update["seconds"] = config.seconds
    return provider_settings(provider, update)


def provider_settings(provider: ProviderName, update: dict[str, Any]) -> ProviderSettingsT:
    """The provider's default settings with ``update`` applied, checked by their model.

    Raises:
        ValidationError: an unknown field, or a value the settings refuse.
    """
    base = ProviderSettings().for_provider(provider)
    try:
        return type(base).model_validate({**base.model_dump(), **update})
    except PydanticValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"]) or "settings"
        raise ValidationError(field, f"{public_name(provider)}: {first['msg']}") from None


def _shape(provider: ProviderName, config: VideoConfig) -> dict[str, Any]:
    """The settings fields for size, seed and audio, refusing those the provider lacks."""
    name = public_name(provider)
    update = _google_shape(config, name) if provider in _GOOGLE else _sized_shape(config, name)
    if config.audio is not None:
        update.update(_audio(provider, config.audio, name))
    if config.audio_direction.strip() and provider is not ProviderName.OMNI:
        raise ValidationError("audio_direction", f"{name} takes no audio direction; only omni")
    return update


def _google_shape(config: VideoConfig, name: str) -> dict[str, Any]:
    if config.size is not None:
        raise ValidationError("size", f"{name} takes aspect and resolution, not size")
    fields = {"aspect": config.aspect, "resolution": config.resolution, "seed": config.seed}
    return {k: v for k, v in fields.items() if v is not None}


def _sized_shape(config: VideoConfig, name: str) -> dict[str, Any]:
    if config.aspect is not None or config.resolution is not None:
        raise ValidationError("size", f"{name} takes size WxH, not aspect and resolution")
    if config.seed is not None:
        raise ValidationError("seed", f"{name} takes no seed")
    return {"size": config.size} if config.size is not None else {}


def _audio(provider: ProviderName, audio: bool, name: str) -> dict[str, Any]:
    if provider is ProviderName.VEO:
        return {"generate_audio": audio}
    if provider is ProviderName.OMNI:
        if not audio:
            raise ValidationError(
                "audio", "omni always generates sound; steer it with audio_direction"
            )
        return {}
    raise ValidationError("audio", f"{name} has no audio switch")


def config_key(provider: ProviderName, config: VideoConfig, options: dict[str, Any]) -> str:
    """A stable id for this video in its output folder: same config, same id on every run."""
    data = {
        "provider": provider.value,
        "config": config.model_dump(mode="json"),
        "options": options,
    }
    text = json.dumps(data, sort_keys=True, default=str)
    return "api-" + hashlib.sha256(text.encode()).hexdigest()[:16]
