"""Typed errors that providers raise and the data form (`JobError`) that crosses threads."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from imageai.core.scrub import scrub


class ErrorKind(StrEnum):
    """What went wrong, in terms the GUI and CLI can act on without parsing text."""

    AUTH = "auth"
    PERMISSION = "permission"
    QUOTA = "quota"
    RATE_LIMIT = "rate_limit"
    NETWORK = "network"
    CONTENT_POLICY = "content_policy"
    INVALID_REQUEST = "invalid_request"
    NOT_FOUND = "not_found"
    TIMEOUT = "timeout"
    OUTCOME_UNKNOWN = "outcome_unknown"
    BUDGET = "budget"
    #: The app could not write its own files (ledger, project) here: disk full, read-only.
    STORAGE = "storage"
    #: A paid clip arrived broken (cut short, zero-filled, wrong length) after every refetch;
    #: the job stays open, so Retry downloads it again and never pays again.
    BAD_CLIP = "bad_clip"
    UNKNOWN = "unknown"


class ImageAIError(Exception):
    """Base of every error the app raises on purpose."""


class ValidationError(ImageAIError):
    """A request or project setting is impossible; raised before any API call.

    Attributes:
        field: the setting at fault, e.g. ``"size"``.
        allowed: the values that would be accepted, when there is a finite list.
    """

    def __init__(self, field: str, message: str, allowed: tuple[str, ...] = ()) -> None:
        self.field = field
        self.message = message
        self.allowed = allowed
        text = f"{field}: {message}"
        if allowed:
            text += f" (allowed: {', '.join(allowed)})"
        super().__init__(text)

    def prefixed(self, where: str) -> ValidationError:
        """The same error, located (e.g. ``"scene 3"``)."""
        return ValidationError(self.field, f"{where}: {self.message}", self.allowed)


class ModelRetiredError(ValidationError):
    """The model is shut down; ``successor`` names (provider, model) to move to, when known."""

    def __init__(
        self, message: str, successor: tuple[str, str] | None = None, allowed: tuple[str, ...] = ()
    ) -> None:
        super().__init__("model", message, allowed)
        self.successor = successor

    def prefixed(self, where: str) -> ModelRetiredError:
        return ModelRetiredError(f"{where}: {self.message}", self.successor, self.allowed)


class ProjectFileError(ImageAIError):
    """A project file is missing, unreadable, truncated or invalid."""


class BudgetExceededError(ImageAIError):
    """A render would take the project's spend past its budget."""

    def __init__(self, estimate_usd: float, spent_usd: float, budget_usd: float) -> None:
        self.estimate_usd = estimate_usd
        self.spent_usd = spent_usd
        self.budget_usd = budget_usd
        self.over_usd = round(spent_usd + estimate_usd - budget_usd, 4)
        super().__init__(
            f"This render is estimated at ${estimate_usd:.2f}; with ${spent_usd:.2f} already spent "
            f"it would pass the ${budget_usd:.2f} budget by ${self.over_usd:.2f}."
        )


class LedgerWriteError(ImageAIError):
    """The ledger (the record of spend) could not be written; the message says what was kept."""

    def __init__(self, message: str, cause: OSError) -> None:
        super().__init__(message)
        self.cause = cause

    @staticmethod
    def reason(exc: OSError) -> str:
        """Why a write failed, as the OS says it (``No space left on device``)."""
        return exc.strerror or str(exc) or type(exc).__name__


class JobCancelledError(ImageAIError):
    """The job was cancelled locally."""


class ProviderError(ImageAIError):
    """An API or provider failure; `kind` says what the user can do about it."""

    kind: ErrorKind = ErrorKind.UNKNOWN
    #: True when retrying the same request cannot help (content policy, invalid input...).
    final: bool = False

    def __init__(
        self,
        message: str,
        *,
        detail: str = "",
        retry_after: float | None = None,
        status_code: int | None = None,
        code: str | None = None,
    ) -> None:
        super().__init__(message)
        self.user_message = message
        self.detail = detail
        self.retry_after = retry_after
        self.status_code = status_code
        self.code = code


class AuthError(ProviderError):
    kind = ErrorKind.AUTH
    final = True


class PermissionDeniedError(ProviderError):
    kind = ErrorKind.PERMISSION
    final = True


class QuotaError(ProviderError):
    kind = ErrorKind.QUOTA
    final = True


class RateLimitError(ProviderError):
    kind = ErrorKind.RATE_LIMIT


class NetworkError(ProviderError):
    kind = ErrorKind.NETWORK


class ContentPolicyError(ProviderError):
    kind = ErrorKind.CONTENT_POLICY
    final = True


class InvalidRequestError(ProviderError):
    kind = ErrorKind.INVALID_REQUEST
    final = True


class NotFoundError(ProviderError):
    """The model, route or job does not exist (for Sora: the API was retired)."""

    kind = ErrorKind.NOT_FOUND
    final = True


class ModelGoneError(NotFoundError):
    """The provider says the model is shut down; ``successor`` is the model id it names, if any."""

    def __init__(
        self,
        message: str,
        *,
        model: str | None = None,
        successor: str | None = None,
        detail: str = "",
        status_code: int | None = None,
        code: str | None = None,
    ) -> None:
        super().__init__(message, detail=detail, status_code=status_code, code=code)
        self.model = model
        self.successor = successor


class JobTimeoutError(ProviderError):
    kind = ErrorKind.TIMEOUT


class OutcomeUnknownError(ProviderError):
    """A create may or may not have reached the provider; retrying could bill twice."""

    kind = ErrorKind.OUTCOME_UNKNOWN
    final = True


class JobError(BaseModel):
    """An error as plain data, safe to send across threads and to show."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: ErrorKind
    user_message: str
    detail: str = ""
    retry_after: float | None = None
    final: bool = False
    #: The model to move to when the model is retired or gone (the table's or the server's word).
    successor: str | None = None

    @classmethod
    def from_exception(cls, exc: BaseException) -> JobError:
        error = cls._from_exception(exc)
        # An API may echo the key back in an error; it must not reach the GUI, logs or files.
        return error.model_copy(
            update={"user_message": scrub(error.user_message), "detail": scrub(error.detail)}
        )

    @classmethod
    def _from_exception(cls, exc: BaseException) -> JobError:
        if isinstance(exc, ProviderError):
            return cls(
                kind=exc.kind,
                user_message=exc.user_message,
                detail=exc.detail,
                retry_after=exc.retry_after,
                final=exc.final,
                successor=exc.successor if isinstance(exc, ModelGoneError) else None,
            )
        if isinstance(exc, BudgetExceededError):
            return cls(kind=ErrorKind.BUDGET, user_message=str(exc), final=True)
        if isinstance(exc, LedgerWriteError):
            return cls(
                kind=ErrorKind.STORAGE, user_message=str(exc), detail=repr(exc.cause), final=True
            )
        if isinstance(exc, ModelRetiredError):
            successor = exc.successor[1] if exc.successor else None
            return cls(
                kind=ErrorKind.NOT_FOUND, user_message=exc.message, final=True, successor=successor
            )
        if isinstance(exc, ValidationError):
            return cls(kind=ErrorKind.INVALID_REQUEST, user_message=str(exc), final=True)
        if isinstance(exc, TimeoutError):
            return cls(kind=ErrorKind.TIMEOUT, user_message="The job timed out.", detail=str(exc))
        if isinstance(exc, ConnectionError):
            return cls(kind=ErrorKind.NETWORK, user_message="Network problem.", detail=str(exc))
        return cls(
            kind=ErrorKind.UNKNOWN,
            user_message="Unexpected error; see the log for details.",
            detail=f"{type(exc).__name__}: {exc}",
        )
