"""Vertex AI access shared by Omni and Veo: ADC credentials, the SDK client, gs:// downloads."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import google.auth
import google.auth.exceptions
from google import genai
from google.genai import types

from imageai.core.errors import AuthError
from imageai.core.response_limits import MAX_INLINE_ANSWER_BYTES, capped_client

if TYPE_CHECKING:
    from google.auth.credentials import Credentials

CLOUD_SCOPE = "https://www.googleapis.com/auth/cloud-platform"
#: google-genai 3.6.1 uses ``v1beta1`` on Vertex AI (``_api_client.py``); pinned so
#: GOOGLE_GENAI_API_VERSION cannot move it.
VERTEX_API_VERSION = "v1beta1"
#: google-genai's HttpOptions.timeout is in milliseconds; None would disable the timeouts.
SDK_TIMEOUT_MS = 120_000
#: One attempt: the SDK would otherwise re-send a billable create on 408/409/429/5xx and resets.
ONE_ATTEMPT = types.HttpRetryOptions(attempts=1)
GCS_HOST = "storage.googleapis.com"
GCS_DOWNLOAD = f"https://{GCS_HOST}/download/storage/v1/b/{{bucket}}/o/{{name}}?alt=media"


def vertex_credentials(
    project: str | None, credentials: Credentials | None, product: str
) -> tuple[Credentials, str]:
    """The credentials and project to use: given ones, else application default credentials.

    Raises:
        AuthError: no ADC (with the command that makes them), or no project anywhere.
    """
    if credentials is None:
        try:
            credentials, adc_project = google.auth.default(scopes=[CLOUD_SCOPE])
        except google.auth.exceptions.DefaultCredentialsError:
            raise AuthError(
                "No Google Cloud credentials: run `gcloud auth application-default login`."
            ) from None
        project = project or adc_project
    if not project:
        raise AuthError(f"Set a Vertex AI project in the {product} settings.")
    return credentials, project


def vertex_client(
    project: str,
    location: str,
    credentials: Credentials,
    *,
    base_url: str | None = None,
    retry: types.HttpRetryOptions = ONE_ATTEMPT,
    httpx_client: Any = None,
) -> genai.Client:
    """google-genai in Vertex AI mode (``enterprise``; ``vertexai`` is its legacy name).

    The SDK sends through ``httpx_client`` (httpx or httpx2; google-genai takes either), a
    capped client by default: an answer may hold a clip inline, so it stops at that bound.
    """
    options = types.HttpOptions(
        base_url=base_url,
        api_version=VERTEX_API_VERSION,
        timeout=SDK_TIMEOUT_MS,
        retry_options=retry,
        httpx_client=httpx_client or capped_client(MAX_INLINE_ANSWER_BYTES),
    )
    return genai.Client(
        enterprise=True,
        project=project,
        location=location,
        credentials=credentials,
        http_options=options,
    )


def gcs_media_url(uri: str) -> str:
    """The JSON API download address of a ``gs://bucket/name`` URI."""
    bucket, _, name = uri.removeprefix("gs://").partition("/")
    return GCS_DOWNLOAD.format(bucket=bucket, name=quote(name, safe=""))


def bearer_header(credentials: Credentials) -> dict[str, str]:
    """An Authorization header with a fresh token (refreshed here when it expired)."""
    if not credentials.valid:
        from google.auth.transport.requests import Request

        credentials.refresh(Request())  # type: ignore[no-untyped-call]
    return {"Authorization": f"Bearer {credentials.token}"}
