"""Google images over google-genai: Gemini image models (Gemini API) and Imagen 4 (Vertex AI)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import httpx2
from google import genai
from google.genai import errors as genai_errors
from google.genai import types

from imageai.core.errors import (
    AuthError,
    ContentPolicyError,
    InvalidRequestError,
    JobTimeoutError,
    NetworkError,
    NotFoundError,
    PermissionDeniedError,
    ProviderError,
    RateLimitError,
    ValidationError,
)
from imageai.core.image_catalog import GoogleBackend, ImageModelInfo, ImageProviderName
from imageai.core.image_jobs import GeneratedImage, ImageRequest

if TYPE_CHECKING:
    from google.auth.credentials import Credentials
    from pydantic import SecretStr

#: ErrorInfo reasons the Gemini API gives (with status 400) for a key it does not accept.
KEY_REASONS = frozenset({"API_KEY_INVALID", "API_KEY_EXPIRED", "API_KEY_SERVICE_BLOCKED"})
_BLOCKED_FINISH = frozenset(
    {
        types.FinishReason.SAFETY,
        types.FinishReason.PROHIBITED_CONTENT,
        types.FinishReason.BLOCKLIST,
        types.FinishReason.SPII,
        types.FinishReason.IMAGE_SAFETY,
        types.FinishReason.IMAGE_PROHIBITED_CONTENT,
        types.FinishReason.IMAGE_RECITATION,
        types.FinishReason.RECITATION,
    }
)


def _reasons(exc: genai_errors.APIError) -> set[str]:
    details = exc.details if isinstance(exc.details, dict) else {}
    error = details.get("error", details)
    found = set()
    for item in error.get("details", []) if isinstance(error, dict) else []:
        if isinstance(item, dict) and isinstance(item.get("reason"), str):
            found.add(item["reason"])
    return found


def classify(exc: Exception) -> ProviderError:
    """Map a google-genai or transport exception to a `ProviderError` by type, code and status."""
    if isinstance(exc, httpx2.TimeoutException):
        return JobTimeoutError("The Google API did not answer in time.", detail=type(exc).__name__)
    if isinstance(exc, httpx2.TransportError):
        return NetworkError("Could not reach the Google API.", detail=type(exc).__name__)
    if not isinstance(exc, genai_errors.APIError):
        return ProviderError("Google SDK error.", detail=type(exc).__name__)
    code, status, message = exc.code, exc.status or "", exc.message or ""
    kw: dict[str, Any] = {"detail": message, "status_code": code, "code": status}
    if code == 401 or status == "UNAUTHENTICATED" or _reasons(exc) & KEY_REASONS:
        return AuthError("The Google API key was refused; check it in Settings.", **kw)
    if code == 403 or status == "PERMISSION_DENIED":
        return PermissionDeniedError(
            "This Google key or project may not use this image model (403).", **kw
        )
    if code == 429 or status == "RESOURCE_EXHAUSTED":
        return RateLimitError("Google quota or rate limit reached; try again later.", **kw)
    if code == 404 or status == "NOT_FOUND":
        return NotFoundError(f"Google does not serve this image model here: {message}", **kw)
    if code in (400, 422) or status in ("INVALID_ARGUMENT", "FAILED_PRECONDITION"):
        return InvalidRequestError(message or "Google rejected the request.", **kw)
    return ProviderError(f"Google API error ({code} {status}): {message}", **kw)


class GoogleImageProvider:
    """Gemini image models through ``generate_content`` and Imagen 4 through ``generate_images``.

    Args:
        api_key: the Gemini API key (Gemini models; also Vertex AI express mode).
        project, location: the Google Cloud project for Vertex AI (Imagen).
        credentials: Vertex AI credentials; application default credentials when None.
        base_url: another Gemini API endpoint (``GOOGLE_GEMINI_BASE_URL``).
        http_client: an ``httpx2.Client`` used for both (tests pass one with a mock transport).
    """

    name = ImageProviderName.GOOGLE

    def __init__(
        self,
        api_key: SecretStr | None,
        *,
        project: str | None = None,
        location: str = "us-central1",
        credentials: Credentials | None = None,
        base_url: str | None = None,
        http_client: httpx2.Client | None = None,
    ) -> None:
        self._base_url = base_url
        self._api_key = api_key
        self._project = project
        self._location = location
        self._credentials = credentials
        self._http_client = http_client
        self._clients: dict[GoogleBackend, genai.Client] = {}

    def _client(self, backend: GoogleBackend) -> genai.Client:
        if backend in self._clients:
            return self._clients[backend]
        options = types.HttpOptions(httpx_client=self._http_client)
        if self._base_url and backend is GoogleBackend.GEMINI:
            options.base_url = self._base_url
        if backend is GoogleBackend.VERTEX:
            if not self._project:
                raise AuthError(
                    "Imagen runs on Vertex AI: set GOOGLE_CLOUD_PROJECT and sign in with "
                    "`gcloud auth application-default login`."
                )
            client = genai.Client(
                vertexai=True,
                project=self._project,
                location=self._location,
                credentials=self._credentials,
                http_options=options,
            )
        else:
            if self._api_key is None:
                raise AuthError("No Gemini API key. Set GEMINI_API_KEY or store one in Settings.")
            client = genai.Client(api_key=self._api_key.get_secret_value(), http_options=options)
        self._clients[backend] = client
        return client

    def generate(
        self, request: ImageRequest, model: ImageModelInfo, count: int
    ) -> list[GeneratedImage]:
        try:
            if model.backend is GoogleBackend.VERTEX:
                return self._imagen(request, model, count)
            return self._gemini(request, model)
        except (genai_errors.APIError, httpx2.TransportError) as exc:
            raise classify(exc) from exc

    def _gemini(self, request: ImageRequest, model: ImageModelInfo) -> list[GeneratedImage]:
        image_config: dict[str, Any] = {}
        if request.size:
            image_config["aspect_ratio"] = request.size
        quality = request.quality or model.default_quality
        if quality and len(model.qualities) > 1:
            image_config["image_size"] = quality
        contents: list[Any] = []
        if request.edit_image is not None:
            data = request.edit_image.read_bytes()
            contents.append(types.Part.from_bytes(data=data, mime_type=_mime_of(request)))
        contents.append(request.prompt)
        config = types.GenerateContentConfig(
            response_modalities=["IMAGE"],
            image_config=types.ImageConfig(**image_config) if image_config else None,
            http_options=types.HttpOptions(timeout=int(request.timeout_s * 1000)),
        )
        response = self._client(GoogleBackend.GEMINI).models.generate_content(
            model=model.id, contents=contents, config=config
        )
        images = []
        for candidate in response.candidates or []:
            for part in (candidate.content.parts or []) if candidate.content else []:
                blob = part.inline_data
                if blob is not None and blob.data and (blob.mime_type or "").startswith("image/"):
                    images.append(GeneratedImage(data=blob.data, mime_type=blob.mime_type or ""))
        if images:
            return images[:1]
        feedback = response.prompt_feedback
        if feedback is not None and feedback.block_reason is not None:
            raise ContentPolicyError(f"Gemini blocked the prompt ({feedback.block_reason.value}).")
        reasons = {c.finish_reason for c in response.candidates or [] if c.finish_reason}
        if reasons & _BLOCKED_FINISH:
            names = ", ".join(sorted(r.value for r in reasons))
            raise ContentPolicyError(f"Gemini refused to draw this ({names}).")
        raise ProviderError("Gemini answered without an image; try rephrasing the prompt.")

    def _imagen(
        self, request: ImageRequest, model: ImageModelInfo, count: int
    ) -> list[GeneratedImage]:
        if request.edit_image is not None:
            raise ValidationError("edit_image", f"{model.id} cannot edit images")
        quality = request.quality or model.default_quality
        config = types.GenerateImagesConfig(
            number_of_images=count,
            aspect_ratio=request.size,
            image_size=quality if quality and len(model.qualities) > 1 else None,
            include_rai_reason=True,
            http_options=types.HttpOptions(timeout=int(request.timeout_s * 1000)),
        )
        response = self._client(GoogleBackend.VERTEX).models.generate_images(
            model=model.id, prompt=request.prompt, config=config
        )
        images = []
        filtered = []
        for generated in response.generated_images or []:
            image = generated.image
            if image is not None and image.image_bytes:
                mime = image.mime_type or "image/png"
                images.append(GeneratedImage(data=image.image_bytes, mime_type=mime))
            elif generated.rai_filtered_reason:
                filtered.append(generated.rai_filtered_reason)
        if not images:
            why = f": {filtered[0]}" if filtered else ""
            raise ContentPolicyError(f"Imagen filtered every image{why}.")
        return images


def _mime_of(request: ImageRequest) -> str:
    suffix = request.edit_image.suffix.lower() if request.edit_image else ".png"
    return {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".webp": "image/webp"}.get(
        suffix, "image/png"
    )
