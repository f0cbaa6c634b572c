"""Builds an image provider from the key rules: environment variables first, then the keyring."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping

from imageai.core.errors import AuthError
from imageai.core.image_catalog import ImageProviderName
from imageai.core.image_jobs import ImageProvider
from imageai.core.secrets import ENV_VARS, KeyName, SecretStore, lookup_key

ImageProviderFactory = Callable[[ImageProviderName], ImageProvider]


def image_provider_factory(
    secrets: SecretStore, environ: Mapping[str, str] | None = None
) -> ImageProviderFactory:
    """A function that builds the provider for a name; raises `AuthError` when its key is missing.

    Google builds without a key when ``GOOGLE_CLOUD_PROJECT`` is set, for Imagen on Vertex AI
    (application default credentials); Gemini models then fail with `AuthError` on use.
    """
    env = dict(os.environ if environ is None else environ)

    def build(name: ImageProviderName) -> ImageProvider:
        if name is ImageProviderName.OPENAI:
            from imageai.providers.openai.images import OpenAIImageProvider

            key, _source, _var = lookup_key(secrets, KeyName.OPENAI, env)
            if key is None:
                raise _missing(KeyName.OPENAI)
            return OpenAIImageProvider(key, base_url=env.get("OPENAI_BASE_URL") or None)
        from imageai.providers.google.images import GoogleImageProvider

        key, _source, _var = lookup_key(secrets, KeyName.GOOGLE, env)
        project = env.get("GOOGLE_CLOUD_PROJECT") or None
        if key is None and project is None:
            raise _missing(KeyName.GOOGLE)
        location = env.get("GOOGLE_CLOUD_LOCATION") or "us-central1"
        base_url = env.get("GOOGLE_GEMINI_BASE_URL") or None
        return GoogleImageProvider(key, project=project, location=location, base_url=base_url)

    return build


def _missing(key: KeyName) -> AuthError:
    env = " or ".join(ENV_VARS[key])
    return AuthError(
        f"No {key.value.title()} API key. Set {env}, or store one with `imageai keys set {key.value}`."
    )
