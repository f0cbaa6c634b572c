"""Builds the provider for a project's settings: the composition point for keys and endpoints."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from pydantic import SecretStr

from imageai.core.catalog import Catalog
from imageai.core.errors import AuthError
from imageai.core.jobs import VideoProvider
from imageai.core.models import ProviderName, ProviderSettingsT
from imageai.core.secrets import ENV_VARS, KeyName, SecretStore, lookup_key
from imageai.providers.animatic import AnimaticProvider

if TYPE_CHECKING:
    from imageai.providers.router import ProviderFactory

#: Builders for the cloud providers: (settings, key or None, catalog, environ) -> provider.
Builder = Callable[[ProviderSettingsT, SecretStr | None, Catalog, Mapping[str, str]], VideoProvider]
_BUILDERS: dict[ProviderName, tuple[KeyName, Builder]] = {}


def register_builder(name: ProviderName, key: KeyName, builder: Builder) -> None:
    _BUILDERS[name] = (key, builder)


def missing_key_error(key: KeyName) -> AuthError:
    env = " or ".join(ENV_VARS[key])
    return AuthError(
        f"No {key.value.title()} API key. Set {env}, or store one with `imageai keys set {key.value}`."
    )


def provider_factory(
    secrets: SecretStore,
    catalog: Catalog,
    environ: Mapping[str, str] | None = None,
    *,
    require_keys: bool = True,
) -> ProviderFactory:
    """A factory for `ProviderRouter`; cloud providers without a key raise `AuthError`."""
    env = dict(os.environ if environ is None else environ)

    def build(name: ProviderName, settings: ProviderSettingsT) -> VideoProvider:
        if name is ProviderName.ANIMATIC:
            return AnimaticProvider(catalog=catalog)
        _load_cloud_builders()
        key_name, builder = _BUILDERS[name]
        key, _source, _var = lookup_key(secrets, key_name, env)
        if key is None and require_keys and not _keyless_allowed(name, settings):
            raise missing_key_error(key_name)
        return builder(settings, key, catalog, env)

    return build


def _keyless_allowed(name: ProviderName, settings: ProviderSettingsT) -> bool:
    # Vertex AI authenticates with application default credentials, not an API key.
    return name is ProviderName.VEO and getattr(settings, "backend", None) == "vertex"


def _load_cloud_builders() -> None:
    # Imported late so the CLI starts fast and the animatic path needs no SDK import.
    import imageai.providers.cloud_builders  # noqa: F401
