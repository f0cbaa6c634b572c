"""Project, scene and per-provider settings: the pydantic models saved in ``project.json``."""

from __future__ import annotations

import uuid
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, field_validator

from imageai.core.errors import JobError
from imageai.core.money import Money
from imageai.core.project_files import ID_RULE, is_valid_id

SCHEMA_VERSION = 1


class ProviderName(StrEnum):
    ANIMATIC = "animatic"
    SORA = "sora"
    VEO = "veo"
    OMNI = "omni"


class FitMode(StrEnum):
    """How a reference image of another shape is fitted to the video frame."""

    CROP = "crop"
    PAD = "pad"


class RenderState(StrEnum):
    PENDING = "pending"
    QUEUED = "queued"
    RENDERING = "rendering"
    DOWNLOADING = "downloading"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"
    OUTCOME_UNKNOWN = "outcome_unknown"


class VeoBackend(StrEnum):
    """Which Google API serves a Veo or Gemini Omni model."""

    GEMINI = "gemini"
    VERTEX = "vertex"


class OmniContinuity(StrEnum):
    """How an Omni scene follows the one before it."""

    NONE = "none"
    #: Omni ``extend``: the scene continues the previous scene's clip.
    EXTEND = "extend"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class AnimaticSettings(_Frozen):
    """The free offline provider: a push-in on the reference image, or a title card."""

    model: str = "animatic"
    size: str = "1280x720"
    seconds: int = 4
    fps: int = Field(default=24, ge=1, le=60)


class SoraSettings(_Frozen):
    """OpenAI Videos API (or a compatible endpoint) settings."""

    model: str = "sora-2"
    size: str = "1280x720"
    seconds: int = 4
    #: An OpenAI-compatible endpoint; None means the SDK default or ``OPENAI_BASE_URL``.
    base_url: str | None = None
    #: The user's price per second for a model the price table does not know (custom endpoints).
    usd_per_second: float | None = Field(default=None, ge=0, allow_inf_nan=False)


class VeoSettings(_Frozen):
    """Google Veo settings, for the Gemini API or Vertex AI."""

    #: Veo 3.1 lives on Vertex AI; the Gemini API's previews were shut down on 2026-10-22.
    backend: VeoBackend = VeoBackend.VERTEX
    model: str = "veo-3.1-fast-generate-001"
    aspect: str = "16:9"
    resolution: str = "720p"
    seconds: int = 8
    negative_prompt: str = ""
    person_generation: str | None = None
    generate_audio: bool = True
    seed: int | None = None
    enhance_prompt: bool | None = None
    vertex_project: str | None = None
    vertex_location: str = "us-central1"


class OmniSettings(_Frozen):
    """Gemini Omni (Interactions API) settings, for the Gemini API or Vertex AI."""

    backend: VeoBackend = VeoBackend.GEMINI
    model: str = "gemini-omni-1.1-flash"
    aspect: str = "16:9"
    resolution: str = "720p"
    seconds: int = 6
    seed: int | None = None
    vertex_project: str | None = None
    vertex_location: str = "global"
    #: Vertex only: where Omni writes ``uri`` output (``gs://bucket/prefix``); unset means inline.
    gcs_uri: str | None = None


ProviderSettingsT = AnimaticSettings | SoraSettings | VeoSettings | OmniSettings


class ProviderSettings(_Frozen):
    """Each provider's settings, all kept so switching back and forth loses nothing."""

    animatic: AnimaticSettings = AnimaticSettings()
    sora: SoraSettings = SoraSettings()
    veo: VeoSettings = VeoSettings()
    omni: OmniSettings = OmniSettings()

    def for_provider(self, name: ProviderName) -> ProviderSettingsT:
        value: ProviderSettingsT = getattr(self, name.value)
        return value


class SceneSettings(_Frozen):
    """A scene's own settings for the provider it overrides; None keeps the project's."""

    animatic: AnimaticSettings | None = None
    sora: SoraSettings | None = None
    veo: VeoSettings | None = None
    omni: OmniSettings | None = None

    def for_provider(self, name: ProviderName) -> ProviderSettingsT | None:
        value: ProviderSettingsT | None = getattr(self, name.value)
        return value


def new_scene_id() -> str:
    return uuid.uuid4().hex[:12]


class Take(_Frozen):
    """One rendered version of a scene: a render, a render again, or a remix or edit of one."""

    job_id: str
    clip_path: str | None = None
    thumbnail_path: str | None = None
    prompt: str = ""
    remixed_from_job_id: str | None = None
    billed_usd: Money = 0.0
    #: The provider that rendered it (None: a take recorded before takes named it).
    provider: ProviderName | None = None
    #: `take_state.inputs_fingerprint` of the request it was rendered from (None: not recorded,
    #: as for takes made before it was; such a take counts as current unless the provider differs).
    fingerprint: str | None = None


class Scene(_Frozen):
    """One shot of the storyboard and its render state."""

    id: str = Field(default_factory=new_scene_id)
    prompt: str = ""
    #: Seconds; None means the provider's default duration.
    duration: int | None = None
    #: Path relative to the project folder (normally under ``refs/``).
    reference_image: str | None = None
    last_frame_image: str | None = None
    extra_reference_images: tuple[str, ...] = ()
    fit: FitMode = FitMode.CROP
    #: What the generated sound should be ("no dialogue", "waves and wind"); Omni always makes audio.
    audio_direction: str = ""
    #: Omni: continue the previous scene's clip (``extend``) instead of starting afresh.
    continuity: OmniContinuity = OmniContinuity.NONE
    provider: ProviderName | None = None
    #: The scene's own model, shape and duration for its overriding ``provider`` (see
    #: `Project.settings_for`); kept per provider so switching back and forth loses nothing.
    provider_settings: SceneSettings | None = None
    state: RenderState = RenderState.PENDING
    job_id: str | None = None
    job_provider: ProviderName | None = None
    clip_path: str | None = None
    thumbnail_path: str | None = None
    billed_usd: Money = 0.0
    rendered_prompt: str | None = None
    error: JobError | None = None
    takes: tuple[Take, ...] = ()

    @field_validator("id")
    @classmethod
    def _plain_id(cls, value: str) -> str:
        # The id names the scene's files (clips/<id>.mp4): it must never be a path.
        if not is_valid_id(value):
            raise ValueError(f"scene id {value[:80]!r} is not a valid id ({ID_RULE})")
        return value

    @field_validator("duration")
    @classmethod
    def _positive_duration(cls, value: int | None) -> int | None:
        if value is not None and value <= 0:
            raise ValueError("duration must be a positive number of seconds")
        return value


class Project(_Frozen):
    """A storyboard and the settings it renders with; saved as ``project.json``."""

    schema_version: int = SCHEMA_VERSION
    title: str = "Untitled"
    #: A style note added to every scene's prompt by the prompt templates.
    style: str = ""
    provider: ProviderName = ProviderName.ANIMATIC
    settings: ProviderSettings = ProviderSettings()
    scenes: tuple[Scene, ...] = ()
    budget_usd: Money | None = None
    #: Use the last frame of scene n as scene n+1's reference image.
    chain_scenes: bool = False

    def scene(self, scene_id: str) -> Scene:
        for scene in self.scenes:
            if scene.id == scene_id:
                return scene
        raise KeyError(scene_id)

    def index_of(self, scene_id: str) -> int:
        for index, scene in enumerate(self.scenes):
            if scene.id == scene_id:
                return index
        raise KeyError(scene_id)

    def provider_for(self, scene: Scene) -> ProviderName:
        """The scene's override, else the project's provider."""
        return scene.provider or self.provider

    def settings_for(self, scene: Scene) -> ProviderSettingsT:
        """The settings the scene renders with: its own for the provider it overrides, if set,
        else the project's for that provider."""
        provider = self.provider_for(scene)
        if scene.provider is not None and scene.provider_settings is not None:
            own = scene.provider_settings.for_provider(provider)
            if own is not None:
                return own
        return self.settings.for_provider(provider)

    def with_scene(self, scene: Scene) -> Project:
        """A copy with the scene of the same id replaced."""
        index = self.index_of(scene.id)
        scenes = list(self.scenes)
        scenes[index] = scene
        return self.model_copy(update={"scenes": tuple(scenes)})

    def update_scene(self, scene_id: str, **changes: object) -> Project:
        scene = self.scene(scene_id)
        return self.with_scene(scene.model_copy(update=changes))

    @property
    def billed_usd(self) -> float:
        return round(sum(scene.billed_usd for scene in self.scenes), 4)
