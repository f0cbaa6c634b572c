"""The Python API: `VideoClient` makes videos from scripts and notebooks, with the app's money rules."""

from imageai.api.client import VideoClient
from imageai.api.config import PUBLIC_NAMES, VideoConfig
from imageai.api.results import CancelToken, VideoCost, VideoInfo, VideoProgress, VideoResult
from imageai.core.errors import (
    BudgetExceededError,
    ErrorKind,
    ImageAIError,
    JobError,
    ProviderError,
    ValidationError,
)
from imageai.core.models import FitMode

#: The provider names `VideoClient` takes.
PROVIDERS = tuple(PUBLIC_NAMES)

__all__ = [
    "PROVIDERS",
    "BudgetExceededError",
    "CancelToken",
    "ErrorKind",
    "FitMode",
    "ImageAIError",
    "JobError",
    "ProviderError",
    "ValidationError",
    "VideoClient",
    "VideoConfig",
    "VideoCost",
    "VideoInfo",
    "VideoProgress",
    "VideoResult",
]
