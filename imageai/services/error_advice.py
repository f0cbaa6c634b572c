"""What to tell the user about a failed job, and which action to offer, by `JobError.kind`."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict

from imageai.core.errors import ErrorKind, JobError
from imageai.core.models import ProviderName
from imageai.core.provider_names import PROVIDER_LABELS
from imageai.core.scrub import scrub

if TYPE_CHECKING:
    from imageai.core.catalog import Catalog
    from imageai.core.models import Project

#: Seconds to wait after a rate limit when the provider gives no Retry-After.
DEFAULT_RATE_LIMIT_WAIT = 30
#: Where the GUI keeps a `/v1/videos` endpoint's base URL (the Video tab's provider controls).
ENDPOINT_FIELD_HINT = (
    f"To keep rendering with a compatible endpoint: in the Video tab, choose the provider "
    f"“{PROVIDER_LABELS[ProviderName.SORA]}” and enter its “Base URL”."
)


class ErrorAction(StrEnum):
    NONE = "none"
    RETRY = "retry"
    EDIT_PROMPT = "edit_prompt"
    OPEN_KEYS = "open_keys"
    RETARGET = "retarget"


class ErrorAdvice(BaseModel):
    """A title, a sentence, and the one button to offer (after ``countdown_s`` seconds)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    title: str
    message: str
    action: ErrorAction = ErrorAction.NONE
    action_label: str = ""
    countdown_s: int = 0
    #: The model id a `RETARGET` moves to (a server or the table named it), or None: choose.
    successor: str | None = None


_ACTION_LABELS = {
    ErrorAction.RETRY: "Retry",
    ErrorAction.EDIT_PROMPT: "Edit prompt",
    ErrorAction.OPEN_KEYS: "API keys…",
    ErrorAction.RETARGET: "Retarget…",
}


def _advice(
    title: str, message: str, action: ErrorAction = ErrorAction.NONE, countdown_s: int = 0
) -> ErrorAdvice:
    return ErrorAdvice(
        title=title,
        message=message,
        action=action,
        action_label=_ACTION_LABELS.get(action, ""),
        countdown_s=countdown_s,
    )


#: Kinds whose advice is a title, the message with a sentence after it, and one action.
_PLAIN: dict[ErrorKind, tuple[str, str, ErrorAction]] = {
    ErrorKind.NOT_FOUND: ("Not found", "", ErrorAction.NONE),
    ErrorKind.QUOTA: ("Out of quota", " Check the account's billing.", ErrorAction.NONE),
    ErrorKind.INVALID_REQUEST: ("Invalid request", "", ErrorAction.EDIT_PROMPT),
    ErrorKind.OUTCOME_UNKNOWN: (
        "Outcome unknown",
        " Check the provider's dashboard before retrying: a retry may be billed again.",
        ErrorAction.RETRY,
    ),
    # Nothing was sent, or the job id is safe in project.json: a retry cannot pay twice.
    ErrorKind.STORAGE: ("Cannot write the project", "", ErrorAction.RETRY),
    # The paid job is kept open in the ledger: a retry downloads it again, never re-creates it.
    ErrorKind.BAD_CLIP: ("Bad download", "", ErrorAction.RETRY),
}


def advise(
    error: JobError, scene_label: str = "This scene", provider: ProviderName | None = None
) -> ErrorAdvice:
    """The advice for ``error``; ``provider`` lets a retired Sora endpoint offer retargeting."""
    # A JobError built anywhere (not only by from_exception) may carry a server's echo of a key.
    msg = scrub(error.user_message)
    kind = error.kind
    if kind is ErrorKind.RATE_LIMIT:
        # The provider's own text may promise a retry; nothing retries a failed job: say so.
        wait = round(error.retry_after) if error.retry_after else DEFAULT_RATE_LIMIT_WAIT
        return _advice(
            "Rate limited",
            rate_limit_message(error, scene_label, "press Retry"),
            ErrorAction.RETRY,
            countdown_s=max(1, wait),
        )
    if kind is ErrorKind.CONTENT_POLICY:
        return _advice(
            "Prompt refused",
            f"{scene_label}: {msg} Edit the prompt and render again.",
            ErrorAction.EDIT_PROMPT,
        )
    if kind in (ErrorKind.AUTH, ErrorKind.PERMISSION):
        what = "rejected" if kind is ErrorKind.AUTH else "not allowed to make videos"
        return _advice(
            "API key problem",
            f"{scene_label}: the API key was {what}. {msg}",
            ErrorAction.OPEN_KEYS,
        )
    if kind in (ErrorKind.NETWORK, ErrorKind.TIMEOUT):
        title = "Network problem" if kind is ErrorKind.NETWORK else "Timed out"
        return _advice(
            title, f"{scene_label}: {msg} Any job already paid for is resumed.", ErrorAction.RETRY
        )
    if error.successor:
        # The table says the model is retired, or the server said it is gone: one move offered.
        return ErrorAdvice(
            title="Model retired",
            message=f"{scene_label}: {msg} Move the project to {error.successor}, with the "
            "cost before and after shown first.",
            action=ErrorAction.RETARGET,
            action_label=f"Move to {error.successor}…",
            successor=error.successor,
        )
    if kind is ErrorKind.NOT_FOUND and provider is ProviderName.SORA:
        return _advice(
            "Sora is gone",
            f"{scene_label}: {msg} {ENDPOINT_FIELD_HINT} Or move the scenes to Gemini Omni "
            "or the animatic (Retarget…), with the cost compared first.",
            ErrorAction.RETARGET,
        )
    if kind is ErrorKind.BUDGET:
        return _advice("Over budget", msg)
    if kind in _PLAIN:
        title, after, action = _PLAIN[kind]
        return _advice(title, f"{scene_label}: {msg}{after}", action)
    return _advice("Render failed", f"{scene_label}: {msg}", ErrorAction.RETRY)


def rate_limit_message(error: JobError, scene_label: str, then: str) -> str:
    """A rate-limited job has stopped and waits for the user (``then``: what they do)."""
    if error.retry_after:
        when = f"the provider asks to wait {max(1, round(error.retry_after))} s (Retry-After)"
    else:
        when = f"the provider gave no wait time; wait at least {DEFAULT_RATE_LIMIT_WAIT} s"
    return (
        f"{scene_label} stopped: the provider's rate limit was reached. It is not retried "
        f"automatically and waits for you: {when}, then {then}. A refused request is not "
        "billed, and a job already paid for is resumed, not paid again."
    )


def advise_remix(
    error: JobError, scene_label: str = "This scene", provider: ProviderName | None = None
) -> ErrorAdvice:
    """The advice for a failed remix: as for a render, but a retry or a prompt fix happens in
    the Remix dialog (the banner's Retry would render the scene again, at full price)."""
    advice = advise(error, f"{scene_label} remix", provider)
    if advice.action not in (ErrorAction.RETRY, ErrorAction.EDIT_PROMPT):
        return advice
    message = advice.message.replace(" Edit the prompt and render again.", "")
    if error.kind is ErrorKind.RATE_LIMIT:
        message = rate_limit_message(error, f"{scene_label} remix", "remix again")
    hint = (
        " Change the remix prompt and remix again."
        if advice.action is ErrorAction.EDIT_PROMPT
        else " Remix again to retry (a remix already paid for is followed, not paid twice)."
    )
    return advice.model_copy(
        update={
            "message": message + hint,
            "action": ErrorAction.NONE,
            "action_label": "",
            "countdown_s": 0,
        }
    )


def successor_move(
    catalog: Catalog, project: Project, scene_id: str, model_id: str
) -> tuple[list[str], tuple[str, str]]:
    """What the move to ``model_id`` a failed scene's advice offers acts on.

    Returns:
        The scene ids to move (empty: the whole project, as the advice says, unless the scene
        has a provider of its own) and (provider, model id) for the retarget dialog. The
        provider is the one the catalog lists ``model_id`` under, the scene's own first; a
        model the catalog does not know is taken to be served by the scene's provider.
    """
    try:
        scene = project.scene(scene_id)
    except KeyError:
        scene = None
    own = project.provider_for(scene) if scene is not None else project.provider
    serving = [m.provider for m in catalog.models if m.id == model_id]
    provider = own if own in serving or not serving else serving[0]
    scene_ids = [] if own is project.provider or scene is None else [scene_id]
    return scene_ids, (provider.value, model_id)
