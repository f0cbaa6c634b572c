"""Image provider key rules: environment first, then the secret store; none -> AuthError."""

from __future__ import annotations

import pytest

from imageai.core.errors import AuthError
from imageai.core.image_catalog import ImageProviderName
from imageai.core.secrets import InMemorySecretStore, KeyName
from imageai.providers.google.images import GoogleImageProvider
from imageai.providers.image_factory import image_provider_factory
from imageai.providers.openai.images import OpenAIImageProvider


def test_openai_key_from_store_when_no_env() -> None:
    store = InMemorySecretStore({KeyName.OPENAI: "sk-stored-123"})
    provider = image_provider_factory(store, environ={})(ImageProviderName.OPENAI)
    assert isinstance(provider, OpenAIImageProvider)


@pytest.mark.parametrize(
    ("name", "hint"),
    [(ImageProviderName.OPENAI, "OPENAI_API_KEY"), (ImageProviderName.GOOGLE, "GEMINI_API_KEY")],
)
def test_no_key_anywhere_is_auth_error(name: ImageProviderName, hint: str) -> None:
    with pytest.raises(AuthError, match=hint):
        image_provider_factory(InMemorySecretStore(), environ={})(name)


def test_google_builds_for_vertex_with_a_project_and_no_key() -> None:
    env = {"GOOGLE_CLOUD_PROJECT": "proj"}
    provider = image_provider_factory(InMemorySecretStore(), environ=env)(ImageProviderName.GOOGLE)
    assert isinstance(provider, GoogleImageProvider)
