"""The result of checking an API key with a cheap call."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict


class KeyStatus(StrEnum):
    OK = "ok"
    MISSING = "missing"
    BAD_KEY = "bad_key"
    NO_VIDEO_ACCESS = "no_video_access"
    NETWORK = "network"
    ENDPOINT_GONE = "endpoint_gone"
    UNKNOWN = "unknown"


class KeyCheck(BaseModel):
    """What a key check found, with a sentence for the user."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    status: KeyStatus
    message: str

    @property
    def ok(self) -> bool:
        return self.status is KeyStatus.OK
