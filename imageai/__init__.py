"""ImageAI: images and storyboard-to-video for artists."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from imageai.api import (
        PROVIDERS,
        BudgetExceededError,
        CancelToken,
        ErrorKind,
        FitMode,
        ImageAIError,
        JobError,
        ProviderError,
        ValidationError,
        VideoClient,
        VideoConfig,
        VideoCost,
        VideoInfo,
        VideoProgress,
        VideoResult,
    )

__version__ = "0.1.0"

#: The Python API (`imageai.api`), importable from the package itself.
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


def __getattr__(name: str) -> Any:
    # Lazy: `import imageai` (the app, the CLI) must not import the API's dependencies.
    if name in __all__:
        value = getattr(importlib.import_module("imageai.api"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'imageai' has no attribute {name!r}")
