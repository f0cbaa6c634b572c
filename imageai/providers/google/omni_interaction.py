"""A Gemini Omni interaction read into one view: status, the video (inline or uri), errors."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import Any

from imageai.core.errors import ContentPolicyError, ProviderError
from imageai.core.jobs import PollState, PollStatus
from imageai.providers.google.errors import ErrorContext, GoogleStatus, classify

#: Interaction statuses (google-genai 3.6.1 ``interaction.py``) that end a job without a video.
_ENDED = {
    "failed": "Gemini Omni failed to make the video",
    "cancelled": "The Gemini Omni job was cancelled",
    "incomplete": "Gemini Omni stopped before the video was finished",
    "budget_exceeded": "Gemini Omni stopped: the request's budget was exceeded",
    "requires_action": "Gemini Omni asked for an action a video job cannot give",
}
_POLICY_WORDS = ("safety", "blocked", "policy", "prohibited", "responsible_ai", "rai")
_RPC_NAMES = frozenset(
    {"INVALID_ARGUMENT", "FAILED_PRECONDITION", "NOT_FOUND", "PERMISSION_DENIED", "INTERNAL"}
    | {"RESOURCE_EXHAUSTED", "UNAVAILABLE", "DEADLINE_EXCEEDED", "UNAUTHENTICATED", "UNKNOWN"}
)


@dataclass(frozen=True)
class OmniVideo:
    """The finished video: base64 ``data`` (inline) or a ``uri`` to fetch."""

    data: str | None = None
    uri: str | None = None
    mime_type: str = "video/mp4"

    def decoded(self) -> bytes:
        # Line-wrapped, unpadded or URL-safe base64 is still the paid video: accept all three.
        text = "".join((self.data or "").split())
        text += "=" * (-len(text) % 4)
        altchars = b"-_" if "-" in text or "_" in text else None
        try:
            return base64.b64decode(text, altchars=altchars, validate=True)
        except (binascii.Error, ValueError):
            raise ProviderError("Gemini Omni sent video data that is not base64.") from None


@dataclass(frozen=True)
class InteractionView:
    """What one look at an interaction learned."""

    id: str
    status: str
    video: OmniVideo | None = None
    errors: tuple[tuple[str, str], ...] = ()

    def poll_status(self, context: ErrorContext) -> PollStatus:
        if self.status == "queued":
            return PollStatus(state=PollState.QUEUED, message="queued at Google")
        if self.status == "completed":
            if self.video is not None:
                return PollStatus(state=PollState.COMPLETED, fraction=1.0, message="done")
            # Omni completes with no video where it will not serve the request (a blocked
            # prompt; video edits from some regions).
            return _failed(self._error(context, "Gemini Omni finished without a video"))
        if self.status in _ENDED:
            return _failed(self._error(context, _ENDED[self.status]))
        # "in_progress", and any state a later API adds: keep polling up to the deadline.
        return PollStatus(state=PollState.RUNNING, message="Gemini Omni is generating")

    def _error(self, context: ErrorContext, fallback: str) -> ProviderError:
        if not self.errors:
            if self.status == "completed":
                return ContentPolicyError(f"{fallback}; Google gave no reason.", code="NO_VIDEO")
            return ProviderError(f"{fallback}.", code=self.status.upper())
        code, message = self.errors[0]
        if any(word in code.lower() for word in _POLICY_WORDS):
            return ContentPolicyError(
                f"Google's safety filter blocked this video: {message}", detail=code, code=code
            )
        name = code.rsplit("/", 1)[-1].upper()
        if name in _RPC_NAMES:
            return classify(GoogleStatus(None, name, message), context)
        return ProviderError(f"{fallback}: {message}", detail=code, code=code)


def _failed(error: ProviderError) -> PollStatus:
    return PollStatus(state=PollState.FAILED, message=error.user_message, error=error)


def _get(value: Any, name: str) -> Any:
    if isinstance(value, dict):
        return value.get(name)
    return getattr(value, name, None)


def _video(interaction: Any) -> OmniVideo | None:
    output = _get(interaction, "output_video")
    if output is None:
        return None
    data, uri = _get(output, "data"), _get(output, "uri")
    # A server's answer is input: only non-empty strings count as a video.
    data = data if isinstance(data, str) and data else None
    uri = uri if isinstance(uri, str) and uri else None
    if data is None and uri is None:
        return None
    return OmniVideo(data=data, uri=uri, mime_type=str(_get(output, "mime_type") or "video/mp4"))


def read_interaction(interaction: Any) -> InteractionView:
    """The view of an SDK ``Interaction`` (``output_video`` is filled in by the SDK)."""
    errors = tuple(
        (str(_get(e, "code") or ""), str(_get(e, "message") or ""))
        for e in (_get(interaction, "errors") or ())
    )
    return InteractionView(
        # A server's answer is input: an id that is not a string is no id (never str() it).
        id=ident if isinstance(ident := _get(interaction, "id"), str) else "",
        status=str(_get(interaction, "status") or ""),
        video=_video(interaction),
        errors=errors,
    )
