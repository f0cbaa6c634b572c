"""OpenAI image generation and edits over the official SDK (``client.images``)."""

from __future__ import annotations

import base64
import binascii
from contextlib import ExitStack
from typing import TYPE_CHECKING, Any

import httpx2
import openai
from openai import OpenAI

from imageai.core.errors import (
    AuthError,
    ContentPolicyError,
    InvalidRequestError,
    JobTimeoutError,
    NetworkError,
    NotFoundError,
    PermissionDeniedError,
    ProviderError,
    QuotaError,
    RateLimitError,
)
from imageai.core.image_catalog import ImageModelInfo, ImageProviderName
from imageai.core.image_jobs import GeneratedImage, ImageRequest

if TYPE_CHECKING:
    from pydantic import SecretStr

QUOTA_CODES = frozenset({"insufficient_quota", "billing_hard_limit_reached", "billing_not_active"})
POLICY_CODES = frozenset({"moderation_blocked", "content_policy_violation"})
_MIME = {"png": "image/png", "jpeg": "image/jpeg", "webp": "image/webp"}


def _api_message(exc: openai.APIStatusError) -> str:
    body = exc.body
    if isinstance(body, dict) and isinstance(body.get("message"), str) and body["message"]:
        return str(body["message"])
    return exc.message


def classify(exc: openai.OpenAIError) -> ProviderError:
    """Map an SDK exception to a `ProviderError` by its type, status and error code."""
    if isinstance(exc, openai.APITimeoutError):
        return JobTimeoutError("The OpenAI API did not answer in time.", detail=exc.message)
    if isinstance(exc, openai.APIConnectionError):
        return NetworkError("Could not reach the OpenAI API.", detail=type(exc.__cause__).__name__)
    if not isinstance(exc, openai.APIStatusError):
        return ProviderError("OpenAI SDK error.", detail=type(exc).__name__)
    status, code, message = exc.status_code, exc.code, _api_message(exc)
    kw: dict[str, Any] = {"detail": message, "status_code": status, "code": code}
    if code in POLICY_CODES:
        return ContentPolicyError(f"Refused by OpenAI's content filter: {message}", **kw)
    if isinstance(exc, openai.AuthenticationError):
        return AuthError("The OpenAI API key was refused (401); check it in Settings.", **kw)
    if isinstance(exc, openai.PermissionDeniedError):
        return PermissionDeniedError(
            "This OpenAI key may not use this image model (403); the organization may need "
            "verification.",
            **kw,
        )
    if isinstance(exc, openai.RateLimitError):
        if code in QUOTA_CODES:
            return QuotaError(f"The OpenAI account is out of quota: {message}", **kw)
        return RateLimitError("OpenAI rate limit reached; try again shortly.", **kw)
    if isinstance(exc, openai.NotFoundError):
        return NotFoundError(f"OpenAI does not know this image model: {message}", **kw)
    if isinstance(exc, openai.BadRequestError | openai.UnprocessableEntityError):
        return InvalidRequestError(message, **kw)
    return ProviderError(f"OpenAI API error ({status}): {message}", **kw)


class OpenAIImageProvider:
    """Generates with ``images.generate`` and edits with ``images.edit`` (image + optional mask).

    Args:
        api_key: the OpenAI key.
        base_url: an OpenAI-compatible endpoint instead of api.openai.com.
        http_client: an ``httpx2.Client`` (tests pass one with a mock transport).
    """

    name = ImageProviderName.OPENAI

    def __init__(
        self,
        api_key: SecretStr,
        *,
        base_url: str | None = None,
        http_client: httpx2.Client | None = None,
    ) -> None:
        options: dict[str, Any] = {}
        if base_url:
            options["base_url"] = base_url
        if http_client is not None:
            options["http_client"] = http_client
        # No SDK retries: a generate that timed out may still be billed, so never resend blindly.
        self._client = OpenAI(api_key=api_key.get_secret_value(), max_retries=0, **options)

    def generate(
        self, request: ImageRequest, model: ImageModelInfo, count: int
    ) -> list[GeneratedImage]:
        timeout = httpx2.Timeout(request.timeout_s, connect=15.0)
        common: dict[str, Any] = {"model": model.id, "prompt": request.prompt, "n": count}
        if request.size:
            common["size"] = request.size
        quality = request.quality or model.default_quality
        if quality:
            common["quality"] = quality
        try:
            if request.edit_image is None:
                response = self._client.images.generate(**common, timeout=timeout)
            else:
                with ExitStack() as files:
                    common["image"] = files.enter_context(request.edit_image.open("rb"))
                    if request.mask_image is not None:
                        common["mask"] = files.enter_context(request.mask_image.open("rb"))
                    response = self._client.images.edit(**common, timeout=timeout)
        except openai.OpenAIError as exc:
            raise classify(exc) from exc
        mime = _MIME.get(response.output_format or "png", "image/png")
        images = []
        for item in response.data or []:
            if not item.b64_json:
                continue
            try:
                images.append(GeneratedImage(data=base64.b64decode(item.b64_json), mime_type=mime))
            except (binascii.Error, ValueError) as exc:
                raise ProviderError("OpenAI returned an unreadable image.") from exc
        if not images:
            raise ContentPolicyError("OpenAI returned no image; the prompt may have been filtered.")
        return images
