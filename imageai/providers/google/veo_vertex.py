"""Veo on Vertex AI through google-genai in Vertex mode, on plain httpx clients we own."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import google.auth.exceptions
import httpx
from google.genai import errors as genai_errors
from google.genai import types

from imageai.core.downloads import write_chunks
from imageai.core.errors import AuthError, NetworkError, OutcomeUnknownError, ProviderError
from imageai.core.key_check import KeyCheck, KeyStatus
from imageai.core.response_limits import ResponseTooLargeError, head_bytes
from imageai.providers.google.errors import (
    ErrorContext,
    classify,
    lost_create,
    retry_after_seconds,
    status_from_body,
    transport_error,
)
from imageai.providers.google.http import CHUNK, iter_chunks
from imageai.providers.google.veo_operation import OperationView, VideoRef
from imageai.providers.google.vertex_auth import (
    bearer_header,
    gcs_media_url,
    vertex_client,
    vertex_credentials,
)

if TYPE_CHECKING:
    import threading
    from pathlib import Path

    from google.auth.credentials import Credentials

    from imageai.providers.google.veo_payload import ImagePart, VeoPayload

log = logging.getLogger(__name__)


def _sdk_error(exc: genai_errors.APIError, context: ErrorContext) -> ProviderError:
    headers = exc.response.headers if isinstance(exc.response, httpx.Response) else {}
    status = status_from_body(exc.code, exc.details)
    return classify(status, context, retry_after_seconds(headers))


class VertexVeoBackend:
    """Create and poll with google-genai (``vertexai=True``); download inline bytes or gs:// URIs.

    The SDK's retries stay off (``HttpRetryOptions(attempts=1)``; unset would also mean one, as
    ``retry_args(None)`` is ``stop_after_attempt(1)``), so a create is never resent behind our back.
    """

    def __init__(
        self,
        project: str | None,
        location: str,
        http: httpx.Client,
        *,
        sdk_http: httpx.Client | None = None,
        credentials: Credentials | None = None,
        base_url: str | None = None,
    ) -> None:
        """``http`` fetches gs:// clips; ``sdk_http`` (a capped client) carries the SDK's calls."""
        credentials, project = vertex_credentials(project, credentials, "Veo")
        self._credentials = credentials
        self._http = http
        # One attempt, explicitly: with retries the SDK would re-send a billable create.
        self._client = vertex_client(
            project, location, credentials, base_url=base_url, httpx_client=sdk_http
        )

    def _call(self, action: str, context: ErrorContext, fn: Any, **kwargs: Any) -> Any:
        try:
            return fn(**kwargs)
        except genai_errors.APIError as exc:
            raise _sdk_error(exc, context) from None
        except httpx.TransportError as exc:
            raise transport_error(exc, action) from None
        except ResponseTooLargeError as exc:
            # Cut off by our cap: a create's answer is lost, so its outcome is unknown.
            if action == "create":
                why = f"it ran past {exc.limit >> 20} MB, far more than any answer needs"
                raise lost_create("Veo", why, detail=exc.user_message) from None
            raise
        except google.auth.exceptions.RefreshError:
            raise AuthError("Google Cloud rejected the credentials; log in again.") from None
        except google.auth.exceptions.TransportError:
            # The token refresh failed before the request was built: nothing was sent.
            raise NetworkError(
                "Cannot reach Google to refresh credentials.", code="CONNECT_FAILED"
            ) from None
        except Exception as exc:  # noqa: BLE001 - nothing unforeseen may read as "not sent"
            # An answer the SDK could not read (not JSON, wrong shape), or something unforeseen.
            log.warning("Vertex AI %s failed: %r", action, exc)
            why = f"unreadable answer ({type(exc).__name__})"
            if action == "create":
                raise lost_create("Veo", why, detail=str(exc)[:200]) from None
            raise NetworkError(f"Vertex AI sent an {why}.", detail=str(exc)[:200]) from None

    def create(self, payload: VeoPayload, context: ErrorContext) -> str:
        config = types.GenerateVideosConfig(
            number_of_videos=1,
            duration_seconds=payload.seconds,
            aspect_ratio=payload.aspect,
            resolution=payload.resolution,
            negative_prompt=payload.negative_prompt,
            person_generation=payload.person_generation,
            seed=payload.seed,
            enhance_prompt=payload.enhance_prompt,
            generate_audio=payload.generate_audio,
            last_frame=_image(payload.last_frame),
            reference_images=[
                types.VideoGenerationReferenceImage(
                    image=_image(ref), reference_type=types.VideoGenerationReferenceType.ASSET
                )
                for ref in payload.reference_images
            ]
            or None,
        )
        source = types.GenerateVideosSource(prompt=payload.prompt, image=_image(payload.image))
        operation = self._call(
            "create",
            context,
            self._client.models.generate_videos,
            model=payload.model,
            source=source,
            config=config,
        )
        if not operation.name:
            raise OutcomeUnknownError("Vertex AI accepted the request but named no operation.")
        return str(operation.name)

    def fetch(self, name: str, context: ErrorContext) -> OperationView:
        operation = self._call(
            "poll",
            context,
            self._client.operations.get,
            operation=types.GenerateVideosOperation.model_validate({"name": name}),
        )
        return _view(operation)

    def download(
        self, video: VideoRef, tmp: Path, cancel: threading.Event, max_bytes: int | None = None
    ) -> int | None:
        if video.data is not None:
            data = video.data
            write_chunks(tmp, (data[i : i + CHUNK] for i in range(0, len(data), CHUNK)))
            return len(data)
        if video.uri and video.uri.startswith("gs://"):
            return self._download_gcs(video.uri, tmp, cancel, max_bytes)
        raise ProviderError("Vertex AI returned no video bytes and no gs:// URI.")

    def _download_gcs(
        self, uri: str, tmp: Path, cancel: threading.Event, max_bytes: int | None = None
    ) -> int | None:
        try:
            headers = bearer_header(self._credentials)
            with self._http.stream("GET", gcs_media_url(uri), headers=headers) as response:
                if response.status_code >= 400:
                    body = head_bytes(response.iter_bytes())  # a hostile error body is not endless
                    status = status_from_body(response.status_code, body)
                    raise classify(status, ErrorContext(action="download"))
                size = response.headers.get("content-length")
                write_chunks(tmp, iter_chunks(response, cancel), max_bytes=max_bytes)
        except httpx.TransportError as exc:
            raise transport_error(exc, "download") from None
        return int(size) if size and size.isdigit() else None

    def check(self, model: str) -> KeyCheck:
        try:
            self._call("poll", ErrorContext(model=model), self._client.models.get, model=model)
        except AuthError as exc:
            return KeyCheck(status=KeyStatus.BAD_KEY, message=exc.user_message)
        except NetworkError as exc:
            return KeyCheck(status=KeyStatus.NETWORK, message=exc.user_message)
        except ProviderError as exc:
            if exc.code in ("PERMISSION_DENIED", "NOT_FOUND"):
                return KeyCheck(
                    status=KeyStatus.NO_VIDEO_ACCESS,
                    message=f"The project cannot use {model} here: {exc.detail}",
                )
            return KeyCheck(status=KeyStatus.UNKNOWN, message=exc.user_message)
        return KeyCheck(status=KeyStatus.OK, message=f"Vertex AI credentials can use {model}.")


def _image(part: ImagePart | None) -> types.Image | None:
    if part is None:
        return None
    return types.Image(image_bytes=part.data, mime_type=part.mime_type)


def _view(operation: types.GenerateVideosOperation) -> OperationView:
    result = operation.response or operation.result
    videos: list[VideoRef] = []
    count = 0
    reasons: tuple[str, ...] = ()
    if result is not None:
        for generated in result.generated_videos or ():
            video = generated.video
            if video is not None and (video.uri or video.video_bytes):
                videos.append(
                    VideoRef(
                        uri=video.uri,
                        data=video.video_bytes,
                        mime_type=video.mime_type or "video/mp4",
                    )
                )
        count = result.rai_media_filtered_count or 0
        reasons = tuple(result.rai_media_filtered_reasons or ())
    return OperationView(
        name=operation.name or "",
        done=bool(operation.done),
        error=dict(operation.error) if operation.error else None,
        videos=tuple(videos),
        filtered_count=count,
        filtered_reasons=reasons,
    )
