"""Which endpoint a job was created on: a job id means something only to the endpoint that made it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, runtime_checkable
from urllib.parse import urlsplit, urlunsplit

from imageai.core.errors import ErrorKind, ProviderError

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from imageai.core.jobs import JobRequest
    from imageai.core.ledger import Ledger, LedgerEntry
    from imageai.core.models import SoraSettings


@runtime_checkable
class HasEndpoint(Protocol):
    """A provider that knows the base URL its requests really go to (`SoraClient.endpoint`)."""

    endpoint: str


@runtime_checkable
class EndpointRecord(Protocol):
    """A journal that can say where a job was created (`Ledger.created_endpoint`)."""

    def created_endpoint(self, job_id: str) -> str: ...


def normalized(url: str) -> str:
    """``url`` as recorded and compared: no credentials, query or trailing slash, lower-case host.

    A base URL may come from ``OPENAI_BASE_URL`` with a user and password in it; the ledger and
    the messages that name the endpoint must never hold them.
    """
    text = url.strip()
    if not text:
        return ""
    try:
        split = urlsplit(text)
        host, port = split.hostname or "", split.port
    except ValueError:
        return text.rstrip("/")
    netloc = host.lower() + (f":{port}" if port is not None else "")
    return urlunsplit((split.scheme.lower(), netloc, split.path.rstrip("/"), "", ""))


def provider_endpoint(provider: object) -> str:
    """Where ``provider`` sends its requests, normalized; empty when it has no such notion."""
    return normalized(provider.endpoint) if isinstance(provider, HasEndpoint) else ""


def created_on(entries: Iterable[LedgerEntry], job_id: str) -> str:
    """The endpoint the ledger's latest ``created`` line of ``job_id`` names; empty: unknown
    (a line written before endpoints were recorded, or a provider without one)."""
    found = ""
    for entry in entries:
        if entry.event == "created" and entry.job_id == job_id:
            found = entry.endpoint
    return found


def moved(created: str, current: str) -> bool:
    """True when a job made on ``created`` would be looked for on another endpoint, ``current``.

    Either one unknown (empty) is compatible: older ledger lines have no endpoint.
    """
    return bool(created and current) and normalized(created) != normalized(current)


class EndpointMovedError(ProviderError):
    """A job to resume was created on another endpoint than the one the request goes to.

    Raised before any poll: polled here the job is "not found", the ledger would close it, and
    the scene would be created (paid) again. The ledger keeps the job open, the budget keeps
    counting it, and switching back to ``created`` fetches it.
    """

    kind = ErrorKind.INVALID_REQUEST
    final = True

    def __init__(self, request: JobRequest, job_id: str | None, created: str, current: str) -> None:
        what = (
            f"job {job_id} was created"
            if job_id
            else "a create whose answer was lost (possibly billed) was sent"
        )
        message = (
            f"Scene {request.index}: {what} on {created}, but the endpoint is now {current}; "
            "a job can only be found and fetched where it was made. Switch the project's "
            f"endpoint back to {created} to fetch it (nothing is paid again), or abandon it "
            "with `imageai video endpoint DIR --abandon-open-jobs` (the scene is then created, "
            "and paid, again; in the Python API: use another output_dir)."
        )
        super().__init__(message, detail=f"{job_id or 'intent'}: on {created}, now {current}")
        self.job_id = job_id
        self.created = created
        self.current = current


#: Where the openai SDK sends requests when it is given no base URL and none is set.
OPENAI_DEFAULT_ENDPOINT = "https://api.openai.com/v1"


def settings_endpoint(settings: SoraSettings, environ: Mapping[str, str] | None = None) -> str:
    """The normalized endpoint ``settings`` send to, as the provider factory resolves it: the
    project's base URL, else ``OPENAI_BASE_URL``, else OpenAI's own."""
    from imageai.core.videos_endpoint import endpoint_for  # its catalog imports stay lazy

    return normalized(endpoint_for(settings, environ) or OPENAI_DEFAULT_ENDPOINT)


def abandon_elsewhere(ledger: Ledger, provider: str, current: str) -> list[tuple[str, str, str]]:
    """Close, by the user's word, ``provider``'s open jobs created on another endpoint than
    ``current``: the render then creates (pays for) those scenes again there. Their spend stays
    counted. Returns (scene id, job id, endpoint it was made on) for each.
    """
    from imageai.core.open_jobs import open_jobs

    entries = ledger.entries()
    closed: list[tuple[str, str, str]] = []
    for job in open_jobs(entries, provider):
        made_on = created_on(entries, job.job_id) if job.job_id else ""
        if job.job_id and moved(made_on, current):
            detail = f"abandoned: created on {made_on}, the endpoint is now {current}"
            ledger.note(job.scene_id, provider, job.job_id, "failed", detail)
            closed.append((job.scene_id, job.job_id, made_on))
    return closed
